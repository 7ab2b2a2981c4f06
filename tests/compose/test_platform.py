"""docker-compose.yml, run for real: what the local suite checks, with containers."""

from __future__ import annotations

import httpx2
import pytest

from motus_stack import haproxy_stats
from motus_stack.topology import EXPORTERS, REDIS_NODES, SENTINEL_NAMES
from tests.compose.stack import MONITORING, PLATFORM, SENTINEL_PORT
from tests.support.accounts import csrf_token
from tests.support.players import Player, finish_game
from tests.support.waiting import wait_until

# A cold first run builds the images inside the first test's setup (about two minutes here).
pytestmark = [pytest.mark.compose, pytest.mark.timeout(900)]

COOKIES = {"MOTUS_GAME": ("/", "motus"), "MOTUS_SCORE": ("/api/score/", "score"), "MOTUS_AUTH": ("/auth/", "auth")}


def test_every_service_is_up_and_healthy(compose_stack):
    states = {c["Service"]: (c["State"], c.get("Health")) for c in compose_stack.ps()}
    # The exporters' images have no shell, hence no healthcheck: Prometheus's `up` is theirs.
    assert states == {
        **{service: ("running", "healthy") for service in [*PLATFORM, "prometheus"]},
        **{service: ("running", "") for service in MONITORING if service.endswith("-exporter")},
    }
    servers = haproxy_stats.server_states(compose_stack.stats_url)
    assert {name: servers[name] for name in ("motus-1", "motus-2", "score-1", "score-2", "auth-1", "auth-2")} == {
        name: "UP" for name in ("motus-1", "motus-2", "score-1", "score-2", "auth-1", "auth-2")
    }


def test_routing_and_the_three_sticky_cookies(compose_stack):
    for cookie, (path, service) in COOKIES.items():
        with httpx2.Client(base_url=compose_stack.public_url, timeout=10) as client:
            first = client.get(path)
            assert first.status_code == 200, (path, first.text[:200])
            instance = first.headers["x-motus-instance"]
            assert instance.startswith(f"{service}-")
            set_cookie = first.headers["set-cookie"]
            assert set_cookie.startswith(f"{cookie}={instance};") and "HttpOnly" in set_cookie, set_cookie
            # The cookie keeps this browser on that replica.
            assert {client.get(path).headers["x-motus-instance"] for _ in range(10)} == {instance}
        # Without the cookie, both replicas serve.
        seen = set()
        for _ in range(20):
            seen.add(httpx2.get(compose_stack.public_url + path, timeout=10).headers["x-motus-instance"])
        assert seen == {f"{service}-1", f"{service}-2"}


def test_a_player_registers_plays_finishes_and_is_scored(compose_stack):
    with Player(compose_stack.public_url) as player:
        finish_game(player, won_in=3)
        assert player.today().json()["status"] == "won"
        # The result crosses the outbox, HAProxy's internal frontend and the score
        # service's token check, all inside the containers' networks.
        stats = wait_until(
            lambda: (s := player.client.get("/api/game/stats").json()).get("played") == 1 and s,
            timeout=20,
            what="the result at the score service",
        )
        assert stats["won"] == 1 and stats["distribution"]["3"] == 1
        board = player.client.get("/api/game/leaderboards").json()
        assert player.name in str(board)


def test_of_the_platform_only_haproxy_publishes_ports(compose_stack):
    published = {
        (c["Service"], p["URL"], p["PublishedPort"])
        for c in compose_stack.ps()
        for p in c.get("Publishers") or []
        if p.get("PublishedPort")
    }
    port = {url: int(url.rsplit(":", 1)[1]) for url in (compose_stack.public_url, compose_stack.stats_url,
                                                         compose_stack.prometheus_url)}  # fmt: skip
    # The replicas and the stores publish nothing; besides HAProxy, only Prometheus
    # (no authentication: the loopback only, as in docker-compose.yml).
    assert published == {
        ("haproxy", "127.0.0.1", port[compose_stack.public_url]),
        ("haproxy", "127.0.0.1", port[compose_stack.stats_url]),
        ("prometheus", "127.0.0.1", port[compose_stack.prometheus_url]),
    }


def test_services_reach_each_other_only_through_haproxy(compose_stack):
    # The game's peers URL is HAProxy's internal frontend, which is not published.
    env = compose_stack.docker("inspect", "--format", "{{json .Config.Env}}", compose_stack.container_id("motus-1"))
    assert "GAME_PEERS_URL=http://haproxy:8081" in env.stdout
    assert all(p.get("TargetPort") != 8081 or not p.get("PublishedPort") for c in compose_stack.ps()
               for p in c.get("Publishers") or [])  # fmt: skip


