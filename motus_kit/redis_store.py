"""The Redis client every service uses for its own store: one node, or a primary found
through Sentinel, with the same commands either way.

A store URL is either `redis://user:password@host:port/db` (one node: development and
the single-process tests) or
`redis+sentinel://user:password@sentinel-1:26379,sentinel-2:26379/redis-game/0`: the
Sentinels to ask, then the name they watch the store under, then the database. No
primary's address appears anywhere: whichever node Sentinel names is the one written to.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import redis.retry
import redis.sentinel
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel, SentinelManagedConnection
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

import redis

log = logging.getLogger("motus.store")

SENTINEL_SCHEME = "redis+sentinel"
# What a failover looks like from a client: the old primary refuses connections or
# stops answering, a demoted one answers READONLY, Sentinel has no primary to name yet
# (MasterNotFoundError is a ConnectionError).
_FAILOVER_ERRORS = (RedisConnectionError, RedisTimeoutError, ReadOnlyError)


class StoreURLError(ValueError):
    """A store URL that cannot be used, with what is wrong in it."""


@dataclass(frozen=True)
class SentinelTarget:
    """A replicated store as its clients see it: who to ask, and under which name."""

    sentinels: tuple[tuple[str, int], ...]
    service: str
    db: int
    username: str | None
    password: str | None


def parse_sentinel_url(url: str) -> SentinelTarget:
    parts = urlsplit(url)
    if parts.scheme != SENTINEL_SCHEME:
        raise StoreURLError(f"not a {SENTINEL_SCHEME}:// URL")
    userinfo, _, hosts = parts.netloc.rpartition("@")
    username, _, password = userinfo.partition(":")
    sentinels = []
    for host in hosts.split(","):
        name, _, port = host.rpartition(":")
        if not name or not port.isdigit():
            raise StoreURLError(f"sentinel address {host!r} must be host:port")
        sentinels.append((name, int(port)))
    path = [p for p in parts.path.split("/") if p]
    if not path or len(path) > 2 or (len(path) == 2 and not path[1].isdigit()):
        raise StoreURLError("the path must be /<service name watched by Sentinel>[/<db number>]")
    return SentinelTarget(
        tuple(sentinels),
        path[0],
        int(path[1]) if len(path) == 2 else 0,
        unquote(username) or None,
        unquote(password) or None,
    )


class _Deadline:
    """Retry what a failover breaks until a time budget runs out, rather than a count:
    a refused connection fails in microseconds and a hung one in a full timeout, and
    what a client must bound is how long it waits. Every write the services make is
    idempotent (attempt numbers, results keyed by player and puzzle, one-time ids), so
    sending a command again after a broken connection is safe."""

    def __init__(self, budget_seconds: float) -> None:
        self.budget = budget_seconds
        self.backoff = ExponentialBackoff(cap=0.25, base=0.02)

    def pause(self, failures: int, started: float, error: Exception) -> float:
        """Seconds to sleep before the next try; raises `error` when the budget is spent."""
        pause = self.backoff.compute(failures)
        if time.monotonic() + pause - started > self.budget:
            raise error
        if failures == 1:
            log.warning("store unreachable, retrying for up to %.1f s: %s", self.budget, error)
        return pause


class FailoverRetry(Retry):
    """redis-py's Retry for the asyncio client, bounded by time (see _Deadline)."""

    def __init__(self, budget_seconds: float) -> None:
        super().__init__(ExponentialBackoff(), retries=-1, supported_errors=_FAILOVER_ERRORS)
        self._deadline = _Deadline(budget_seconds)

    async def call_with_retry(self, do, fail, is_retryable=None, with_failure_count=False):
        started, failures = time.monotonic(), 0
        while True:
            try:
                return await do()
            except self._supported_errors as error:
                if is_retryable and not is_retryable(error):
                    raise
                failures += 1
                await (fail(error, failures) if with_failure_count else fail(error))
                await asyncio.sleep(self._deadline.pause(failures, started, error))


class SyncFailoverRetry(redis.retry.Retry):
    """The same for the synchronous client (authlib's callbacks)."""

    def __init__(self, budget_seconds: float) -> None:
        super().__init__(ExponentialBackoff(), retries=-1, supported_errors=_FAILOVER_ERRORS)
        self._deadline = _Deadline(budget_seconds)

    def call_with_retry(self, do, fail, is_retryable=None, with_failure_count=False):
        started, failures = time.monotonic(), 0
        while True:
            try:
                return do()
            except self._supported_errors as error:
                if is_retryable and not is_retryable(error):
                    raise
                failures += 1
                fail(error, failures) if with_failure_count else fail(error)
                time.sleep(self._deadline.pause(failures, started, error))


