"""The Redis client every service uses for its own store."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

import redis


def create_redis(url: str, timeout_seconds: float) -> Redis:
    # One quick retry reconnects a pooled connection that a Redis restart broke;
    # more would only delay the 503 a client should get while Redis is really down.
    return Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=timeout_seconds,
        socket_timeout=timeout_seconds,
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), retries=1),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        health_check_interval=10,
    )


def create_sync_redis(url: str, timeout_seconds: float) -> redis.Redis:
    """The same store for synchronous code (authlib's callbacks, a command-line tool):
    the same timeouts, so a Redis that hangs never holds a worker thread for good."""
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=timeout_seconds,
        socket_timeout=timeout_seconds,
        retry=redis.retry.Retry(ExponentialBackoff(cap=0.2, base=0.05), retries=1),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )


async def durability(redis: Redis) -> dict[str, str]:
    """The persistence settings the store runs with, for operators to check."""
    try:
        conf = await redis.config_get("appendonly")
        conf.update(await redis.config_get("appendfsync"))
    except ResponseError:
        # A managed Redis may refuse CONFIG; the page still answers.
        return {"appendonly": "unknown", "appendfsync": "unknown"}
    return {"appendonly": conf.get("appendonly", "?"), "appendfsync": conf.get("appendfsync", "?")}
