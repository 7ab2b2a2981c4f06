"""A login storm against the password-hashing bounds (`make bench`).

Fifty clients from ten addresses (five each) log in with the right password, over
and over, for SECONDS through HAProxy, while wrk reads today's game for logged-in
players at the same time. Printed: the logins' answers and latency, each auth
replica's peak memory against its hashing budget, and the game's p99 meanwhile
(target: under 50 ms). Nothing is asserted.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2

from bench.procs import rss_mb
from bench.throughput import make_players, wrk
from motus_auth.settings import AuthSettings
from motus_stack.stack import Stack
from tests.support.accounts import PASSWORD, csrf_token, new_username, register
from tests.support.ports import free_base_port

ADDRESSES = 10
PER_ADDRESS = 5
SECONDS = 10


def _storm(public_url: str, accounts: list[str], stop: threading.Event, results: list) -> None:
    def one(address: str, account: str) -> None:
        transport = httpx2.HTTPTransport(local_address=address)
        with httpx2.Client(base_url=public_url, transport=transport, timeout=30) as client:
            token = csrf_token(client, "/auth/login")
            while not stop.is_set():
                form = {"username": account, "password": PASSWORD, "csrf_token": token, "next": "/auth/account"}
                start = time.monotonic()
                status = client.post("/auth/login", data=form).status_code
                results.append((status, time.monotonic() - start))

    threads = [
        threading.Thread(target=one, args=(f"127.0.6.{1 + i // PER_ADDRESS}", account))
        for i, account in enumerate(accounts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 60)


def main() -> None:
    budget = AuthSettings.model_fields["hash_memory_budget_mib"].default
    with tempfile.TemporaryDirectory(prefix="motus-bench-logins-") as state:
        tmp = Path(state)
        stack = Stack(state_dir=tmp / "stack", base_port=free_base_port(), credential_rate=1_000_000)
        stack.up(timeout=90)
        try:
            accounts = []
            with httpx2.Client(base_url=stack.topology.public_url, timeout=30) as client:
                for _ in range(ADDRESSES * PER_ADDRESS):
                    name = new_username()
                    assert register(client, name).status_code == 303
                    client.cookies.clear()
                    accounts.append(name)
            players = make_players(stack, 500, tmp / "players")
            idle = {name: rss_mb(stack.pid(name)) for name in ("auth-1", "auth-2")}
            peak = dict(idle)
            stop, results = threading.Event(), []
            storm = threading.Thread(target=_storm, args=(stack.topology.public_url, accounts, stop, results))

            def sample() -> None:
                while not stop.is_set():
                    for name in peak:
                        peak[name] = max(peak[name], rss_mb(stack.pid(name)))
                    time.sleep(0.01)

            sampler = threading.Thread(target=sample)
            today = {"BENCH_PLAYERS": str(players), "BENCH_PATH": "/api/game/today"}
            quiet = wrk(stack.topology.public_url, "bench/wrk/get.lua", today, connections=8, seconds=5)
            storm.start()
            sampler.start()
            time.sleep(1)
            loaded = wrk(stack.topology.public_url, "bench/wrk/get.lua", today, connections=8, seconds=SECONDS - 2)
            stop.set()
            storm.join()
            sampler.join()
        finally:
            stack.down()
    statuses: dict[int, int] = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    times = sorted(seconds for status, seconds in results if status == 303)
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000 if times else float("nan")  # noqa: E731
    print(f"\nLogin storm: {ADDRESSES * PER_ADDRESS} clients from {ADDRESSES} addresses, right passwords, {SECONDS} s")
    print(f"  answers: {', '.join(f'{k}×{v}' for k, v in sorted(statuses.items()))}"
          f"  (303 logged in; 503 'retry in N s' beyond the queue)")  # fmt: skip
    print(f"  login p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms ({len(times) / SECONDS:.1f} logins/s)")
    for name in idle:
        print(f"  {name}: RSS idle {idle[name]:.0f} MiB, peak {peak[name]:.0f} MiB "
              f"(+{peak[name] - idle[name]:.0f}; hashing budget {budget} MiB)")  # fmt: skip
    print(f"  /api/game/today, 8 connections: p99 {quiet.p99:.1f} ms alone, {loaded.p99:.1f} ms during the storm "
          f"(target < 50 ms); {loaded.rate:.0f} req/s")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
