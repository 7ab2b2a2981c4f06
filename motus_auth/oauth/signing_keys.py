"""The provider's signing keys: RSA, shared by both replicas through the auth Redis.

The first replica to start without a key generates one and stores it with SET NX,
so two replicas starting together still agree on a single key. Rotation puts a
new key first and keeps the previous one in the JWKS, so tokens it signed stay
verifiable until they expire.
"""

from __future__ import annotations

import json
import threading
import time
import uuid

from joserfc.jwk import KeySet, RSAKey

import redis
from motus_auth import keys

ALG = "RS256"
# Re-read from Redis at most this often, so a rotation done on one replica reaches the other.
_CACHE_SECONDS = 30


def _new_key() -> dict:
    key = RSAKey.generate_key(2048, parameters={"kid": uuid.uuid4().hex, "use": "sig", "alg": ALG}, private=True)
    return key.as_dict(private=True)


def ensure(client: redis.Redis) -> list[dict]:
    raw = client.get(keys.SIGNING_KEYS)
    if raw is None:
        client.set(keys.SIGNING_KEYS, json.dumps([_new_key()]), nx=True)
        raw = client.get(keys.SIGNING_KEYS)
    return json.loads(raw)


def install(client: redis.Redis, pem: bytes) -> list[dict]:
    """Sign with a configured key from now on, keeping the previous one for verification.

    Idempotent: both replicas starting with the same key file leave one copy of it."""
    key = RSAKey.import_key(pem, parameters={"use": "sig", "alg": ALG})
    key.ensure_kid()
    configured = key.as_dict(private=True)
    current = json.loads(client.get(keys.SIGNING_KEYS) or "[]")
    if current and current[0].get("kid") == configured["kid"]:
        return current
    installed = [configured, *current[:1]]
    client.set(keys.SIGNING_KEYS, json.dumps(installed))
    return installed


def rotate(client: redis.Redis) -> list[dict]:
    """New signing key first; the previous one kept for verification; older ones dropped."""
    current = ensure(client)
    rotated = [_new_key(), current[0]]
    client.set(keys.SIGNING_KEYS, json.dumps(rotated))
    return rotated


class SigningKeys:
    """A replica's cached view of the shared keys."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._lock = threading.Lock()
        self._keys: list[dict] = []
        self._loaded_at = 0.0

    def _load(self, force: bool = False) -> list[dict]:
        with self._lock:
            if force or not self._keys or time.monotonic() - self._loaded_at > _CACHE_SECONDS:
                self._keys = ensure(self.client)
                self._loaded_at = time.monotonic()
            return self._keys

    def private_set(self) -> KeySet:
        """Only the current key: what tokens are signed with. Read fresh (one GET per
        token issued), so a rotation done on the other replica applies at once."""
        return KeySet.import_key_set({"keys": [self._load(force=True)[0]]})

    def public_set(self, refresh: bool = False) -> KeySet:
        """For verifying: cached; a caller meeting an unknown kid asks again with refresh."""
        return KeySet.import_key_set({"keys": self._load(force=refresh)})

    def jwks(self) -> dict:
        return self.public_set(refresh=True).as_dict(private=False)
