"""The outbox stream's commands: what the relay reads, claims, acknowledges.

Entries are written by the guess script (store.py) in the same atomic step as the
final game state. Each game replica is one consumer of one group, so an entry is
handed to one relay at a time; one that a dead replica held is claimed by another
after CLAIM idle time. Duplicates can still happen (a relay dies after the score
service recorded but before the ack): the score service's idempotency absorbs them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from motus import keys


@dataclass(frozen=True)
class Entry:
    id: str
    fields: dict[str, str]  # empty if the entry was deleted meanwhile

    @property
    def age_seconds(self) -> float:
        return max(0.0, time.time() - int(self.id.split("-")[0]) / 1000)


def _entries(rows) -> list[Entry]:
    return [Entry(entry_id, fields or {}) for entry_id, fields in rows or []]


class Outbox:
    def __init__(self, redis: Redis, consumer: str) -> None:
        self.redis = redis
        self.consumer = consumer

    async def ensure_group(self) -> None:
        try:
            # From the start of the stream: entries written before any relay ran are delivered too.
            await self.redis.xgroup_create(keys.OUTBOX, keys.OUTBOX_GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def own_pending(self, count: int) -> list[Entry]:
        """Entries this consumer took and has not acknowledged (a failed delivery, a restart)."""
        rows = await self.redis.xreadgroup(keys.OUTBOX_GROUP, self.consumer, {keys.OUTBOX: "0"}, count=count)
        return _entries(rows[0][1]) if rows else []

    async def claim_stale(self, idle_seconds: float, count: int) -> list[Entry]:
        """Entries another consumer took and has not touched for idle_seconds: it died."""
        reply = await self.redis.xautoclaim(
            keys.OUTBOX, keys.OUTBOX_GROUP, self.consumer, int(idle_seconds * 1000), "0-0", count=count
        )
        return _entries(reply[1])  # [next cursor, entries] (+ deleted ids since Redis 7)

    async def read_new(self, count: int, block_seconds: float) -> list[Entry]:
        rows = await self.redis.xreadgroup(
            keys.OUTBOX_GROUP, self.consumer, {keys.OUTBOX: ">"}, count=count, block=int(block_seconds * 1000)
        )
        return _entries(rows[0][1]) if rows else []

    async def done(self, entry: Entry) -> None:
        """Delivered: acknowledged and removed, in one transaction."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(keys.OUTBOX, keys.OUTBOX_GROUP, entry.id)
            pipe.xdel(keys.OUTBOX, entry.id)
            await pipe.execute()

    async def refuse(self, entry: Entry, reason: str) -> None:
        """Refused for good: moved to the refused stream for a person to look at."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(keys.OUTBOX_REFUSED, {**entry.fields, "outbox_id": entry.id, "reason": reason[:500]})
            pipe.xack(keys.OUTBOX, keys.OUTBOX_GROUP, entry.id)
            pipe.xdel(keys.OUTBOX, entry.id)
            await pipe.execute()

    async def backlog(self) -> tuple[int, float]:
        """How many entries wait, and the age in seconds of the oldest."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xlen(keys.OUTBOX)
            pipe.xrange(keys.OUTBOX, count=1)
            length, first = await pipe.execute()
        return length, _entries(first)[0].age_seconds if first else 0.0
