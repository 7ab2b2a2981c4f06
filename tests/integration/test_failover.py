"""Stopping or killing replicas under load: the platform keeps serving."""

from __future__ import annotations

import os
import signal
import time

import httpx2
import pytest

from motus_stack import haproxy_stats
from tests.support.traffic import ClientLoops
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

COOKIE = {"motus": "MOTUS_GAME", "score": "MOTUS_SCORE", "auth": "MOTUS_AUTH"}
HEALTH_PATH = {"motus": "/api/game/healthz", "score": "/api/score/healthz", "auth": "/auth/healthz"}


def _haproxy_sees(stack, name: str) -> str:
    return haproxy_stats.server_states(stack.topology.stats_url)[name]


def _row(stack, name: str):
    return next(row for row in stack.status() if row.name == name)


def _serves_again(stack, name: str) -> None:
    kind = name.split("-")[0]
    resp = httpx2.get(stack.topology.public_url + HEALTH_PATH[kind], cookies={COOKIE[kind]: name}, timeout=5)
    assert resp.status_code == 200
    assert resp.headers["x-motus-instance"] == name


def _outage(stack, victim: str, action) -> float:
    """Apply `action` to victim, wait for HAProxy to see it DOWN, bring it back. Seconds to DOWN."""
    t0 = time.monotonic()
    action([victim])
    wait_until(lambda: _haproxy_sees(stack, victim).startswith("DOWN"), timeout=5, what=f"{victim} DOWN")
    to_down = time.monotonic() - t0
    row = _row(stack, victim)
    assert row.state in ("EXITED", "STOPPED") and row.pid is None
    assert row.haproxy.startswith("DOWN")
    time.sleep(1.0)  # traffic keeps flowing on the survivor meanwhile
    stack.start([victim])
    wait_until(lambda: _haproxy_sees(stack, victim) == "UP", timeout=10, what=f"{victim} UP again")
    _serves_again(stack, victim)
    return to_down


def test_sigkill_one_replica_of_each_service_in_turn_fails_no_request(healthy_stack):
    stack = healthy_stack
    with ClientLoops(stack.topology.public_url, clients=6, max_seconds=120) as loops:
        time.sleep(1.0)
        times = {victim: _outage(stack, victim, stack.kill) for victim in ("motus-1", "score-2", "auth-1")}
        time.sleep(0.5)
    tally = loops.tally
    print(f"\nSIGKILL under load: {tally.ok} ok, {tally.failed} failed; seconds to DOWN: {times}")
    assert tally.failed == 0, tally.failures
    assert tally.ok > 300
    # Every replica answered some of the loops' requests.
    assert set(tally.instances) == {"motus-1", "motus-2", "score-1", "score-2", "auth-1", "auth-2"}


def test_graceful_stop_of_one_replica_of_each_service_fails_no_request(healthy_stack):
    stack = healthy_stack
    with ClientLoops(stack.topology.public_url, clients=6, max_seconds=120) as loops:
        time.sleep(1.0)
        for victim in ("motus-2", "score-1", "auth-2"):
            _outage(stack, victim, stack.stop)
        time.sleep(0.5)
    assert loops.tally.failed == 0, loops.tally.failures
    assert loops.tally.ok > 300


def test_sigterm_makes_readiness_fail_before_the_replica_exits(healthy_stack):
    stack = healthy_stack
    port = stack.topology.ports.by_name["motus-1"]
    direct = f"http://127.0.0.1:{port}"
    os.kill(stack.pid("motus-1"), signal.SIGTERM)
    # While draining the replica still answers, with readiness 503 so HAProxy takes
    # it out (tests/integration/test_graceful_shutdown.py covers the rest).
    ready = wait_until(
        lambda: (r := httpx2.get(direct + "/readyz", timeout=2)).status_code == 503 and r, timeout=1, what="draining"
    )
    assert ready.json()["status"] == "draining"
    wait_until(lambda: _haproxy_sees(stack, "motus-1").startswith("DOWN"), timeout=5, what="motus-1 DOWN")
    wait_until(lambda: _row(stack, "motus-1").state != "RUNNING", timeout=15, what="motus-1 exited")


def test_killed_haproxy_is_reported_and_comes_back(healthy_stack):
    stack = healthy_stack
    stack.kill(["haproxy"])
    rows = {row.name: row for row in stack.status()}
    assert rows["haproxy"].state == "EXITED"
    assert rows["motus-1"].haproxy.startswith("unknown")
    stack.start(["haproxy"])
    stack.wait_ready(timeout=15)
    assert httpx2.get(stack.topology.public_url + "/healthz", timeout=5).status_code == 200
