"""A TLS terminator in front of HAProxy: its X-Forwarded-For and X-Forwarded-Proto are
believed only when it is listed in MOTUS_TRUSTED_PROXIES (default: none)."""

from __future__ import annotations

import json
import os
import subprocess
import time

import httpx2
import pytest

from motus_stack.topology import HAPROXY_CFG
from tests.support.ports import free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

PROXY = "127.0.0.9"  # stands for the TLS terminator
FORWARDED = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7", "X-Forwarded-Proto": "https"}


@pytest.fixture
def gateway(healthy_stack, tmp_path):
    """A second HAProxy on the same config and the same replicas, trusting PROXY."""
    port, internal, stats = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        **healthy_stack.topology.haproxy_env(),
        "MOTUS_PUBLIC_BIND": f"127.0.0.1:{port}",
        "MOTUS_INTERNAL_BIND": f"127.0.0.1:{internal}",
        "MOTUS_STATS_BIND": f"127.0.0.1:{stats}",
        "MOTUS_TRUSTED_PROXIES": f"{PROXY}/32 192.0.2.0/24",
    }
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / "haproxy.log").open("w") as log:
        proc = subprocess.Popen(
            ["haproxy", "-db", "-f", str(HAPROXY_CFG)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until(lambda: _answers(url), timeout=10, what="the second HAProxy")
        yield url, tmp_path / "haproxy.log"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return httpx2.get(url + "/auth/", timeout=1).status_code == 200
    except httpx2.HTTPError:
        return False


def _access_line(log_path, request_id: str) -> dict:
    def find():
        for line in log_path.read_text().splitlines():
            if request_id in line and line.startswith("{"):
                return json.loads(line)
        return None

    return wait_until(find, timeout=5, what="the access line")


@pytest.mark.parametrize(
    ("source", "client", "trusted"), [(PROXY, "203.0.113.7", True), ("127.0.0.1", "127.0.0.1", False)]
)
def test_forwarded_headers_are_believed_only_from_a_trusted_proxy(gateway, source, client, trusted):
    url, log_path = gateway
    rid = f"trust-test-{time.time_ns()}"
    with httpx2.Client(transport=httpx2.HTTPTransport(local_address=source), timeout=5) as http:
        resp = http.get(url + "/auth/", headers={**FORWARDED, "X-Request-ID": rid})
    assert resp.status_code == 200
    # The client is the address the proxy appended last (or the connection's, untrusted).
    assert _access_line(log_path, rid)["client"] == client


def test_the_providers_cookies_are_secure_when_its_issuer_is_https(healthy_stack, monkeypatch):
    from fastapi.testclient import TestClient

    from motus_auth.app import create_app
    from motus_auth.settings import AuthSettings

    monkeypatch.setenv("AUTH_CLIENT_SECRET_MOTUS_GAME", healthy_stack.saved_secrets()["AUTH_CLIENT_SECRET_MOTUS_GAME"])
    for issuer, secure in (("https://motus.example/auth", True), (f"{healthy_stack.topology.public_url}/auth", False)):
        settings = AuthSettings(
            instance="auth-tls",
            redis_url=healthy_stack.topology.redis_url("redis-auth"),
            secret_key=healthy_stack.saved_secrets()["AUTH_SECRET_KEY"],
            issuer=issuer,
            clients_file=healthy_stack.topology.clients_file,
        )
        with TestClient(create_app(settings), base_url="http://testserver") as client:
            cookie = client.get("/auth/login").headers["set-cookie"]
        assert ("Secure" in cookie) is secure, cookie
