"""The auth service's Redis: accounts, provider sessions, login failures."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from motus_auth import keys, throttle

# Claiming a username and creating the account is one step: two people racing for
# the same name on two replicas cannot both get it, and no half-made account remains.
_REGISTER = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'username', ARGV[2], 'password_hash', ARGV[3], 'created', ARGV[4])
return 1
"""


@dataclass(frozen=True)
class User:
    id: str
    username: str
    password_hash: str


class Accounts:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._register = redis.register_script(_REGISTER)

    async def create(self, username: str, canonical: str, password_hash: str) -> User | None:
        """The new account, or None if the username is taken."""
        user_id = uuid.uuid4().hex
        created = await self._register(
            keys=[keys.username(canonical), keys.user(user_id)],
            args=[user_id, username, password_hash, int(time.time())],
        )
        return User(user_id, username, password_hash) if created else None

    async def by_username(self, canonical: str) -> User | None:
        user_id = await self.redis.get(keys.username(canonical))
        return await self.by_id(user_id) if user_id else None

    async def by_id(self, user_id: str) -> User | None:
        data = await self.redis.hgetall(keys.user(user_id))
        if not data:
            return None
        return User(user_id, data["username"], data["password_hash"])

    async def set_password_hash(self, user_id: str, password_hash: str) -> None:
        await self.redis.hset(keys.user(user_id), "password_hash", password_hash)


class ProviderSessions:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def create(self, session_id: str, user_id: str) -> None:
        key = keys.sso(session_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"user_id": user_id, "auth_time": int(time.time())})
            pipe.expire(key, keys.SSO_TTL_SECONDS)
            await pipe.execute()

    async def user_id(self, session_id: str) -> str | None:
        return await self.redis.hget(keys.sso(session_id), "user_id")

    async def get(self, session_id: str) -> tuple[str, int] | None:
        """(user id, time of the login) for a live session."""
        data = await self.redis.hgetall(keys.sso(session_id))
        return (data["user_id"], int(data["auth_time"])) if data else None

    async def end(self, session_id: str) -> None:
        await self.redis.delete(keys.sso(session_id))


class LoginFailures:
    """Counts failed logins per account and per client IP and applies the locks."""

    def __init__(self, redis: Redis, first_lock: int = throttle.ACCOUNT_FIRST_LOCK_SECONDS) -> None:
        self.redis = redis
        self.first_lock = first_lock

    async def locked_for(self, account: str, ip: str) -> int:
        """Seconds before a login may be tried again for this account from this IP (0: now)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.ttl(keys.lock("account", account))
            pipe.ttl(keys.lock("ip", ip))
            ttls = await pipe.execute()
        return max(0, *ttls)

    async def record_failure(self, account: str, ip: str) -> int:
        """Count one failure; returns the lock now in force, in seconds (0: none)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            for kind, who in (("account", account), ("ip", ip)):
                pipe.incr(keys.failures(kind, who))
                pipe.expire(keys.failures(kind, who), keys.FAILURES_TTL_SECONDS, nx=True)
            results = await pipe.execute()
        counts = [results[0], results[2]]
        account_lock = throttle.account_lock_seconds(counts[0], self.first_lock)
        ip_lock = throttle.ip_lock_seconds(counts[1])
        async with self.redis.pipeline(transaction=True) as pipe:
            if account_lock:
                pipe.set(keys.lock("account", account), 1, ex=account_lock)
            if ip_lock:
                pipe.set(keys.lock("ip", ip), 1, ex=ip_lock)
            await pipe.execute()
        return max(account_lock, ip_lock)

    async def clear_account(self, account: str) -> None:
        await self.redis.delete(keys.failures("account", account))
