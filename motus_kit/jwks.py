"""The auth service's public keys, as a resource server or client needs them:
fetched through HAProxy's internal frontend, cached, fetched again when a token
names a key we have not seen (the provider rotated its key) or when the copy is
old (a key the provider withdrew stops being trusted)."""

from __future__ import annotations

import asyncio
import time

import httpx2
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

JWKS_PATH = "/auth/jwks"


class KeysUnavailable(Exception):
    """The provider's keys could not be fetched and none are cached."""


def token_kid(token: str) -> str | None:
    """The kid in a compact JWS header, unverified; None if the token is not a JWS."""
    try:
        return jws.extract_compact(token.encode()).protected.get("kid")
    except (JoseError, ValueError, UnicodeError):
        return None


class KeyCache:
    def __init__(
        self, http: httpx2.AsyncClient, min_refetch_seconds: float = 1.0, max_age_seconds: float = 600.0
    ) -> None:
        self.http = http
        # A flood of tokens naming made-up keys, or arriving while the provider is down,
        # costs at most one fetch per interval.
        self.min_refetch_seconds = min_refetch_seconds
        self.max_age_seconds = max_age_seconds
        self._keys: KeySet | None = None
        self._fetched_at = 0.0  # last successful fetch
        self._tried_at = float("-inf")  # last attempt, successful or not
        self._lock = asyncio.Lock()

    async def for_token(self, token: str) -> KeySet:
        kid = token_kid(token)
        keys = self._keys
        fresh = time.monotonic() - self._fetched_at < self.max_age_seconds
        if keys is not None and fresh and (kid is None or _has(keys, kid)):
            return keys
        return await self._fetch()

    async def _fetch(self) -> KeySet:
        async with self._lock:
            if time.monotonic() - self._tried_at < self.min_refetch_seconds:
                # Tried a moment ago (maybe by a request we waited for): use what that gave.
                if self._keys is None:
                    raise KeysUnavailable(f"{JWKS_PATH}: unavailable")
                return self._keys
            self._tried_at = time.monotonic()
            try:
                resp = await self.http.get(JWKS_PATH)
                resp.raise_for_status()
                self._keys = KeySet.import_key_set(resp.json())
                self._fetched_at = time.monotonic()
            except (httpx2.HTTPError, ValueError, JoseError) as exc:
                if self._keys is None:
                    raise KeysUnavailable(f"{JWKS_PATH}: {type(exc).__name__}") from None
                # The provider is down: the keys we have still verify every token they signed.
            return self._keys


def _has(keys: KeySet, kid: str) -> bool:
    try:
        keys.get_by_kid(kid)
    except (ValueError, KeyError, JoseError):
        return False
    return True
