"""The game's Redis for browsers: sessions (which account a browser is), logins under
way, and the admissions of new guests per client address."""

from __future__ import annotations

import json

from redis.asyncio import Redis

from motus import keys

# A session read, and its expiry pushed back (sliding: a daily player stays logged in).
# KEYS[1] the session. ARGV[1] its lifetime in seconds.
_TOUCH_SESSION = """
local fields = redis.call('HGETALL', KEYS[1])
if #fields > 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return fields
"""


# Every session of an account, from its index. KEYS[1] the index; ARGV[1] the session
# keys' prefix (the index holds bare ids). Session keys are built here, not declared:
# fine on one Redis or a Sentinel-watched primary, not on a Redis Cluster.
_END_ALL_SESSIONS = """
local ids = redis.call('SMEMBERS', KEYS[1])
local ended = 0
for _, id in ipairs(ids) do ended = ended + redis.call('DEL', ARGV[1] .. id) end
redis.call('DEL', KEYS[1])
return ended
"""


class SessionStore:
    """Logged-in browsers: session id -> player, name and the provider's tokens."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._touch = redis.register_script(_TOUCH_SESSION)
        self._end_all = redis.register_script(_END_ALL_SESSIONS)

    async def get(self, session_id: str) -> dict[str, str] | None:
        # Read on every request: one command (a pipeline object costs half as much again).
        raw = await self._touch(keys=[keys.session(session_id)], args=[keys.SESSION_TTL_SECONDS])
        return dict(zip(raw[::2], raw[1::2], strict=True)) if raw else None

    async def create(self, session_id: str, fields: dict[str, str]) -> None:
        key = keys.session(session_id)
        index = keys.player_sessions(fields["subject"])
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)
            pipe.expire(key, keys.SESSION_TTL_SECONDS)
            pipe.sadd(index, session_id)
            pipe.expire(index, keys.SESSION_TTL_SECONDS)
            await pipe.execute()

    async def end_all(self, subject: str) -> int:
        """Every session of the account ended (back-channel logout); how many there were."""
        return int(await self._end_all(keys=[keys.player_sessions(subject)], args=[keys.session("")]))

    async def first_logout(self, jti: str, ttl_seconds: int) -> bool:
        """True the first time this logout token is seen."""
        return bool(await self.redis.set(keys.logout_token(jti), 1, nx=True, ex=max(1, ttl_seconds)))

    async def update(self, session_id: str, fields: dict[str, str]) -> None:
        await self.redis.hset(keys.session(session_id), mapping=fields)

    async def delete(self, session_id: str) -> None:
        await self.redis.delete(keys.session(session_id))

    async def lock_refresh(self, session_id: str) -> bool:
        return bool(await self.redis.set(keys.refresh_lock(session_id), 1, nx=True, ex=10))

    async def unlock_refresh(self, session_id: str) -> None:
        await self.redis.delete(keys.refresh_lock(session_id))

    async def refresh_locked(self, session_id: str) -> bool:
        return bool(await self.redis.exists(keys.refresh_lock(session_id)))


class LoginStore:
    """Logins under way, by state: one-time (GETDEL), so a callback cannot be replayed."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def save(self, state: str, data: dict[str, str]) -> None:
        await self.redis.set(keys.login(state), json.dumps(data), ex=keys.LOGIN_TTL_SECONDS)

    async def pop(self, state: str) -> dict[str, str] | None:
        raw = await self.redis.getdel(keys.login(state))
        return json.loads(raw) if raw else None


# New guests from one address in the current window: INCR, and the window's expiry set
# by the first one, in one step. KEYS[1] the counter. ARGV[1] the window in seconds.
_ADMIT = """
local admitted = redis.call('INCR', KEYS[1])
if admitted == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {admitted, redis.call('TTL', KEYS[1])}
"""


class GuestAdmissions:
    """How many guests each client address created in the current window: a visitor
    can play without an account, but nobody can fill redis-game by looping on it."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._admit = redis.register_script(_ADMIT)

    async def admit(self, client: str, limit: int) -> int:
        """0 if one more guest from `client` is admitted, else the seconds until the window ends."""
        admitted, ttl = await self._admit(keys=[keys.guest_admissions(client)], args=[keys.GUEST_WINDOW_SECONDS])
        return 0 if int(admitted) <= limit else max(1, int(ttl))
