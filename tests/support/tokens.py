"""Access tokens for tests of the score API: real ones from the provider, and ones
forged with the provider's own key (read from its Redis) for cases the provider
would never issue (expired, another audience, any subject)."""

from __future__ import annotations

import time

import httpx2
from joserfc import jwt
from joserfc.jwk import KeySet

import redis
from motus_auth.oauth import signing_keys
from motus_stack.stack import Stack


def request_service_token(base_url: str, auth: tuple[str, str] | None, **form) -> httpx2.Response:
    """A client-credentials request to the provider's token endpoint, as a client sends it."""
    data = {"grant_type": "client_credentials", **form}
    return httpx2.post(f"{base_url}/auth/token", data=data, auth=auth, timeout=10)


def game_service_token(stack: Stack, scope: str | None = None) -> str:
    """The game's client-credentials token (scope score:record)."""
    auth = ("motus-game", stack.topology.secrets["AUTH_CLIENT_SECRET_MOTUS_GAME"])
    resp = request_service_token(stack.topology.public_url, auth, **({"scope": scope} if scope else {}))
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def claims_now(stack: Stack, **changes) -> dict:
    now = int(time.time())
    claims = {
        "iss": f"{stack.topology.public_url}/auth",
        "sub": "nobody",
        "aud": ["motus-api"],
        "exp": now + 300,
        "iat": now,
        "scope": "openid profile score:read",
        "client_id": "motus-cli",
        "jti": f"test-{now}",
    }
    return {**claims, **changes}


def sealer(stack: Stack) -> signing_keys.Sealer:
    """What the provider seals its private keys with (from the stack's AUTH_SECRET_KEY)."""
    return signing_keys.Sealer(stack.saved_secrets()["AUTH_SECRET_KEY"])


def forge(stack: Stack, claims: dict, header: dict | None = None) -> str:
    """A token signed with the provider's current key: valid unless the claims say otherwise."""
    client = redis.Redis.from_url(stack.topology.redis_url("redis-auth"), decode_responses=True)
    try:
        current = signing_keys.ensure(client, sealer(stack))[0]
        keys = KeySet.import_key_set({"keys": [sealer(stack).open(current)]})
    finally:
        client.close()
    key = next(iter(keys))
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "at+jwt", **(header or {})}, claims, keys)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
