"""The key cache of resource servers and clients (HTTP faked with httpx2's MockTransport:
a pure unit test; the real provider is used in the integration tests)."""

from __future__ import annotations

import httpx2
import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from motus_kit.jwks import KeyCache, KeysUnavailable, token_kid
from tests.support.aio import run as run_sync

KEY_A = RSAKey.generate_key(2048, parameters={"kid": "a"}, private=True)
KEY_B = RSAKey.generate_key(2048, parameters={"kid": "b"}, private=True)


def _token(key: RSAKey) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, {"sub": "x"}, key)


class Provider:
    def __init__(self) -> None:
        self.keys = [KEY_A]
        self.fetches = 0
        self.down = False

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        self.fetches += 1
        if self.down:
            return httpx2.Response(503)
        return httpx2.Response(200, json=KeySet(self.keys).as_dict(private=False))


def _cache(provider: Provider, min_refetch: float = 0.0) -> KeyCache:
    http = httpx2.AsyncClient(base_url="http://peers", transport=httpx2.MockTransport(provider.handler))
    return KeyCache(http, min_refetch_seconds=min_refetch)


def test_keys_are_fetched_once_then_cached():
    provider = Provider()
    cache = _cache(provider)

    async def run():
        for _ in range(3):
            keys = await cache.for_token(_token(KEY_A))
            jwt.decode(_token(KEY_A), keys)

    run_sync(run())
    assert provider.fetches == 1


def test_an_unknown_kid_fetches_again_a_rotation():
    provider = Provider()
    cache = _cache(provider)

    async def run():
        await cache.for_token(_token(KEY_A))
        provider.keys = [KEY_B, KEY_A]
        keys = await cache.for_token(_token(KEY_B))
        jwt.decode(_token(KEY_B), keys)

    run_sync(run())
    assert provider.fetches == 2


def test_made_up_kids_cost_at_most_one_fetch_per_interval():
    provider = Provider()
    cache = _cache(provider, min_refetch=60)

    async def run():
        await cache.for_token(_token(KEY_A))
        for _ in range(20):
            await cache.for_token(_token(KEY_B))  # B is not published: never found

    run_sync(run())
    assert provider.fetches == 1


def test_cached_keys_keep_working_while_the_provider_is_down():
    provider = Provider()
    cache = _cache(provider)

    async def run():
        await cache.for_token(_token(KEY_A))
        provider.down = True
        keys = await cache.for_token(_token(KEY_B))  # unknown kid, provider down: the old keys
        jwt.decode(_token(KEY_A), keys)

    run_sync(run())


def test_no_keys_and_the_provider_down_is_said_clearly():
    provider = Provider()
    provider.down = True
    with pytest.raises(KeysUnavailable):
        run_sync(_cache(provider).for_token(_token(KEY_A)))


def test_token_kid_reads_the_header_or_none():
    assert token_kid(_token(KEY_B)) == "b"
    assert token_kid("garbage") is None


def test_a_provider_down_at_start_is_not_asked_again_at_every_request():
    provider = Provider()
    provider.down = True
    cache = _cache(provider, min_refetch=60)

    async def run():
        for _ in range(10):
            with pytest.raises(KeysUnavailable):
                await cache.for_token(_token(KEY_A))

    run_sync(run())
    assert provider.fetches == 1


def test_an_old_copy_is_fetched_again_and_a_withdrawn_key_stops_working():
    provider = Provider()
    http = httpx2.AsyncClient(base_url="http://peers", transport=httpx2.MockTransport(provider.handler))
    cache = KeyCache(http, min_refetch_seconds=0, max_age_seconds=0)

    async def run():
        await cache.for_token(_token(KEY_A))
        provider.keys = [KEY_B]  # A withdrawn
        keys = await cache.for_token(_token(KEY_A))
        with pytest.raises(JoseError):
            jwt.decode(_token(KEY_A), keys)

    run_sync(run())
    assert provider.fetches == 2
