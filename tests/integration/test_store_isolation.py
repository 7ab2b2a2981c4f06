"""Each store answers only its own service, and the provider's private key is not in any
store in a usable form (README, "Security")."""

from __future__ import annotations

import json

import httpx2
import pytest

import redis
from motus_auth import keys as auth_keys
from motus_stack.topology import REDIS_PASSWORD_NAMES, redis_user
from tests.support.aio import run
from tests.support.tokens import sealer

pytestmark = pytest.mark.integration


def _client(stack, store: str, user: str | None, password: str | None) -> redis.Redis:
    """The store's node that a new stack starts as primary (the replica has the same users)."""
    return redis.Redis(
        host="127.0.0.1", port=stack.topology.ports.by_name[f"{store}-1"], username=user, password=password,
        decode_responses=True, socket_timeout=5,
    )  # fmt: skip


@pytest.mark.parametrize("intruder", ["redis-game", "redis-score"])
def test_another_services_credentials_cannot_read_redis_auth(healthy_stack, intruder):
    # A compromised game (or score) replica holds its own store's user and password.
    password = healthy_stack.saved_secrets()[REDIS_PASSWORD_NAMES[intruder]]
    with pytest.raises(redis.AuthenticationError):
        _client(healthy_stack, "redis-auth", redis_user(intruder), password).get(auth_keys.SIGNING_KEYS)
    # Nor as the default user with that password, nor with no password at all.
    with pytest.raises(redis.AuthenticationError):
        _client(healthy_stack, "redis-auth", None, password).get(auth_keys.SIGNING_KEYS)
    with pytest.raises(redis.AuthenticationError):
        _client(healthy_stack, "redis-auth", None, None).get(auth_keys.SIGNING_KEYS)


def test_the_exporters_user_reads_figures_but_no_key(healthy_stack):
    exporter = _client(
        healthy_stack, "redis-auth", "exporter", healthy_stack.saved_secrets()["REDIS_EXPORTER_PASSWORD"]
    )
    assert "used_memory" in exporter.info("memory")
    with pytest.raises(redis.exceptions.NoPermissionError):
        exporter.get(auth_keys.SIGNING_KEYS)


def test_the_stored_signing_key_is_sealed_and_only_the_provider_can_open_it(healthy_stack):
    # The provider publishes the key it signs with (and creates it, on a fresh stack).
    jwks = httpx2.get(f"{healthy_stack.topology.public_url}/auth/jwks", timeout=5).json()["keys"]
    store = redis.Redis.from_url(healthy_stack.topology.redis_url("redis-auth"), decode_responses=True)
    try:
        [current, *_] = json.loads(store.get(auth_keys.SIGNING_KEYS))
    finally:
        store.close()
    # What a reader of redis-auth sees: the public key, and ciphertext.
    assert set(current) == {"kid", "public", "sealed"} and "d" not in current["public"]
    assert '"d"' not in json.dumps(current)
    assert jwks[0]["kid"] == current["kid"] and jwks[0]["n"] == current["public"]["n"]
    assert sealer(healthy_stack).open(current)["d"]


def test_a_replica_with_another_secret_refuses_to_start_and_says_why(healthy_stack, monkeypatch):
    from motus_auth.app import create_app
    from motus_auth.settings import AuthSettings

    httpx2.get(f"{healthy_stack.topology.public_url}/auth/jwks", timeout=5)  # the key exists
    monkeypatch.setenv("AUTH_CLIENT_SECRET_MOTUS_GAME", healthy_stack.saved_secrets()["AUTH_CLIENT_SECRET_MOTUS_GAME"])
    settings = AuthSettings(
        instance="auth-stray",
        redis_url=healthy_stack.topology.redis_url("redis-auth"),
        secret_key="another-secret-0123456789-abcdefghijklmnopqrst",
        clients_file=healthy_stack.topology.clients_file,
    )
    app = create_app(settings)

    async def start() -> None:
        async with app.router.lifespan_context(app):
            pass

    with pytest.raises(SystemExit, match="sealed with another AUTH_SECRET_KEY"):
        run(start())
    # And the key the real replicas sign with is untouched.
    assert httpx2.get(f"{healthy_stack.topology.public_url}/auth/jwks", timeout=5).status_code == 200
