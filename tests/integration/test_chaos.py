"""The short chaos run: one fault of each kind under a mixed load of logged-in players
(`make chaos` runs them all, bench/chaos.py). A stack of its own: faults move the
stores' primaries, and the other tests expect the -1 nodes to be primary."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx2
import pytest

import redis
from motus_stack import stores
from motus_stack.stack import Stack
from tests.support import chaos
from tests.support.game_login import log_in, sign_up_and_log_in
from tests.support.players import Player, todays_puzzle, wrong_words
from tests.support.ports import free_base_port


@pytest.fixture(scope="module")
def chaos_stack(tmp_path_factory):
    stack = Stack(state_dir=tmp_path_factory.mktemp("chaos"), base_port=free_base_port(), credential_rate=100_000)
    stack.up(timeout=90)
    yield stack
    stack.down()


def test_one_fault_of_each_kind_costs_no_request_and_no_acknowledged_write(chaos_stack, capsys):
    rows = []
    with chaos.MixedLoad(chaos_stack.topology.public_url, players=4, max_seconds=240) as load:
        for fault in chaos.one_of_each_kind():
            rows.append(chaos.run_fault(chaos_stack, load, fault))
    report = chaos.table(rows)
    with capsys.disabled():
        print("\n" + report)
    for row in rows:
        assert row.recovered_s is not None, f"{row.fault}: the stack did not become whole again\n{report}"
        assert row.lost == [], f"{row.fault}: acknowledged writes lost: {row.lost[:10]}\n{report}"
        assert row.failed == 0, f"{row.fault}: failed requests: {row.failures}\n{report}"
        assert row.requests > 20, f"{row.fault}: too little load to tell\n{report}"
        # Writes wait through a failover (Sentinel promotes within ~3 s), never longer than 5 s.
        assert row.write_max_s is not None and row.write_max_s < 5, f"{row.fault}: writes stalled\n{report}"


@pytest.fixture
def played_once(chaos_stack):
    """A player who has played a first try, the second try's word, and redis-game's replica."""
    w1, w2 = wrong_words(todays_puzzle(), 2)
    with Player(chaos_stack.topology.public_url) as player:
        assert player.guess(1, w1).status_code == 200
        yield player, w1, w2, stores.replica(chaos_stack.topology, "redis-game")


def test_a_try_is_acknowledged_only_once_the_replica_has_it(chaos_stack, played_once):
    player, w1, w2, replica = played_once
    pid = chaos_stack.pid(replica)
    os.kill(pid, signal.SIGSTOP)  # connected, but acknowledges nothing
    try:
        started = time.monotonic()
        refused = player.guess(2, w2)
        waited = time.monotonic() - started
    finally:
        os.kill(pid, signal.SIGCONT)
    # The primary has the try, but it could still vanish in a failover: not acknowledged.
    assert refused.status_code == 503 and refused.json()["code"] == "not_replicated", refused.text
    assert refused.headers["retry-after"] == "1"
    assert 0.4 <= waited < 3, waited
    again = player.guess(2, w2)  # the player presses Enter again
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert [a["word"] for a in again.json()["attempts"]] == [w1.upper(), w2.upper()]


def test_with_its_replica_down_a_store_acknowledges_on_its_own_and_the_replica_catches_up(chaos_stack, played_once):
    stack = chaos_stack
    player, _, w2, replica = played_once
    stack.kill([replica])
    try:
        timings = []
        for _ in range(3):
            started = time.monotonic()
            resp = player.guess(2, w2)
            timings.append(time.monotonic() - started)
            assert resp.status_code == 200, resp.text
        # At most one wait of 500 ms (to learn the replica is gone), then no waiting at all.
        assert sum(timings) < 2, timings
    finally:
        stack.start([replica])
    stack.wait_ready(timeout=30)
    node = redis.Redis.from_url(stack.topology.redis_url(replica), decode_responses=True)
    try:
        assert node.execute_command("ROLE")[0] == "slave"
        games = [k for k in node.scan_iter("game:v1:game:*") if w2.lower() in (node.get(k) or "").lower()]
        assert games, "the try played while the replica was down is on the replica once it is back"
    finally:
        node.close()


def test_a_login_rides_out_a_failover_of_the_providers_store(chaos_stack):
    # authlib's callbacks use the synchronous client: codes and tokens through a failover.
    stack = chaos_stack
    primary = stores.primary(stack.topology, "redis-auth")
    with httpx2.Client(base_url=stack.topology.public_url, timeout=20) as browser:
        name = sign_up_and_log_in(browser)
        stack.kill([primary])
        try:
            with httpx2.Client(base_url=stack.topology.public_url, timeout=20) as other:
                final = log_in(other, name)
                assert final.status_code == 200 and name in final.text
        finally:
            stack.start([primary])
    assert stores.primary(stack.topology, "redis-auth") != primary
    stack.wait_ready(timeout=30)
    assert stores.role(stack.topology, primary)[0] == "slave"


def test_the_cli_switches_a_store_over_and_says_to_which_node(chaos_stack):
    before = stores.primary(chaos_stack.topology, "redis-score")
    result = subprocess.run(
        [sys.executable, "-m", "motus_stack.cli", "--state-dir", str(chaos_stack.state_dir), "failover", "redis-score"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    after = stores.primary(chaos_stack.topology, "redis-score")
    assert after != before and f"redis-score now has {after} as primary" in result.stdout
    chaos_stack.wait_ready(timeout=30)
    assert stores.role(chaos_stack.topology, before)[0] == "slave"  # demoted, not stopped
    refused = subprocess.run(
        [sys.executable, "-m", "motus_stack.cli", "--state-dir", str(chaos_stack.state_dir), "failover", "motus-1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1 and "motus-1 is not a store" in refused.stderr
