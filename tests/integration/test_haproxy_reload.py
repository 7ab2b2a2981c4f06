"""`motus-stack reload haproxy` under load: the gateway reads its config again and no
request fails (master-worker: the new worker takes over the listening sockets; the old
one answers what it has, closing idle keep-alive connections only after a response)."""

from __future__ import annotations

import time

import pytest

from motus_stack.stack import StackError
from tests.support.traffic import ClientLoops
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def _haproxy_pid(stack) -> int:
    [row] = [s for s in stack.status() if s.name == "haproxy"]
    return row.pid


def _workers(master: int) -> set[int]:
    from pathlib import Path

    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {int(pid) for pid in children}


def test_reloading_haproxy_under_load_fails_no_request(healthy_stack):
    stack = healthy_stack
    master = _haproxy_pid(stack)
    first = _workers(master)
    with ClientLoops(stack.topology.public_url, clients=6, max_seconds=60) as loops:
        time.sleep(1.0)
        for _ in range(3):
            stack.reload(["haproxy"])
            time.sleep(1.0)
    tally = loops.tally
    print(f"\nthree reloads under load: {tally.ok} ok, {tally.failed} failed")
    assert tally.failed == 0, tally.failures
    assert tally.ok > 300
    # A reload, not a restart: the same master, and new workers serving.
    assert _haproxy_pid(stack) == master
    wait_until(lambda: _workers(master) and not (_workers(master) & first), timeout=35, what="the old worker gone")


def test_only_haproxy_reloads(healthy_stack):
    with pytest.raises(StackError, match="only haproxy reloads"):
        healthy_stack.reload(["motus-1"])
