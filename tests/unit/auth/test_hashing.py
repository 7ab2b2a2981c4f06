"""The replica's hashing slots (motus_auth/hashing.py), with a stand-in for argon2."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest
from prometheus_client import CollectorRegistry

from motus_auth.hashing import HASH_THREAD_NICENESS, Busy, HashSlots
from tests.support.aio import run


class Hash:
    """Takes `seconds` in a thread and records how many ran at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.running, self.most = seconds, 0, 0
        self.lock = threading.Lock()

    def __call__(self, value: str) -> str:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(self.seconds)
        with self.lock:
            self.running -= 1
        return value.upper()


async def _outcomes(slots: HashSlots, compute: Hash, count: int) -> list[str]:
    async def one(i: int) -> str:
        try:
            return await slots.run(compute, f"p{i}")
        except Busy as busy:
            return f"busy {busy.retry_after}"

    return await asyncio.gather(*(one(i) for i in range(count)))


def test_the_budget_bounds_concurrent_hashes_and_a_full_queue_answers_busy_at_once():
    slots = HashSlots(budget_mib=128, queue=2, wait_seconds=5, registry=CollectorRegistry())
    assert slots.slots == 2  # 64 MiB each
    compute = Hash(0.2)
    start = time.monotonic()
    outcomes = run(_outcomes(slots, compute, 8))
    assert compute.most == 2
    done = [o for o in outcomes if not o.startswith("busy")]
    assert len(done) == 4 and sorted(done) == ["P0", "P1", "P2", "P3"]
    assert [o for o in outcomes if o.startswith("busy")] == ["busy 1"] * 4
    assert time.monotonic() - start < 1.0  # 2 rounds of 0.2 s; the refused did not wait


def test_a_request_that_waits_too_long_for_a_slot_is_busy():
    slots = HashSlots(budget_mib=64, queue=10, wait_seconds=0.1, registry=CollectorRegistry())
    outcomes = run(_outcomes(slots, Hash(0.5), 3))
    assert outcomes[0] == "P0" and outcomes[1:] == ["busy 2", "busy 2"]


@pytest.mark.parametrize(("budget", "slots"), [(64, 1), (100, 1), (128, 2), (1024, 16), (10, 1)])
def test_slots_follow_the_memory_budget(budget, slots):
    assert HashSlots(budget, 0, 1, registry=CollectorRegistry()).slots == slots


def test_hashes_run_in_threads_that_yield_the_cpu_to_requests():
    slots = HashSlots(budget_mib=64, queue=0, wait_seconds=1, registry=CollectorRegistry())

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    assert run(slots.run(niceness)) == HASH_THREAD_NICENESS > os.getpriority(os.PRIO_PROCESS, 0)
