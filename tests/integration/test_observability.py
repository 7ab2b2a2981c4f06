"""Request ids tie HAProxy's access line to the service's; metrics are exposed on both sides."""

from __future__ import annotations

import json
import uuid

import httpx2
import pytest

from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def _json_lines_with(stack, name: str, request_id: str) -> list[dict]:
    found = []
    for line in stack.tail(name, 400):
        if request_id in line:
            found.append(json.loads(line))  # every line that carries it must be valid JSON
    return found


def test_client_request_id_reaches_haproxy_and_service_logs(healthy_stack):
    stack = healthy_stack
    rid = f"test-{uuid.uuid4()}"
    resp = httpx2.get(
        stack.topology.public_url + "/api/score/?secret=hunter2", headers={"X-Request-ID": rid}, timeout=5
    )
    instance = resp.headers["x-motus-instance"]
    assert resp.headers["x-request-id"] == rid

    [proxy_line] = wait_until(lambda: _json_lines_with(stack, "haproxy", rid), timeout=5, what="haproxy line")
    assert proxy_line["backend"] == "score" and proxy_line["server"] == instance
    assert (proxy_line["method"], proxy_line["path"], proxy_line["status"]) == ("GET", "/api/score/", 200)

    [service_line] = wait_until(lambda: _json_lines_with(stack, instance, rid), timeout=5, what="service line")
    assert service_line["service"] == "score" and service_line["instance"] == instance
    assert (service_line["path"], service_line["status"]) == ("/api/score/", 200)
    assert "hunter2" not in json.dumps(proxy_line) + json.dumps(service_line)


def test_haproxy_generates_a_request_id_when_the_client_sends_none(healthy_stack):
    resp = httpx2.get(healthy_stack.topology.public_url + "/auth/", timeout=5)
    rid = resp.headers["x-request-id"]
    uuid.UUID(rid)  # HAProxy's uuid(), passed to the service and echoed back
    wait_until(lambda: _json_lines_with(healthy_stack, resp.headers["x-motus-instance"], rid), timeout=5)


def test_replica_metrics_count_requests(healthy_stack):
    port = healthy_stack.topology.ports.by_name["score-1"]
    direct = f"http://127.0.0.1:{port}"
    httpx2.get(direct + "/api/score/", timeout=5)
    text = httpx2.get(direct + "/metrics", timeout=5).text
    assert 'http_requests_total{handler="/api/score/",method="GET",status="2xx"}' in text


def test_haproxy_exposes_stats_and_prometheus_metrics(healthy_stack):
    stats = healthy_stack.topology.stats_url
    page = httpx2.get(stats + "/stats", timeout=5)
    assert page.status_code == 200 and "motus-1" in page.text
    metrics = httpx2.get(stats + "/metrics", timeout=5).text
    assert 'haproxy_server_status{proxy="game",server="motus-1",state="UP"} 1' in metrics
    assert 'haproxy_backend_active_servers{proxy="auth"} 2' in metrics


def test_every_haproxy_access_line_is_json_even_with_retries(healthy_stack):
    stack = healthy_stack
    stack.kill(["score-1"])
    # Sent before HAProxy's checks notice: the first connection is refused and retried.
    resp = httpx2.get(stack.topology.public_url + "/api/score/", cookies={"MOTUS_SCORE": "score-1"}, timeout=5)
    assert resp.status_code == 200 and resp.headers["x-motus-instance"] == "score-2"
    stack.start(["score-1"])
    lines = [line for line in stack.tail("haproxy", 2000) if line.startswith("{")]
    parsed = [json.loads(line) for line in lines]
    assert any(p["retries"] not in ("0", "") for p in parsed), "no retried request in the log"


def test_public_frontend_hides_the_replicas_metrics(healthy_stack):
    resp = httpx2.get(healthy_stack.topology.public_url + "/metrics", timeout=5)
    assert resp.status_code == 404 and resp.json()["code"] == "not_found"


def test_odd_client_request_id_is_replaced_the_same_way_everywhere(healthy_stack):
    resp = httpx2.get(
        healthy_stack.topology.public_url + "/auth/", headers={"X-Request-ID": 'bad id "with" quotes'}, timeout=5
    )
    rid = resp.headers["x-request-id"]
    uuid.UUID(rid)  # HAProxy replaced it, so the service kept HAProxy's id
    wait_until(lambda: _json_lines_with(healthy_stack, "haproxy", rid), timeout=5)


@pytest.mark.parametrize(
    "headers",
    [[("X-Request-ID", "abc,def")], [("X-Request-ID", "first1"), ("X-Request-ID", "second2")]],
    ids=["comma", "twice"],
)
def test_a_request_id_with_a_comma_or_sent_twice_is_replaced_by_haproxy(healthy_stack, headers):
    # req.hdr split "abc,def" at the comma and took "def"; the service then refused the
    # whole value and logged an id of its own: two ids for one request.
    resp = httpx2.get(healthy_stack.topology.public_url + "/auth/", headers=headers, timeout=5)
    rid = resp.headers["x-request-id"]
    assert str(uuid.UUID(rid)) == rid  # HAProxy's uuid(), in its dashed form
