"""A service whose store stops (both its nodes: a failover has nowhere to go) waits out
the failover budget, then answers clear 503s, keeps running, and recovers by itself."""

from __future__ import annotations

import time

import httpx2
import pytest

from motus_stack import haproxy_stats
from tests.support.players import Player, todays_puzzle, wrong_words
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("store", "replicas", "route", "health_prefix"),
    [
        ("redis-score", ("score-1", "score-2"), "/api/score/", "/api/score"),
        ("redis-game", ("motus-1", "motus-2"), "/api/game/today", "/api/game"),
        ("redis-auth", ("auth-1", "auth-2"), "/auth/", "/auth"),
    ],
)
def test_store_stopped_gives_json_503_then_recovers(healthy_stack, store, replicas, route, health_prefix):
    stack = healthy_stack
    public = stack.topology.public_url
    cookies = _a_players_cookies(public) if store == "redis-game" else {}
    budget = 6.0  # *_REDIS_FAILOVER_SECONDS
    stack.stop([store])
    stopped = time.monotonic()
    try:
        first = f"http://127.0.0.1:{stack.topology.ports.by_name[replicas[0]]}"
        # At first it might be a failover: readiness stays green while requests wait.
        ready = httpx2.get(first + health_prefix + "/readyz", timeout=5)
        assert ready.status_code == 200 and ready.json()["status"] == "failing-over", ready.text
        # A request waits for the store through the whole budget, then gets a clear 503.
        resp = httpx2.get(first + route, cookies=cookies, timeout=20)
        waited = time.monotonic() - stopped
        assert resp.status_code == 503, resp.text
        assert resp.json()["code"] == "store_unavailable"
        assert "indisponible" in resp.json()["message"]
        assert budget - 1 <= waited <= budget + 4, waited
        wait_until(lambda: time.monotonic() - stopped > budget + 0.5, timeout=budget + 1, what="the budget spent")
        for replica in replicas:
            direct = f"http://127.0.0.1:{stack.topology.ports.by_name[replica]}"
            ready = httpx2.get(direct + health_prefix + "/readyz", timeout=5)
            assert ready.status_code == 503
            assert ready.json()["checks"]["redis"].startswith("unreachable")
            # Liveness stays green: restarting the replica would not bring Redis back.
            assert httpx2.get(direct + "/healthz", timeout=5).status_code == 200

        # HAProxy takes both replicas out; its own 503 has the same JSON shape.
        wait_until(
            lambda: all(haproxy_stats.server_states(stack.topology.stats_url)[r].startswith("DOWN") for r in replicas),
            timeout=5,
            what="both replicas DOWN",
        )
        resp = httpx2.get(public + route, cookies=cookies, timeout=20)
        assert resp.status_code == 503
        assert resp.json()["code"] == "service_unavailable"
        if store == "redis-game":
            # A browser asking for the page gets a page that says so and reloads itself.
            page = httpx2.get(public + "/", headers={"Accept": "text/html"}, timeout=5)
            assert page.status_code == 503 and "indisponible" in page.text and 'http-equiv="refresh"' in page.text
        # The other services are not affected.
        others = [p for p in ("/api/score/", "/api/game/", "/auth/") if not p.startswith(health_prefix + "/")]
        for path in others:
            assert httpx2.get(public + path, timeout=5).status_code == 200
        assert all(row.state == "RUNNING" for row in stack.status() if row.name in replicas)
    finally:
        stack.start([store])

    # Nobody restarts the replicas: they notice Redis is back and HAProxy returns them.
    wait_until(
        lambda: httpx2.get(public + route, cookies=cookies, timeout=5).status_code == 200, timeout=10, what="recovery"
    )
    stack.wait_ready(timeout=20)


def _a_players_cookies(base_url: str) -> dict[str, str]:
    """The session of a player who has played: reading their game needs redis-game."""
    player = Player(base_url)
    try:
        assert player.guess(1, wrong_words(todays_puzzle(), 1)[0]).status_code == 200
        return {"motus_session": player.client.cookies["motus_session"]}
    finally:
        player.close()
