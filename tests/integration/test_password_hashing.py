"""Password hashing is bounded per replica: a burst of logins cannot exhaust its memory.

Each argon2id hash holds 64 MiB. Forty logins sent at once straight to one auth
replica (from forty addresses, so no lock is involved) used to run forty hashes
at once; now at most the budget's two run, a few wait, and the rest are told at
once to come back (503 with Retry-After). The replica's resident memory, sampled
every 10 ms, stays within its idle size plus the budget.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Callable

import httpx2
import pytest

from bench.procs import rss_mb
from tests.support.accounts import csrf_token, new_username

pytestmark = pytest.mark.integration

BUDGET_MIB = 128  # AUTH_HASH_MEMORY_BUDGET_MIB's default: two hashes at once
CLIENTS = 40


def _burst(base_url: str, subnet: str, sample: Callable[[], None]) -> list[httpx2.Response]:
    """CLIENTS failed logins sent at once, one per loopback address of `subnet` (no lock
    involved), while sample() is called again and again; their answers."""
    clients = [
        httpx2.Client(base_url=base_url, transport=httpx2.HTTPTransport(local_address=f"{subnet}.{i}"), timeout=30)
        for i in range(1, CLIENTS + 1)
    ]
    answers: list[httpx2.Response] = []
    sampling = True

    def sampler() -> None:
        while sampling:
            sample()
            time.sleep(0.005)

    try:
        tokens = [csrf_token(client, "/auth/login") for client in clients]
        start = threading.Barrier(CLIENTS)

        def log_in(client: httpx2.Client, token: str) -> None:
            form = {"username": new_username(), "password": "pas le bon mot de passe", "csrf_token": token}
            start.wait()
            answers.append(client.post("/auth/login", data=form))

        watcher = threading.Thread(target=sampler)
        watcher.start()
        threads = [threading.Thread(target=log_in, args=pair) for pair in zip(clients, tokens, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        time.sleep(0.2)
        sampling = False
        watcher.join()
    finally:
        for client in clients:
            client.close()
    return answers


def test_a_burst_of_logins_stays_within_the_hashing_budget(healthy_stack):
    stack = healthy_stack
    [auth1] = [s for s in stack.status() if s.name == "auth-1"]
    direct = f"http://127.0.0.1:{stack.topology.ports.by_name['auth-1']}"
    idle = rss_mb(auth1.pid)
    peak = idle

    def sample() -> None:
        nonlocal peak
        peak = max(peak, rss_mb(auth1.pid))

    answers = _burst(direct, "127.0.3", sample)
    statuses = sorted(a.status_code for a in answers)
    print(f"\nauth-1 RSS idle {idle:.0f} MiB, peak {peak:.0f} MiB; answers {statuses}")
    assert len(answers) == CLIENTS and set(statuses) <= {401, 503}, statuses
    assert statuses.count(401) >= 2  # the passwords that were checked
    busy = [a for a in answers if a.status_code == 503]
    assert busy and all(int(a.headers["retry-after"]) >= 1 for a in busy)
    assert "très sollicité" in busy[0].text
    assert peak - idle <= BUDGET_MIB + 40, f"{peak - idle:.0f} MiB over idle"


def _credential_sessions(stats_url: str) -> dict[str, tuple[int, int]]:
    """{server: (current sessions, highest queue)} of backend auth_credentials."""
    text = httpx2.get(f"{stats_url}/stats;csv;norefresh", timeout=2).text
    rows = csv.DictReader(io.StringIO(text.lstrip("# ")))
    return {
        r["svname"]: (int(r["scur"] or 0), int(r["qmax"] or 0))
        for r in rows
        if r["pxname"] == "auth_credentials" and r["svname"] not in ("FRONTEND", "BACKEND")
    }


def test_haproxy_lets_at_most_four_credential_requests_into_each_replica(healthy_stack):
    stack = healthy_stack
    most: dict[str, int] = {}

    def sample() -> None:
        for server, (current, _) in _credential_sessions(stack.topology.stats_url).items():
            most[server] = max(most.get(server, 0), current)

    answers = [a.status_code for a in _burst(stack.topology.public_url, "127.0.4", sample)]
    queued = {server: q for server, (_, q) in _credential_sessions(stack.topology.stats_url).items()}
    print(f"\nat once in each replica: {most}; longest queue at HAProxy: {queued}; answers {sorted(answers)}")
    assert len(answers) == CLIENTS and set(answers) <= {401, 503}
    assert set(most) == {"auth-1", "auth-2"} and max(most.values()) <= 4
    assert max(queued.values()) > 0  # the burst waited at HAProxy, not in the replicas
