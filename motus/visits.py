"""A per-browser visit counter kept in the game's Redis.

It is the first piece of user state the game holds, and it lives in Redis, not in
the process: the count carries on whichever replica serves the next page.
"""

from __future__ import annotations

import re
import secrets

from redis.asyncio import Redis

from motus import keys

COOKIE = "motus_visitor"
# secrets.token_urlsafe(32): 43 URL-safe characters, 256 random bits, unguessable,
# so the id needs no signature to be trusted as a key.
_VISITOR_OK = re.compile(r"^[A-Za-z0-9_-]{43}$")


def visitor_from_cookie(value: str | None) -> tuple[str, bool]:
    """The visitor id to use, and whether it is new (the cookie must then be set)."""
    if value and _VISITOR_OK.match(value):
        return value, False
    return secrets.token_urlsafe(32), True


async def record_visit(redis: Redis, visitor: str) -> int:
    key = keys.visits(visitor)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, keys.VISITS_TTL_SECONDS)
        count, _ = await pipe.execute()
    return int(count)
