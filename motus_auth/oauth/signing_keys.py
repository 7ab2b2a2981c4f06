"""The provider's signing keys: RSA, shared by both replicas through the auth Redis,
the private part sealed with a key only the auth replicas hold.

The first replica to start without a key generates one and stores it (an optimistic
transaction), so two replicas starting together still agree on a single key.
Rotation puts a new key first and keeps the previous one in the JWKS, so tokens it
signed stay verifiable until they expire.

At rest each key is `{"kid", "public": <public JWK>, "sealed": <AES-256-GCM of the
private JWK>}`. The sealing key is derived from AUTH_SECRET_KEY, which only the auth
replicas have: whoever reads redis-auth (a stolen dump, a compromised process with
its password) gets no key to forge tokens with. Keys stored in clear by an earlier
version are sealed on the next start. A key sealed under another AUTH_SECRET_KEY
(the secret was changed, or one replica has another) stops the replica at start
with a message saying so: replacing it silently would make replicas with different
secrets replace each other's keys for ever. `python -m motus_auth.rotate_keys` with
the new secret replaces it, its public part kept for verification.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from joserfc.jwk import KeySet, RSAKey

import redis
from motus_auth import keys

ALG = "RS256"
# Re-read from Redis at most this often, so a rotation done on one replica reaches the other.
_CACHE_SECONDS = 30


class Sealer:
    """AES-256-GCM with a key derived (HKDF-SHA256) from the auth service's secret."""

    def __init__(self, secret: str) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"motus-auth", info=b"signing keys v1")
        self._aead = AESGCM(derived.derive(secret.encode()))

    def seal(self, private_jwk: dict) -> dict:
        nonce = os.urandom(12)
        kid = private_jwk["kid"]
        sealed = self._aead.encrypt(nonce, json.dumps(private_jwk).encode(), kid.encode())
        public = RSAKey.import_key(private_jwk).as_dict(private=False)
        return {"kid": kid, "public": public, "sealed": base64.b64encode(nonce + sealed).decode()}

    def seal_text(self, text: str, purpose: bytes) -> str:
        """Opaque and different every time (a fresh nonce): an internal id a token carries."""
        nonce = os.urandom(12)
        return base64.urlsafe_b64encode(nonce + self._aead.encrypt(nonce, text.encode(), purpose)).decode().rstrip("=")

    def open_text(self, sealed: str, purpose: bytes) -> str | None:
        try:
            raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
            return self._aead.decrypt(raw[:12], raw[12:], purpose).decode()
        except (InvalidTag, ValueError, TypeError):
            return None

    def open(self, entry: dict) -> dict | None:
        """The private JWK of a stored entry; None if it only has a public part or was
        sealed under another secret."""
        if "d" in entry:
            return entry  # stored in clear by an earlier version
        if "sealed" not in entry:
            return None
        raw = base64.b64decode(entry["sealed"])
        try:
            return json.loads(self._aead.decrypt(raw[:12], raw[12:], entry["kid"].encode()))
        except InvalidTag:
            return None


def public_part(entry: dict) -> dict:
    if "d" in entry:
        return RSAKey.import_key(entry).as_dict(private=False)
    return entry["public"]


def _public_only(entry: dict) -> dict:
    return {"kid": entry["kid"], "public": public_part(entry)}


def _new_key() -> dict:
    key = RSAKey.generate_key(2048, parameters={"kid": uuid.uuid4().hex, "use": "sig", "alg": ALG}, private=True)
    return key.as_dict(private=True)


def _update(client: redis.Redis, change) -> list[dict]:
    """Apply change(entries) -> new entries or None (no write) atomically (WATCH)."""
    with client.pipeline() as pipe:
        for _ in range(20):
            try:
                pipe.watch(keys.SIGNING_KEYS)
                raw = pipe.get(keys.SIGNING_KEYS)
                entries = json.loads(raw) if raw else []
                updated = change(entries)
                if updated is None:
                    pipe.reset()
                    return entries
                pipe.multi()
                pipe.set(keys.SIGNING_KEYS, json.dumps(updated))
                pipe.execute()
                return updated
            except redis.WatchError:
                continue
    raise RuntimeError("the signing keys kept changing under this replica")


class SealedElsewhere(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "the signing key in redis-auth was sealed with another AUTH_SECRET_KEY: give every auth replica "
            "the same AUTH_SECRET_KEY, or run `python -m motus_auth.rotate_keys` with this one to replace the key"
        )


def ensure(client: redis.Redis, sealer: Sealer) -> list[dict]:
    """The stored keys, newest first, after making sure the first one can sign here
    (SealedElsewhere if it cannot)."""

    def change(entries: list[dict]) -> list[dict] | None:
        if not entries:
            return [sealer.seal(_new_key())]
        if sealer.open(entries[0]) is None:
            raise SealedElsewhere
        if any("d" in entry for entry in entries):
            return [sealer.seal(entry) if "d" in entry else entry for entry in entries]
        return None

    # Read on every token issued: one GET when nothing needs writing (the usual case),
    # the optimistic transaction only when something does.
    raw = client.get(keys.SIGNING_KEYS)
    entries = json.loads(raw) if raw else []
    if entries and not any("d" in entry for entry in entries) and sealer.open(entries[0]) is not None:
        return entries
    return _update(client, change)


def install(client: redis.Redis, pem: bytes, sealer: Sealer) -> list[dict]:
    """Sign with a configured key from now on, keeping the previous one for verification.

    Idempotent: both replicas starting with the same key file leave one copy of it."""
    key = RSAKey.import_key(pem, parameters={"use": "sig", "alg": ALG})
    key.ensure_kid()
    configured = key.as_dict(private=True)

    def change(entries: list[dict]) -> list[dict] | None:
        if entries and entries[0]["kid"] == configured["kid"] and sealer.open(entries[0]) is not None:
            return None
        return [sealer.seal(configured), *(_public_only(e) for e in entries[:1] if e["kid"] != configured["kid"])]

    return _update(client, change)


def rotate(client: redis.Redis, sealer: Sealer) -> list[dict]:
    """New signing key first; the previous one kept for verification (its public part);
    older ones dropped. Also the way out of SealedElsewhere."""
    return _update(client, lambda entries: [sealer.seal(_new_key()), *(_public_only(e) for e in entries[:1])])


class SigningKeys:
    """A replica's cached view of the shared keys."""

    def __init__(self, client: redis.Redis, sealer: Sealer) -> None:
        self.client = client
        self.sealer = sealer
        self._lock = threading.Lock()
        self._keys: list[dict] = []
        self._loaded_at = 0.0

    def _load(self, force: bool = False) -> list[dict]:
        with self._lock:
            if force or not self._keys or time.monotonic() - self._loaded_at > _CACHE_SECONDS:
                self._keys = ensure(self.client, self.sealer)
                self._loaded_at = time.monotonic()
            return self._keys

    def private_set(self) -> KeySet:
        """Only the current key: what tokens are signed with. Read fresh (one GET per
        token issued), so a rotation done on the other replica applies at once."""
        current = self._load(force=True)[0]
        return KeySet.import_key_set({"keys": [self.sealer.open(current)]})

    def public_set(self, refresh: bool = False) -> KeySet:
        """For verifying: cached; a caller meeting an unknown kid asks again with refresh."""
        return KeySet.import_key_set({"keys": [public_part(entry) for entry in self._load(force=refresh)]})

    def jwks(self) -> dict:
        return self.public_set(refresh=True).as_dict(private=False)
