"""A replica's password hashing, bounded by a memory budget.

Each argon2id computation holds 64 MiB (passwords.HASH_MEMORY_MIB) for ~100 ms of
CPU. Unbounded, twelve concurrent failed logins took a replica from 87 to ~470 MiB
and every login to 5 s. Here at most `budget // 64 MiB` run at once, in threads of
their own (not the pool every other blocking call shares); a few more requests wait
their turn, briefly; the rest are told at once to come back (`Busy`, a 503 with
Retry-After), which costs nothing. HAProxy bounds concurrent credential requests
per replica in front of this (haproxy.cfg, backend auth_credentials).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge

from motus_auth.passwords import HASH_MEMORY_MIB

T = TypeVar("T")


# A hash is ~100 ms of a core, and a storm of logins would take every core from the
# game's requests (measured: /api/game/today's p99 from 6 to 81 ms on 2 cores). Linux
# gives each thread its own nice value: the hashing threads yield to everything else.
HASH_THREAD_NICENESS = 10


def _lower_priority() -> None:
    # Not Linux, or not allowed: hashes then run at the process's priority.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_THREAD_NICENESS)


class Busy(Exception):
    """Every hashing slot is taken and the queue is full: retry after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"password hashing busy, retry after {retry_after} s")
        self.retry_after = retry_after


class HashSlots:
    def __init__(
        self, budget_mib: int, queue: int, wait_seconds: float, registry: CollectorRegistry | None = None
    ) -> None:
        self.slots = max(1, budget_mib // HASH_MEMORY_MIB)
        self.queue = queue
        self.wait_seconds = wait_seconds
        self._free = asyncio.Semaphore(self.slots)
        self._holders = 0  # requests holding a slot or waiting for one
        self._threads = ThreadPoolExecutor(
            max_workers=self.slots, thread_name_prefix="argon2", initializer=_lower_priority
        )
        self._running = Gauge(
            "motus_auth_password_hashes_running", "Password hashes being computed now", registry=registry
        )
        self._busy = Counter(
            "motus_auth_password_hash_busy", "Requests refused because every hashing slot was taken", registry=registry
        )
        self._running.set(0)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Callable[..., Awaitable[T]]]:
        """A hashing slot for the block (or Busy at once): yields `compute(fn, *args)`.

        The login takes its slot before it counts the attempt, so a refusal for
        being busy never counts as a failed password."""
        # Counted before the first await: requests arriving together see each other.
        if self._holders >= self.slots + self.queue:
            self._busy.inc()
            raise Busy(self._retry_after())
        self._holders += 1
        try:
            try:
                await asyncio.wait_for(self._free.acquire(), timeout=self.wait_seconds)
            except TimeoutError:
                self._busy.inc()
                raise Busy(self._retry_after()) from None
            try:
                yield self._compute
            finally:
                self._free.release()
        finally:
            self._holders -= 1

    async def run(self, compute: Callable[..., T], *args: object) -> T:
        """compute(*args) in a hashing thread once a slot is free, or Busy."""
        async with self.slot() as in_slot:
            return await in_slot(compute, *args)

    async def _compute(self, compute: Callable[..., T], *args: object) -> T:
        self._running.inc()
        try:
            return await asyncio.get_running_loop().run_in_executor(self._threads, compute, *args)
        finally:
            self._running.dec()

    def _retry_after(self) -> int:
        # The queue drains at about ten hashes a second per slot: a second or two.
        return 1 + (self.queue + 1) // (10 * self.slots)

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
