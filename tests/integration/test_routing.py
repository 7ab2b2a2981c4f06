"""Requests through HAProxy reach the right service, both replicas serve, cookies keep a client on one."""

from __future__ import annotations

from collections import Counter

import httpx2
import pytest

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/", "game"),
        ("/api/game/healthz", "game"),
        ("/healthz", "game"),
        ("/auth/healthz", "auth"),
        ("/auth/readyz", "auth"),
        ("/auth/", "auth"),
        ("/auth", "auth"),
        ("/api/score/healthz", "score"),
        ("/api/score/readyz", "score"),
        ("/api/score/", "score"),
        ("/authentic", "game"),  # a prefix match must stop at a path segment
        ("/api/scoreboard", "game"),
    ],
)
def test_path_reaches_the_service_that_owns_it(healthy_stack, path, service):
    prefix = {"game": "motus-", "auth": "auth-", "score": "score-"}[service]
    resp = httpx2.get(healthy_stack.topology.public_url + path, timeout=5)
    assert resp.headers["x-motus-instance"].startswith(prefix), (path, resp.headers)


def test_about_pages_name_service_and_store_durability(healthy_stack):
    expected = {"/api/game/": ("game", "everysec"), "/api/score/": ("score", "always"), "/auth/": ("auth", "everysec")}
    for path, (service, fsync) in expected.items():
        body = httpx2.get(healthy_stack.topology.public_url + path, timeout=5).json()
        assert body["service"] == service
        assert body["store"] == {"appendonly": "yes", "appendfsync": fsync}


def test_both_replicas_of_each_service_serve_cookieless_clients(healthy_stack):
    seen: dict[str, Counter] = {}
    for path in ("/api/game/healthz", "/api/score/healthz", "/auth/healthz"):
        seen[path] = Counter(
            httpx2.get(healthy_stack.topology.public_url + path, timeout=5).headers["x-motus-instance"]
            for _ in range(10)
        )
    assert seen["/api/game/healthz"].keys() == {"motus-1", "motus-2"}
    assert seen["/api/score/healthz"].keys() == {"score-1", "score-2"}
    assert seen["/auth/healthz"].keys() == {"auth-1", "auth-2"}


def test_cookie_keeping_client_stays_on_one_replica_of_each_service(healthy_stack):
    with httpx2.Client(base_url=healthy_stack.topology.public_url, timeout=5) as client:
        seen = {path: set() for path in ("/", "/api/game/healthz", "/api/score/healthz", "/auth/healthz")}
        for _ in range(8):
            for path in seen:
                seen[path].add(client.get(path).headers["x-motus-instance"])
        assert all(len(instances) == 1 for instances in seen.values()), seen
        # The page and the game API share the game cookie, so one replica serves both.
        assert seen["/"] == seen["/api/game/healthz"]
        # Three cookies, one per backend, none overwriting another.
        cookies = {c.name: c.value for c in client.cookies.jar}
        assert cookies["MOTUS_GAME"] in {"motus-1", "motus-2"}
        assert cookies["MOTUS_SCORE"] in {"score-1", "score-2"}
        assert cookies["MOTUS_AUTH"] in {"auth-1", "auth-2"}
        assert {cookies["MOTUS_GAME"], cookies["MOTUS_SCORE"], cookies["MOTUS_AUTH"]} == {
            next(iter(seen["/"])),
            next(iter(seen["/api/score/healthz"])),
            next(iter(seen["/auth/healthz"])),
        }


def test_sticky_cookies_are_httponly_samesite_lax(healthy_stack):
    resp = httpx2.get(healthy_stack.topology.public_url + "/auth/healthz", timeout=5)
    set_cookie = resp.headers["set-cookie"]
    assert set_cookie.startswith("MOTUS_AUTH=")
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie


def test_cookie_naming_a_replica_is_honoured(healthy_stack):
    for replica in ("motus-1", "motus-2"):
        resp = httpx2.get(healthy_stack.topology.public_url + "/", cookies={"MOTUS_GAME": replica}, timeout=5)
        assert resp.headers["x-motus-instance"] == replica


def test_internal_frontend_routes_like_the_public_one(healthy_stack):
    for path, prefix in (("/api/game/healthz", "motus-"), ("/api/score/healthz", "score-"), ("/auth/healthz", "auth-")):
        resp = httpx2.get(healthy_stack.topology.internal_url + path, timeout=5)
        assert resp.headers["x-motus-instance"].startswith(prefix)


INTERNAL_ONLY = [
    "/metrics",
    "/%6detrics",  # uvicorn decodes the path: this is /metrics to a replica
    "/%6D%65trics",
    "/api/score/results/someone/1",
    "/api/score/%72esults/someone/1",
    "/api/sc%6fre/results/someone/1",
    "/api/score/results%2Fsomeone/1",
]


@pytest.mark.parametrize("path", INTERNAL_ONLY)
@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_internal_only_paths_do_not_exist_on_the_public_side_however_encoded(healthy_stack, path, method):
    resp = httpx2.request(method, healthy_stack.topology.public_url + path, json={}, timeout=5)
    assert resp.status_code == 404 and resp.json()["code"] == "not_found", resp.text[:300]
    assert "x-motus-instance" not in resp.headers  # HAProxy answered; no replica saw it
    assert "http_requests_total" not in resp.text


def test_recording_is_routed_by_the_internal_frontend(healthy_stack):
    # The game's relay records there; without the game's token the score service refuses.
    resp = httpx2.put(f"{healthy_stack.topology.internal_url}/api/score/results/someone/1", json={}, timeout=5)
    assert resp.status_code == 401 and resp.headers["x-motus-instance"].startswith("score-")


@pytest.mark.parametrize("path", ["/api/sc%6fre/", "/%61uth/"])
def test_an_encoded_prefix_reaches_the_service_that_decodes_it(healthy_stack, path):
    # HAProxy routes by the path the service will see, so the two never disagree.
    resp = httpx2.get(healthy_stack.topology.public_url + path, timeout=5)
    service = "score" if "sc" in path else "auth"
    assert resp.status_code == 200 and resp.headers["x-motus-instance"].startswith(f"{service}-")


def test_haproxys_own_answers_carry_the_security_headers(healthy_stack):
    from motus_kit.middleware import SECURITY_HEADERS

    # A 404 HAProxy answers itself, and a 429 from its credential wall's neighbour rules
    # share the rule; a replica's answer keeps its own copy (one of each, not two).
    own = httpx2.get(healthy_stack.topology.public_url + "/metrics", timeout=5)
    replica = httpx2.get(healthy_stack.topology.public_url + "/auth/", timeout=5)
    for resp in (own, replica):
        for name, value in SECURITY_HEADERS.items():
            assert resp.headers.get_list(name) == [value], (resp.status_code, name)
