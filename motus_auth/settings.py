from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from motus_auth import throttle
from motus_kit.settings import Secret, ServiceSettings, instance_field, redis_url_field


class AuthSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AUTH_")

    # Defaults match the local stack's first replica, so a hand-started process just works.
    instance: str = instance_field("auth-1")
    redis_url: str = redis_url_field("redis://127.0.0.1:6393/0")
    # Signs the provider session cookie and the CSRF tokens. `motus-stack` generates
    # one per stack; compose requires it from the environment.
    secret_key: Secret
    # The first lock of an address on an account after five failed logins; it doubles
    # with each further failure (see throttle.py).
    login_lock_seconds: int = Field(default=throttle.FIRST_LOCK_SECONDS, ge=1, le=3600)
    # Memory a replica may spend on password hashes at once; each takes 64 MiB, so the
    # default runs two at a time (motus_auth/hashing.py). A replica idles at ~75 MiB.
    hash_memory_budget_mib: int = Field(default=128, ge=64, le=16384)
    # Logins and registrations that may wait for a hashing slot, at most this long;
    # beyond either, a 503 with Retry-After at once.
    hash_queue: int = Field(default=8, ge=0, le=1000)
    hash_wait_seconds: float = Field(default=3.0, gt=0, le=30)
    # The provider's public identifier: the `iss` of every token, and the base of every
    # endpoint in the discovery document. The URL browsers use, through HAProxy.
    issuer: str = Field(default="http://127.0.0.1:8080/auth", pattern=r"^https?://[^/]+/auth$")
    # The OAuth clients (see motus_auth/oauth/clients.py); `motus-stack` writes one per stack.
    clients_file: Path = Path("motus_auth/clients.example.json")
    # An RSA private key (PEM) to sign with. Optional: without one, the first replica
    # to start generates a key and both share it through redis-auth.
    signing_key_file: Path | None = None
