"""Writes acknowledged only once a replica holds them.

Redis replicates asynchronously: a primary answers OK before its replica has the
write, and if it dies in that instant Sentinel promotes a replica without it. For the
writes a player or the relay is told are safe (a try, a finished game and its outbox
entry, a recorded result, a new account), the services ask Redis to `WAIT` until one
replica has caught up, on the same connection as the write, so the wait covers it.

When the primary has no replica connected at all (it is down or resyncing), waiting
would only slow every write for nothing: no failover can happen without a replica,
and the primary's append-only file keeps what it acknowledged. The write is then
acknowledged by the primary alone; the README's persistence table says so. Whether a
replica is connected is asked (ROLE) once a second and whenever the pool has followed a
new primary, so that neither case makes every write wait the full timeout.

Writes are committed in groups, as databases commit their logs: while one group's
commands and its `WAIT` are on their way, the writes that arrive queue, and go next as
one exchange with a single `WAIT` that covers them all (WAIT counts every write the
connection made before it). One write alone is sent at once; under load, one round trip
and one acknowledgement serve tens of tries instead of one each (about thirty in
bench.throughput).
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import hiredis
from redis.asyncio import Redis
from redis.asyncio.sentinel import SentinelConnectionPool
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError, ReadOnlyError, RedisError, ResponseError

log = logging.getLogger("motus.store")

# How long a write waits for its replica. A replica on the same network acknowledges
# in well under a millisecond; one that takes this long is as good as gone.
ACK_TIMEOUT_MS = 500
# How long a write that a connected replica has not acknowledged in ACK_TIMEOUT_MS waits
# again before it is refused: a replica sends its ACK at least once a second.
LATE_REPLICA_MS = 1000
# How long what ROLE said (a replica connected or not) is trusted before asking again.
ALONE_RECHECK_SECONDS = 1.0

# A write on this connection after `KEYS[1]` (field ARGV[1], if given) is seen to exist,
# so that a WAIT right after covers every write that came before it on this primary. 0
# if it does not exist: the write it stands for was lost in a failover.
_MARK = """
local present
if ARGV[1] ~= '' then present = redis.call('HEXISTS', KEYS[1], ARGV[1])
else present = redis.call('EXISTS', KEYS[1]) end
if present == 0 then return 0 end
redis.call('INCR', KEYS[2])
return 1
"""
_MARK_KEY = "motus:replication-mark"
_ROLE = hiredis.pack_command(("ROLE",))


class NotReplicated(Exception):
    """The write may not survive a failover yet: the client should send it again
    (every such write is idempotent)."""


@dataclass(slots=True)
class _Write:
    """A script call waiting for its group, and where its outcome goes."""

    script: AsyncScript
    command: tuple
    outcome: asyncio.Future


class Replicas:
    """Acknowledgements from a store's replica; does nothing for a single-node store."""

    def __init__(self, redis: Redis, timeout_ms: int = ACK_TIMEOUT_MS) -> None:
        self.redis = redis
        self.enabled = isinstance(redis.connection_pool, SentinelConnectionPool)
        self.timeout_ms = timeout_ms
        # Whether the primary had a replica connected, when that was last looked at, and
        # which primary it was (the pool's address changes with a failover).
        self._replica = True
        self._known_until = 0.0
        self._known_at: object = None
        self._mark = redis.register_script(_MARK)
        # Writes waiting for the group being committed to come back, and the task that
        # commits them (None when nothing is in flight).
        self._queue: list[_Write] = []
        self._committer: asyncio.Task | None = None

    async def run(self, script: AsyncScript, keys: Sequence[str], args: Sequence[Any]) -> Any:
        """The script's result, once a replica has what it wrote."""
        if not self.enabled:
            return await script(keys=keys, args=args)
        return await self._with_wait(script, keys, args)

    async def confirm(self, key: str, field: str = "") -> None:
        """For a write made another way (a WATCH transaction): returns once a replica
        holds `key` (its hash `field`, if given) as the primary does."""
        if not self.enabled:
            return
        if not await self._with_wait(self._mark, [key, _MARK_KEY], [field]):
            # The primary changed since the write and the new one never had it.
            raise NotReplicated(key)

    async def _with_wait(self, script: AsyncScript, keys: Sequence[str], args: Sequence[Any]) -> Any:
        outcome = asyncio.get_running_loop().create_future()
        self._queue.append(_Write(script, ("EVALSHA", script.sha, len(keys), *keys, *args), outcome))
        if self._committer is None:
            # In a context of its own: what it logs belongs to no one request.
            commit = self._commit_queued()
            self._committer = asyncio.get_running_loop().create_task(commit, context=contextvars.Context())
        return await outcome

    async def _commit_queued(self) -> None:
        """Commits what has queued, group after group, until nothing waits."""
        group: list[_Write] = []
        try:
            while self._queue:
                group, self._queue = self._queue, []
                try:
                    await self._commit(group)
                except Exception as error:
                    for write in group:
                        _settle(write, error=error)
        except asyncio.CancelledError:  # the loop is closing: so are the group's requests
            for write in group:
                write.outcome.cancel()
            raise
        finally:
            self._committer = None

    async def _commit(self, group: list[_Write]) -> None:
        wait = await self._expect_replica()
        replies, acknowledged = await self._send(group, wait)
        lost_scripts = [i for i, reply in enumerate(replies) if isinstance(reply, NoScriptError)]
        if lost_scripts:
            # A new primary (or a restarted one) has an empty script cache.
            for script in {id(group[i].script): group[i].script for i in lost_scripts}.values():
                await self.redis.script_load(script.script)
            again, acknowledged_again = await self._send([group[i] for i in lost_scripts], wait)
            for i, reply in zip(lost_scripts, again, strict=True):
                replies[i] = reply
            acknowledged = acknowledged and acknowledged_again
        refused = None
        if not acknowledged:
            # Gone since it was last seen (the writes are on the primary alone), or slow.
            if await self._alone():
                self._remember(replica=False)
            else:
                refused = NotReplicated("no replica acknowledged the write in time")
        for write, reply in zip(group, replies, strict=True):
            if isinstance(reply, Exception):
                _settle(write, error=reply)
            elif refused is not None:
                _settle(write, error=refused)
            else:
                _settle(write, result=reply)

    async def _send(self, group: list[_Write], wait: bool) -> tuple[list[Any], bool]:
        """The group's replies, and whether a replica acknowledged them all."""
        commands = [write.command for write in group]
        if wait:
            commands.append(("WAIT", 1, self.timeout_ms))
        replies = await self._exchange(commands, wait_again=wait)
        if not wait:
            return replies, True
        acknowledgements = replies.pop()
        return replies, not isinstance(acknowledgements, Exception) and int(acknowledgements) >= 1

    async def _exchange(self, commands: list[tuple], wait_again: bool = False) -> list[Any]:
        """The commands sent in one write on one pooled connection, their replies read
        back (a Redis error as a value), retried on what a failover breaks: what
        redis-py's pipeline does, without the per-call machinery that made it a sixth of
        a guess's CPU (py-spy). `wait_again`: the last command is a WAIT, to be repeated
        once on this connection if it timed out while a replica is still connected."""
        # hiredis packs in C; redis-py's asyncio connection packs in Python, a command's
        # arguments one by one (a tenth of a guess's CPU, py-spy).
        packed = b"".join(map(hiredis.pack_command, commands))
        pool = self.redis.connection_pool
        conn = await pool.get_connection()

        async def send_and_read() -> list[Any]:
            await conn.send_packed_command(packed)
            replies: list[Any] = []
            for _ in commands:
                try:
                    replies.append(await conn.read_response())
                except ResponseError as error:
                    replies.append(error)
            for reply in replies:
                if isinstance(reply, ReadOnlyError):
                    raise reply  # a demoted primary: retried once the pool follows the new one
            if wait_again and replies[-1] == 0 and await replica_connected():
                # Late, not gone: a replica that has just resynced gets its primary's
                # stream (the WAIT's GETACK included) only after its next ACK, up to a
                # second later (seen under load: a write refused right after a failover).
                # Once more on this connection, which WAIT's count is about.
                await conn.send_packed_command(hiredis.pack_command(("WAIT", 1, LATE_REPLICA_MS)))
                # Longer than the connection's read timeout, which a WAIT of a second outlasts.
                replies[-1] = await conn.read_response(timeout=LATE_REPLICA_MS / 1000 + (conn.socket_timeout or 0))
            return replies

        async def replica_connected() -> bool:
            await conn.send_packed_command(_ROLE)
            role = await conn.read_response()
            return role[0] == "master" and bool(role[2])

        async def disconnect(error: Exception) -> None:
            await conn.disconnect(error=error)

        try:
            return await conn.retry.call_with_retry(send_and_read, disconnect)
        finally:
            await pool.release(conn)

    async def _expect_replica(self) -> bool:
        """Whether writes should wait for a replica: looked up once a second (one ROLE),
        and again as soon as the pool follows a new primary, so neither the first writes
        after a failover nor those while the replica is away wait 500 ms for nothing."""
        if time.monotonic() < self._known_until and self.redis.connection_pool.master_address == self._known_at:
            return self._replica
        self._remember(replica=not await self._alone())
        return self._replica

    def _remember(self, replica: bool) -> None:
        if self._replica and not replica:
            log.warning("no replica connected: writes are acknowledged by the primary alone")
        self._replica = replica
        self._known_until = time.monotonic() + ALONE_RECHECK_SECONDS
        self._known_at = self.redis.connection_pool.master_address

    async def _alone(self) -> bool:
        """The primary has no replica connected, and Sentinel still names it."""
        role = await self.redis.execute_command("ROLE")
        return role[0] == "master" and not role[2] and await self._still_the_primary()

    async def _still_the_primary(self) -> bool:
        """A primary without replica may be an old one back from the dead that Sentinel
        has not demoted yet: what it acknowledges would be lost. Ask Sentinel afresh."""
        pool = self.redis.connection_pool
        try:
            named = await pool.sentinel_manager.discover_master(pool.service_name)
        except RedisError:
            return False
        current = pool.master_address
        return current is not None and (str(named[0]), int(named[1])) == (str(current[0]), int(current[1]))


def _settle(write: _Write, result: Any = None, error: Exception | None = None) -> None:
    if write.outcome.done():  # its request was cancelled meanwhile
        return
    if error is None:
        write.outcome.set_result(result)
    else:
        # A copy each: one exception object raised in many requests would collect
        # every one's traceback.
        write.outcome.set_exception(copy.copy(error))
