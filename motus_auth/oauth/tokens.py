"""Codes and refresh tokens in the auth Redis, stored only as SHA-256 hashes.

Every token issued from one login (the code's tokens and every refresh after) has
a family id. Presenting a used code or an already-rotated refresh token revokes
the whole family: the legitimate client and the thief both lose it (RFC 9700).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import redis
from motus_auth import keys

# Claim a code or a refresh token in one step: two requests racing on two replicas
# cannot both win.
_CLAIM = """
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local record = cjson.decode(raw)
if record.client_id ~= ARGV[1] then return {'foreign', raw} end
if record.used then return {'replay', raw} end
record.used = true
redis.call('SET', KEYS[1], cjson.encode(record), 'KEEPTTL')
return {'fresh', raw}
"""


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass
class AuthorizationCode:
    """What a code stands for; authlib's AuthorizationCodeMixin."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user_id: str
    nonce: str | None
    auth_time: int
    code_challenge: str | None
    code_challenge_method: str | None
    family: str
    issued_at: float

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> list[str]:
        return ["pwd"]

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + keys.CODE_TTL_SECONDS


@dataclass
class RefreshToken:
    """authlib's TokenMixin for a stored refresh token."""

    token_hash: str
    client_id: str
    user_id: str
    scope: str
    auth_time: int
    family: str
    used: bool
    # Set when read for introspection or revocation: the whole login was revoked.
    family_revoked: bool = False

    def check_client(self, client) -> bool:
        return client.get_client_id() == self.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return keys.REFRESH_TTL_SECONDS

    def is_expired(self) -> bool:
        return False  # Redis expires the key itself

    def is_revoked(self) -> bool:
        return self.used or self.family_revoked


class TokenStore:
    def __init__(self, client: redis.Redis, on_reuse: Callable[[str], None] = lambda kind: None) -> None:
        self.redis = client
        self._claim = client.register_script(_CLAIM)
        # Told "authorization_code" or "refresh_token" each time a used one comes back.
        self._on_reuse = on_reuse

    # --- codes ---------------------------------------------------------------------
    def save_code(self, code: str, record: dict) -> None:
        record = {**record, "family": uuid.uuid4().hex, "issued_at": time.time(), "used": False}
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(keys.code(digest(code)), json.dumps(record), ex=keys.CODE_TTL_SECONDS)
        pipe.sadd(keys.user_families(record["user_id"]), record["family"])
        pipe.expire(keys.user_families(record["user_id"]), keys.REFRESH_TTL_SECONDS)
        if record.get("nonce"):
            pipe.set(keys.nonce(record["client_id"], digest(record["nonce"])), 1, ex=keys.CODE_TTL_SECONDS * 10)
        pipe.execute()

    def nonce_seen(self, client_id: str, nonce: str) -> bool:
        return bool(self.redis.exists(keys.nonce(client_id, digest(nonce))))

    def _first_use(self, key: str, kind: str, client_id: str) -> dict | None:
        """The record if this is its first use by its own client (now marked used); a
        reuse revokes its family. Another client presenting it changes nothing: it
        must not burn what was issued to someone else."""
        result = self._claim(keys=[key], args=[client_id])
        if not result:
            return None
        state, raw = result
        if state == "foreign":
            return None
        record = json.loads(raw)
        if state == "replay":
            self.revoke_family(record["family"])
            self._on_reuse(kind)
            return None
        return record

    def claim_code(self, code: str, client_id: str) -> AuthorizationCode | None:
        """The code's record if this is its first use; None if unknown, expired or replayed.

        A replay revokes every token issued from the code's first use."""
        record = self._first_use(keys.code(digest(code)), "authorization_code", client_id)
        if record is None:
            return None
        fields = {k: record.get(k) for k in AuthorizationCode.__dataclass_fields__ if k != "code"}
        return AuthorizationCode(code=code, **fields)

    # --- refresh tokens ---------------------------------------------------------------
    def save_refresh(self, token: str, client_id: str, user_id: str, scope: str, auth_time: int, family: str) -> None:
        record = {
            "client_id": client_id,
            "user_id": user_id,
            "scope": scope,
            "auth_time": auth_time,
            "family": family,
            "used": False,
        }
        self.redis.set(keys.refresh(digest(token)), json.dumps(record), ex=keys.REFRESH_TTL_SECONDS)

    def claim_refresh(self, token: str, client_id: str) -> RefreshToken | None:
        """The token if this is its first use, now marked used; else None.

        A used token coming back, even a second request racing the first, is a reuse:
        the whole family is revoked (RFC 9700 section 4.14.2)."""
        token_hash = digest(token)
        record = self._first_use(keys.refresh(token_hash), "refresh_token", client_id)
        if record is None or self.family_revoked(record["family"]):
            return None
        return RefreshToken(token_hash=token_hash, **record)

    def peek_refresh(self, token: str) -> RefreshToken | None:
        """The stored token as it is, with no reuse detection (revocation, introspection)."""
        token_hash = digest(token)
        raw = self.redis.get(keys.refresh(token_hash))
        if not raw:
            return None
        record = json.loads(raw)
        return RefreshToken(token_hash=token_hash, family_revoked=self.family_revoked(record["family"]), **record)

    # --- families -------------------------------------------------------------------
    def revoke_family(self, family: str) -> None:
        self.redis.set(keys.family_revoked(family), 1, ex=keys.REFRESH_TTL_SECONDS)

    def revoke_user(self, user_id: str) -> int:
        """Every token family of the account revoked (a logout at the provider): its
        refresh tokens stop working, and its access tokens at userinfo and introspection."""
        families = self.redis.smembers(keys.user_families(user_id))
        for family in families:
            self.revoke_family(family)
        self.redis.delete(keys.user_families(user_id))
        return len(families)

    def family_revoked(self, family: str) -> bool:
        return bool(self.redis.exists(keys.family_revoked(family)))
