"""The outbox: finished games on their way to the score service, and the stream's commands.

Each entry is one `FinishedGame`, the record this module owns: its field names (the
guess script in store.py writes them with `append_lua`), their parsing, and the
finish time. Entries are written by the guess script in the same atomic step as the
final game state. Each game replica is one consumer of one group, so an entry is
handed to one relay at a time; one that a dead replica held is claimed by another
after CLAIM idle time. Duplicates can still happen (a relay dies after the score
service recorded but before the ack): the score service's idempotency absorbs them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from motus import keys

# The score service's pattern for player ids (the provider's subjects): the id goes
# into a URL path, so anything else is refused before a request is made.
PLAYER_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class MalformedEntry(ValueError):
    """An entry that is not a finished game (a bug, or a hand-made XADD): never delivered."""


@dataclass(frozen=True)
class FinishedGame:
    """One finished game, as the outbox carries it to the score service."""

    player: str  # the account's subject at the provider: the player's id at the score service
    name: str  # shown on the leaderboards
    puzzle: int
    won: bool
    attempts: int
    seconds: int  # first try to last, on Redis's clock
    finished_at_ms: int  # when the last try was played, on Redis's clock
    hard: bool = False  # played in hard mode (entries written before it existed were not)

    @classmethod
    def from_fields(cls, raw: Mapping[str, str]) -> FinishedGame:
        try:
            game = cls(
                player=raw["player"],
                name=raw["name"] or "?",
                puzzle=int(raw["puzzle"]),
                won={"1": True, "0": False}[raw["won"]],
                attempts=int(raw["attempts"]),
                seconds=int(raw["seconds"]),
                finished_at_ms=int(raw["finished_at_ms"]),
                hard={"1": True, "0": False}[raw.get("hard", "0")],
            )
        except (KeyError, ValueError) as exc:
            raise MalformedEntry(f"{type(exc).__name__}: {exc}") from None
        if not PLAYER_ID.fullmatch(game.player):
            raise MalformedEntry(f"player id {game.player[:80]!r}")
        return game

    def result(self) -> dict:
        """The body of the score service's PUT /api/score/results/{player}/{puzzle}."""
        return {
            "name": self.name,
            "won": self.won,
            "attempts": self.attempts,
            "seconds": self.seconds,
            "finished_at": self.finished_at_ms,
            "hard": self.hard,
        }

    def lag_seconds(self, now: float | None = None) -> float:
        """From the end of the game to `now`."""
        return max(0.0, (time.time() if now is None else now) - self.finished_at_ms / 1000)


FIELDS = tuple(field.name for field in fields(FinishedGame))


def append_lua(stream: str) -> str:
    """Lua appending one finished game to `stream`, from Lua locals named like the fields
    (`won` as '1' or '0'). The guess script embeds it, so the names have one owner."""
    pairs = ", ".join(f"'{name}', tostring({name})" for name in FIELDS)
    return f"redis.call('XADD', {stream}, '*', {pairs})"


@dataclass(frozen=True)
class Entry:
    id: str
    fields: dict[str, str]  # empty if the entry was deleted meanwhile

    @property
    def game(self) -> FinishedGame:
        """The finished game this entry carries; MalformedEntry if it carries none."""
        return FinishedGame.from_fields(self.fields)

    @property
    def age_seconds(self) -> float:
        # The stream id's time: when it was written, which is when the game ended.
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
