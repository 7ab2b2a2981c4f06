"""The auth service's Redis: accounts, provider sessions, login failures."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from motus_auth import keys, throttle
from motus_kit.replication import Replicas
from redis import Redis as SyncRedis

# Claiming a username and creating the account is one step: two people racing for
# the same name on two replicas cannot both get it, and no half-made account remains.
# KEYS: the username's claim, the account hash. ARGV: user id, username, password
# hash, creation time, then the hash's three field names (_USERNAME...).
_REGISTER = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[5], ARGV[2], ARGV[6], ARGV[3], ARGV[7], ARGV[4])
return 1
"""


# The account hash (keys.user): its fields, named once for both ways of reading it.
_USERNAME, _PASSWORD_HASH, _CREATED = "username", "password_hash", "created"


@dataclass(frozen=True)
class User:
    id: str
    username: str
    password_hash: str


class Accounts:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._register = redis.register_script(_REGISTER)
        # A new account is acknowledged once a replica has it: a failover must not
        # forget a player who was told their account exists.
        self._replicas = Replicas(redis)

    async def create(self, username: str, canonical: str, password_hash: str) -> User | None:
        """The new account, or None if the username is taken."""
        user_id = uuid.uuid4().hex
        created = await self._replicas.run(
            self._register,
            keys=[keys.username(canonical), keys.user(user_id)],
            args=[user_id, username, password_hash, int(time.time()), _USERNAME, _PASSWORD_HASH, _CREATED],
        )
        return User(user_id, username, password_hash) if created else None

    async def by_username(self, canonical: str) -> User | None:
        user_id = await self.redis.get(keys.username(canonical))
        return await self.by_id(user_id) if user_id else None

    async def by_id(self, user_id: str) -> User | None:
        data = await self.redis.hgetall(keys.user(user_id))
        if not data:
            return None
        return User(user_id, data[_USERNAME], data[_PASSWORD_HASH])

    async def set_password_hash(self, user_id: str, password_hash: str) -> None:
        await self.redis.hset(keys.user(user_id), _PASSWORD_HASH, password_hash)


def username_of(client: SyncRedis, user_id: str) -> str | None:
    """An account's username, read with the synchronous client authlib's callbacks use."""
    return client.hget(keys.user(user_id), _USERNAME)


class ProviderSessions:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def create(self, session_id: str, user_id: str) -> None:
        key = keys.sso(session_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"user_id": user_id, "auth_time": int(time.time())})
            pipe.expire(key, keys.SSO_TTL_SECONDS)
            await pipe.execute()

    async def get(self, session_id: str) -> tuple[str, int] | None:
        """(user id, time of the login) for a live session."""
        data = await self.redis.hgetall(keys.sso(session_id))
        return (data["user_id"], int(data["auth_time"])) if data else None

    async def end(self, session_id: str) -> None:
        await self.redis.delete(keys.sso(session_id))


# A login attempt is counted before the password is checked, in one atomic step, and
# the attempt that reaches a limit sets the lock right then: sixty attempts sent at
# once cannot all slip past it while the first ones are still being hashed. The
# rules are throttle.py's (pair_lock_seconds, slowed_down).
# KEYS: pair lock, address lock, pair count, address count, account count, the
# account's shared slot. ARGV: window, free pair failures, max address failures,
# first lock, max lock, account slow-down threshold, slot seconds.
_RESERVE = """
local wait = math.max(redis.call('TTL', KEYS[1]), redis.call('TTL', KEYS[2]), 0)
if wait > 0 then return wait end
local from_here = tonumber(redis.call('GET', KEYS[3]) or '0')
local on_account = tonumber(redis.call('GET', KEYS[5]) or '0')
if on_account >= tonumber(ARGV[6]) and from_here > 0 then
  if not redis.call('SET', KEYS[6], 1, 'EX', ARGV[7], 'NX') then
    return math.max(1, redis.call('TTL', KEYS[6]))
  end
end
local count = redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[1], 'NX')
local ip_count = redis.call('INCR', KEYS[4])
redis.call('EXPIRE', KEYS[4], ARGV[1], 'NX')
redis.call('INCR', KEYS[5])
redis.call('EXPIRE', KEYS[5], ARGV[1], 'NX')
local free, max_lock = tonumber(ARGV[2]), tonumber(ARGV[5])
if count >= free then
  redis.call('SET', KEYS[1], 1, 'EX', math.min(max_lock, tonumber(ARGV[4]) * 2 ^ (count - free)))
end
if ip_count >= tonumber(ARGV[3]) then redis.call('SET', KEYS[2], 1, 'EX', max_lock) end
return 0
"""


# The reservation of a successful attempt taken back; a count that expired meanwhile is
# not brought back below zero (or without its expiry).
# KEYS: pair count, pair lock, address count, account count.
_SUCCEEDED = """
redis.call('DEL', KEYS[1], KEYS[2])
for i = 3, 4 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
"""


class LoginFailures:
    """Counts login attempts per (account, address), per address and per account, and
    applies the locks and the slow-down of throttle.py."""

    def __init__(self, redis: Redis, first_lock: int = throttle.FIRST_LOCK_SECONDS) -> None:
        self.redis = redis
        self.first_lock = first_lock
        self._reserve = redis.register_script(_RESERVE)
        self._succeeded = redis.register_script(_SUCCEEDED)

    @staticmethod
    def _pair(account: str, ip: str) -> str:
        return f"{account}@{ip}"

    async def reserve(self, account: str, ip: str) -> int:
        """0 if this attempt may check the password, else the seconds to wait."""
        pair = self._pair(account, ip)
        keys_ = [
            keys.lock("pair", pair),
            keys.lock("ip", ip),
            keys.failures("pair", pair),
            keys.failures("ip", ip),
            keys.failures("account", account),
            keys.lock("account-slot", account),
        ]
        args = [
            keys.FAILURES_TTL_SECONDS,
            throttle.PAIR_FREE_FAILURES,
            throttle.IP_MAX_FAILURES,
            self.first_lock,
            throttle.MAX_LOCK_SECONDS,
            throttle.ACCOUNT_SLOWDOWN_FAILURES,
            throttle.ACCOUNT_SLOWDOWN_SECONDS,
        ]
        return int(await self._reserve(keys=keys_, args=args))

    async def locked_for(self, account: str, ip: str) -> int:
        """The lock in force on this address for this account, in seconds (0: none):
        before an attempt, and after a failed one (reserve sets it)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.ttl(keys.lock("pair", self._pair(account, ip)))
            pipe.ttl(keys.lock("ip", ip))
            ttls = await pipe.execute()
        return max(0, *ttls)

    async def succeeded(self, account: str, ip: str) -> None:
        # The right password: this address starts afresh on this account, and the
        # attempt counts neither against the address nor the account. The account's
        # count from other addresses stays: they are still guessing.
        pair = self._pair(account, ip)
        await self._succeeded(
            keys=[keys.failures("pair", pair), keys.lock("pair", pair), keys.failures("ip", ip),
                  keys.failures("account", account)],
        )  # fmt: skip


@dataclass(frozen=True)
class Stores:
    """The provider's stores over one pool, built once per app (motus_kit.service)."""

    accounts: Accounts
    sessions: ProviderSessions
    failures: LoginFailures


def stores_over(first_lock_seconds: int):
    def build(redis: Redis) -> Stores:
        return Stores(Accounts(redis), ProviderSessions(redis), LoginFailures(redis, first_lock_seconds))

    return build
