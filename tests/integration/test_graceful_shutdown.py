"""motus_kit.serve on SIGTERM: readiness fails first, in-flight requests finish, then it exits."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time

import httpx2
import pytest

from tests.support.ports import free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def replica():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "motus_kit.serve", "tests.support.apps:drain_test_app", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx2.get(url + "/healthz", timeout=1).status_code == 200
        except httpx2.HTTPError:
            return False

    wait_until(up, timeout=15, what="replica listening")
    yield proc, url
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)
    proc.stdout.close()


def test_sigterm_drains_then_finishes_in_flight_request_then_exits(replica):
    proc, url = replica
    result: dict[str, object] = {}

    def slow_request() -> None:
        resp = httpx2.get(url + "/api/test/slow", params={"seconds": 2.5}, timeout=10)
        result["status"], result["body"] = resp.status_code, resp.json()

    client = threading.Thread(target=slow_request)
    client.start()
    time.sleep(0.3)  # the slow request is now in flight
    sent_at = time.monotonic()
    proc.send_signal(signal.SIGTERM)

    # Draining: not ready, still alive and still serving.
    ready = wait_until(lambda: httpx2.get(url + "/readyz", timeout=1).status_code == 503, timeout=1)
    assert ready
    assert httpx2.get(url + "/healthz", timeout=1).status_code == 200

    client.join(timeout=15)
    assert result == {"status": 200, "body": {"slept": 2.5}}
    proc.wait(timeout=15)
    lived = time.monotonic() - sent_at
    # It waited for the in-flight request (2.2 s left) rather than exiting after the 1.5 s drain.
    assert lived >= 2.0
    lines = [json.loads(line) for line in proc.stdout.read().splitlines() if line.startswith("{")]
    assert any(line["message"] == "draining before shutdown" for line in lines)


def test_second_signal_stops_at_once(replica):
    proc, url = replica
    proc.send_signal(signal.SIGTERM)
    wait_until(lambda: httpx2.get(url + "/readyz", timeout=1).status_code == 503, timeout=1)
    sent_at = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    assert time.monotonic() - sent_at < 1.4  # did not sit out the 1.5 s drain


def test_second_signal_stops_at_once_even_with_a_request_in_flight(replica):
    proc, url = replica
    outcome: dict[str, object] = {}

    def slow_request() -> None:
        try:
            outcome["status"] = httpx2.get(url + "/api/test/slow", params={"seconds": 8}, timeout=15).status_code
        except httpx2.HTTPError as exc:
            outcome["error"] = type(exc).__name__

    client = threading.Thread(target=slow_request)
    client.start()
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    wait_until(lambda: httpx2.get(url + "/readyz", timeout=1).status_code == 503, timeout=1)
    second = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    assert time.monotonic() - second < 4  # the 8 s request was not waited for
    client.join(timeout=15)
    assert "status" not in outcome  # it was cut, as asked