def test_prometheus_scrapes_every_replica_haproxy_and_each_store(compose_stack):
    # compose's own prometheus.yml and rules, against the containers' real names and ports.
    def targets() -> dict[str, str]:
        data = httpx2.get(f"{compose_stack.prometheus_url}/api/v1/targets", timeout=5).json()["data"]
        return {t["labels"]["instance"]: t["health"] for t in data["activeTargets"]}

    # One exporter per Redis node: `instance` is the node's name.
    instances = ["motus-1", "motus-2", "score-1", "score-2", "auth-1", "auth-2", "haproxy", "prometheus",
                 *EXPORTERS.values()]  # fmt: skip
    wait_until(lambda: targets() == dict.fromkeys(instances, "up"), timeout=60, interval=1, what="every target up")
    query = httpx2.get(f"{compose_stack.prometheus_url}/api/v1/query", params={"query": "redis_up"}, timeout=5)
    assert {r["metric"]["instance"]: r["value"][1] for r in query.json()["data"]["result"]} == dict.fromkeys(
        REDIS_NODES, "1"
    )
    # Each store has a primary and a replica, as each node's exporter reports its role.
    query = httpx2.get(f"{compose_stack.prometheus_url}/api/v1/query", params={"query": "redis_instance_info"},
                       timeout=5)  # fmt: skip
    roles = {r["metric"]["instance"]: r["metric"]["role"] for r in query.json()["data"]["result"]}
    for store in ("redis-game", "redis-score", "redis-auth"):
        assert sorted(roles[f"{store}-{n}"] for n in (1, 2)) == ["master", "slave"], roles
    rules = httpx2.get(f"{compose_stack.prometheus_url}/api/v1/rules", timeout=5).json()["data"]["groups"]
    alerts = {r["name"] for g in rules for r in g["rules"] if r["type"] == "alerting"}
    assert {"MotusReplicaDown", "MotusRedisDown", "MotusOutboxStuck"} <= alerts


PROBE = """
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).close()
    print("reached")
except OSError as exc:
    print(type(exc).__name__)
"""
# Node -1 of each store listens on 6379, node -2 on 6380 (docker-compose.yml, x-redis-node).
NODE_PORT = {"1": 6379, "2": 6380}


def test_a_game_container_reaches_its_own_store_and_the_sentinels_and_cannot_even_find_the_others(compose_stack):
    def from_game(host: str, port: int) -> str:
        return compose_stack.compose("exec", "-T", "motus-1", "python", "-c", PROBE, host, str(port)).stdout.strip()

    for node in REDIS_NODES:
        port = NODE_PORT[node[-1]]
        # Not on the other stores' networks: their names do not even resolve (socket.gaierror).
        assert from_game(node, port) == ("reached" if node.startswith("redis-game-") else "gaierror"), node
    for sentinel in SENTINEL_NAMES:
        assert from_game(sentinel, SENTINEL_PORT) == "reached"


def test_the_stores_and_the_sentinels_refuse_a_client_without_their_password(compose_stack):
    for node, port in (("redis-auth-1", 6379), ("redis-auth-2", 6380)):
        get = compose_stack.compose("exec", "-T", node, "redis-cli", "-p", str(port), "get", "auth:v1:signing-keys")
        assert "NOAUTH" in get.stdout + get.stderr, node
    ask = compose_stack.compose("exec", "-T", "sentinel-1", "redis-cli", "-p", str(SENTINEL_PORT), "sentinel",
                                "get-master-addr-by-name", "redis-auth")  # fmt: skip
    assert "NOAUTH" in ask.stdout + ask.stderr


def test_the_sentinels_watch_each_store_by_name_and_tell_the_services_no_more(compose_stack):
    stack = compose_stack
    for store in ("redis-game", "redis-score", "redis-auth"):
        # All three agree on the primary, named (not an address) and one of the store's nodes.
        primaries = {stack.primary(store, sentinel) for sentinel in SENTINEL_NAMES}
        assert len(primaries) == 1 and primaries <= {f"{store}-1", f"{store}-2"}, primaries
        [ok] = stack.redis_cli("sentinel-2", "sentinel", "ckquorum", store)
        assert ok.startswith("OK 3 usable Sentinels"), ok
    # The services' user may ask where a primary is, and nothing else.
    asked = stack.compose("exec", "-T", "motus-2", "python", "-c", DISCOVERY_PROBE, check=False)
    assert asked.stdout.split() == ["redis-game-", "NoPermissionError"], asked.stdout + asked.stderr


# Run in a game replica, with its own discovery password (GAME_REDIS_SENTINEL_PASSWORD).
DISCOVERY_PROBE = """
import os, redis
sentinel = redis.Redis(host="sentinel-3", port=26379, username="discovery", decode_responses=True,
                       password=os.environ["GAME_REDIS_SENTINEL_PASSWORD"])
host, port = sentinel.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "redis-game")
print(host.rstrip("12"))
try:
    sentinel.execute_command("SENTINEL", "FAILOVER", "redis-game")
    print("allowed")
except redis.exceptions.ResponseError as exc:
    print(type(exc).__name__)
"""


def test_logging_out_at_the_provider_ends_the_game_session_in_containers(compose_stack):
    # The provider posts the logout token to http://haproxy:8081/backchannel-logout
    # (clients.example.json): the container network's name for the internal frontend.
    with Player(compose_stack.public_url) as player:
        assert player.today().status_code == 200
        token = csrf_token(player.client, "/auth/account")
        assert player.client.post("/auth/logout", data={"csrf_token": token}).status_code == 303
        resp = player.today()
        assert resp.status_code == 401 and resp.json()["code"] == "login_required"
