"""Stop, crash and restart containers under load: the platform keeps working."""

from __future__ import annotations

import time

import pytest

from motus_stack import haproxy_stats
from motus_stack.topology import REDIS_NODES, store_nodes
from tests.support.accounts import PASSWORD
from tests.support.game_login import log_in
from tests.support.players import Player, finish_game
from tests.support.traffic import ClientLoops
from tests.support.waiting import wait_until

# A cold first run builds the images inside the first test's setup (about two minutes here).
pytestmark = [pytest.mark.compose, pytest.mark.timeout(900)]


def _haproxy_sees(stack, server: str, state: str, timeout: float = 30) -> None:
    wait_until(
        lambda: haproxy_stats.server_states(stack.stats_url).get(server) == state,
        timeout=timeout,
        what=f"HAProxy sees {server} {state}",
    )


def _healthy(stack, service: str, timeout: float = 60) -> None:
    wait_until(
        lambda: stack.state(service).get("Health") == "healthy", timeout=timeout, interval=0.5,
        what=f"{service} healthy",
    )  # fmt: skip


def _restarts(stack, service: str) -> int:
    return int(stack.docker("inspect", "--format", "{{.RestartCount}}", stack.container_id(service)).stdout)


def test_docker_compose_stop_of_one_replica_of_each_service_under_load_fails_no_request(compose_stack):
    stack = compose_stack
    with ClientLoops(stack.public_url, clients=6, max_seconds=150) as loops:
        time.sleep(1.0)
        for victim in ("motus-1", "score-2", "auth-1"):
            stack.compose("stop", victim)  # SIGTERM: the replica drains, then exits
            _haproxy_sees(stack, victim, "DOWN")
            time.sleep(1.0)  # traffic on the other replica alone
            stack.compose("start", victim)
            _haproxy_sees(stack, victim, "UP")
        time.sleep(0.5)
    tally = loops.tally
    print(f"\n[compose] stop/start under load: {tally.ok} ok, {tally.failed} failed")
    assert tally.failed == 0, tally.failures
    assert tally.ok > 200
    assert set(tally.instances) == {"motus-1", "motus-2", "score-1", "score-2", "auth-1", "auth-2"}


def test_a_crashed_replica_is_restarted_by_its_policy_and_back_in_rotation(compose_stack):
    stack = compose_stack
    before = _restarts(stack, "motus-2")
    with ClientLoops(stack.public_url, clients=6, max_seconds=120) as loops:
        time.sleep(1.0)
        # A crash, not a stop: every process of the app user dies at once (SIGKILL),
        # the container's init exits with them, and Docker applies `restart: unless-stopped`.
        stack.docker("exec", stack.container_id("motus-2"), "sh", "-c", "kill -9 -1")
        wait_until(lambda: _restarts(stack, "motus-2") > before, timeout=30, what="motus-2 restarted by Docker")
        _healthy(stack, "motus-2")
        _haproxy_sees(stack, "motus-2", "UP")
        time.sleep(1.0)
    assert loops.tally.failed == 0, loops.tally.failures
    assert loops.tally.instances["motus-2"] > 0


def test_docker_compose_kill_counts_as_a_manual_stop_and_start_brings_it_back(compose_stack):
    # What the containers showed: Docker does not apply a restart policy to a
    # container stopped through its API, `kill` included. The platform carries on
    # with one replica until someone starts it again.
    stack = compose_stack
    with ClientLoops(stack.public_url, clients=6, max_seconds=120) as loops:
        time.sleep(1.0)
        stack.compose("kill", "auth-2")
        _haproxy_sees(stack, "auth-2", "DOWN")
        time.sleep(3.0)
        assert stack.state("auth-2")["State"] == "exited"  # not restarted by the policy
        stack.compose("start", "auth-2")
        _healthy(stack, "auth-2")
        _haproxy_sees(stack, "auth-2", "UP")
    assert loops.tally.failed == 0, loops.tally.failures


def test_restarted_and_killed_stores_keep_every_acknowledged_write(compose_stack):
    stack = compose_stack
    with Player(stack.public_url) as player:
        finish_game(player, won_in=2)
        wait_until(lambda: player.client.get("/api/game/stats").json().get("played") == 1, timeout=20,
                   what="the result recorded")  # fmt: skip
        # Whole stores, both nodes at once (no replica left to promote): redis-game and
        # redis-auth (fsync every second) stopped and started cleanly; redis-score (fsync
        # on every write) killed outright. Each node comes back with its role from its
        # own configuration, and its data from its append-only file.
        stack.compose("restart", *store_nodes("redis-game"), *store_nodes("redis-auth"))
        stack.compose("kill", *store_nodes("redis-score"))
        stack.compose("start", *store_nodes("redis-score"))
        for node in REDIS_NODES:
            _healthy(stack, node)
        # The game, the session, the result and the account are all still there.
        today = wait_until(lambda: (r := player.today()).status_code == 200 and r.json(), timeout=30,
                           what="the game readable again")  # fmt: skip
        assert today["status"] == "won" and len(today["attempts"]) == 2
        stats = player.client.get("/api/game/stats").json()
        assert stats["played"] == 1 and stats["won"] == 1
    with Player(stack.public_url, logged_in=False) as again:
        final = log_in(again.client, player.name, PASSWORD)
        assert final.status_code == 200 and player.name in final.text


def test_reloading_haproxy_under_load_fails_no_request(compose_stack):
    # The official image (and the stand-in) runs HAProxy master-worker: SIGUSR2 reloads.
    stack = compose_stack
    with ClientLoops(stack.public_url, clients=6, max_seconds=60) as loops:
        time.sleep(1.0)
        for _ in range(3):
            stack.compose("kill", "-s", "SIGUSR2", "haproxy")
            time.sleep(1.0)
    assert loops.tally.failed == 0, loops.tally.failures
    assert stack.state("haproxy")["State"] == "running"