class _AskSentinelOnReconnect(SentinelManagedConnection):
    """A connection that asks Sentinel for the primary every time it reconnects.

    redis-py 8.1 asks only when a connection is first made: a pooled connection that
    lost its socket reconnects, on its next command, to the address it had, retrying
    it. After a failover that address is the old primary; when that process comes back
    it answers as a primary (until Sentinel demotes it, ~10 s later), and writes sent
    to it then are lost when it resynchronises from the new one. Found by the chaos
    test: a whole game's tries vanished."""

    async def send_packed_command(self, command, check_health=True):
        if not self.is_connected:
            await self.connect()
        await super().send_packed_command(command, check_health)


class _SyncAskSentinelOnReconnect(redis.sentinel.SentinelManagedConnection):
    """The same for the synchronous client."""

    def send_packed_command(self, command, check_health=True):
        if not self._sock:
            self.connect()
        super().send_packed_command(command, check_health)


@dataclass(frozen=True)
class StoreOptions:
    """How to reach a store and how long to wait for it."""

    url: str
    timeout_seconds: float
    # Set for a replicated store: the Sentinels' own user and password (discovery only).
    sentinel_username: str | None = None
    sentinel_password: str | None = None
    # How long a command keeps retrying while a failover is under way.
    failover_seconds: float = 6.0

    @property
    def replicated(self) -> bool:
        return self.url.startswith(f"{SENTINEL_SCHEME}://")


def _client_kwargs(options: StoreOptions) -> dict[str, Any]:
    return {
        "decode_responses": True,
        "socket_connect_timeout": options.timeout_seconds,
        "socket_timeout": options.timeout_seconds,
        # No CLIENT SETINFO on each new connection: Redis 7.0 lacks it, and the
        # Sentinels' discovery user may not run it.
        "driver_info": None,
    }


def _sentinel_kwargs(options: StoreOptions) -> dict[str, Any]:
    return {
        "username": options.sentinel_username,
        "password": options.sentinel_password,
        # A Sentinel that is down is skipped at once; the next one is asked.
        "socket_connect_timeout": min(options.timeout_seconds, 0.5),
        "socket_timeout": min(options.timeout_seconds, 0.5),
        "driver_info": None,
    }


def _primary_kwargs(target: SentinelTarget, options: StoreOptions) -> dict[str, Any]:
    """How a client logs in to whichever node Sentinel names, and what it retries."""
    return {
        "username": target.username,
        "password": target.password,
        "db": target.db,
        "retry_on_error": list(_FAILOVER_ERRORS),
        **_client_kwargs(options),
    }


def create_redis(options: StoreOptions) -> Redis:
    if options.replicated:
        target = parse_sentinel_url(options.url)
        sentinel = Sentinel(list(target.sentinels), sentinel_kwargs=_sentinel_kwargs(options))
        return sentinel.master_for(
            target.service,
            connection_class=_AskSentinelOnReconnect,
            retry=FailoverRetry(options.failover_seconds),
            health_check_interval=10,
            **_primary_kwargs(target, options),
        )
    # One node: one quick retry reconnects a pooled connection that a Redis restart
    # broke; more would only delay the 503 a client should get while Redis is really down.
    return Redis.from_url(
        options.url,
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), retries=1),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        health_check_interval=10,
        **_client_kwargs(options),
    )


def create_sync_redis(options: StoreOptions) -> redis.Redis:
    """The same store for synchronous code (authlib's callbacks, a command-line tool):
    the same timeouts, so a Redis that hangs never holds a worker thread for good."""
    if options.replicated:
        target = parse_sentinel_url(options.url)
        sentinel = redis.sentinel.Sentinel(list(target.sentinels), sentinel_kwargs=_sentinel_kwargs(options))
        return sentinel.master_for(
            target.service,
            connection_class=_SyncAskSentinelOnReconnect,
            retry=SyncFailoverRetry(options.failover_seconds),
            **_primary_kwargs(target, options),
        )
    return redis.Redis.from_url(
        options.url,
        retry=redis.retry.Retry(ExponentialBackoff(cap=0.2, base=0.05), retries=1),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        **_client_kwargs(options),
    )


async def close_redis(client: Redis) -> None:
    """Close the pool, and the Sentinel connections behind it if any."""
    pool = client.connection_pool
    await client.aclose()
    manager = getattr(pool, "sentinel_manager", None)
    for sentinel in getattr(manager, "sentinels", ()):
        await sentinel.aclose()


def close_sync_redis(client: redis.Redis) -> None:
    pool = client.connection_pool
    client.close()
    manager = getattr(pool, "sentinel_manager", None)
    for sentinel in getattr(manager, "sentinels", ()):
        sentinel.close()


async def durability(redis: Redis) -> dict[str, str]:
    """The persistence settings the store runs with, for operators to check."""
    try:
        conf = await redis.config_get("appendonly")
        conf.update(await redis.config_get("appendfsync"))
    except ResponseError:
        # A managed Redis may refuse CONFIG; the page still answers.
        return {"appendonly": "unknown", "appendfsync": "unknown"}
    return {"appendonly": conf.get("appendonly", "?"), "appendfsync": conf.get("appendfsync", "?")}
