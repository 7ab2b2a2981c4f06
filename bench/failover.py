"""Numbers for the platform spine, measured on a private stack (`make bench`).

Prints, for each service: failed requests while one replica is SIGKILLed and while
one is stopped gracefully, how long HAProxy took to take it out of rotation and
to put it back, then latency through HAProxy and the memory of each replica.
Nothing is asserted: these are measurements to read and compare.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time

import httpx2

from bench.procs import rss_mb
from motus_stack import haproxy_stats
from motus_stack.stack import Stack
from tests.support.game_login import log_in, sign_up_and_log_in
from tests.support.players import todays_puzzle, wrong_words
from tests.support.ports import free_base_port
from tests.support.traffic import ClientLoops

VICTIMS = ("motus-1", "score-1", "auth-1")


def _wait(predicate, timeout: float, interval: float = 0.01) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(interval)
    return None


def _seen(stack: Stack, name: str) -> str:
    try:
        return haproxy_stats.server_states(stack.topology.stats_url, timeout=1)[name]
    except OSError:
        return "?"


def outage(stack: Stack, victim: str, how: str, clients: int = 6) -> dict[str, object]:
    with ClientLoops(stack.topology.public_url, clients=clients, max_seconds=60) as loops:
        time.sleep(1.0)
        t0 = time.monotonic()
        if how == "kill":
            stack.supervisor.signal(victim, "KILL")
        else:
            threading.Thread(target=stack.stop, args=([victim],), daemon=True).start()
        to_down = _wait(lambda: _seen(stack, victim).startswith("DOWN"), timeout=10)
        stopped_at = time.monotonic() - t0
        time.sleep(1.0)
        _wait(lambda: stack.supervisor.process(victim)["statename"] in ("STOPPED", "EXITED"), timeout=15)
        # start() returns only after supervisord's startsecs; time from the call instead.
        starter = threading.Thread(target=stack.start, args=([victim],), daemon=True)
        starter.start()
        to_up = _wait(lambda: _seen(stack, victim) == "UP", timeout=15)
        starter.join(timeout=15)
        time.sleep(1.0)
    tally = loops.tally
    return {
        "victim": victim,
        "how": how if clients else f"{how}, idle",
        "ok": tally.ok,
        "failed": tally.failed,
        "to_down_s": to_down if to_down is not None else float("nan"),
        "observed_after_s": stopped_at,
        "to_up_s": (to_up if to_up is not None else float("nan")),
    }


def percentiles(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {
        "p50": statistics.median(samples),
        "p95": samples[int(0.95 * len(samples)) - 1],
        "p99": samples[int(0.99 * len(samples)) - 1],
    }


def latency(stack: Stack, path: str, n: int = 400) -> dict[str, float]:
    samples = []
    with httpx2.Client(base_url=stack.topology.public_url, timeout=10) as client:
        for _ in range(20):
            client.get(path)
        for _ in range(n):
            t = time.perf_counter()
            client.get(path)
            samples.append((time.perf_counter() - t) * 1000)
    return percentiles(samples)


def guess_latency(stack: Stack, players: int = 40) -> dict[str, float]:
    """POST /api/game/guess round trips: six wrong tries each for `players` new players."""
    puzzle = todays_puzzle()
    words = wrong_words(puzzle, 6)
    samples = []
    for _ in range(players):
        with httpx2.Client(base_url=stack.topology.public_url, timeout=10) as client:
            sign_up_and_log_in(client)
            for n, word in enumerate(words, start=1):
                t = time.perf_counter()
                client.post("/api/game/guess", json={"attempt": n, "word": word})
                samples.append((time.perf_counter() - t) * 1000)
    return percentiles(samples)


def login_timings(stack: Stack, players: int = 10) -> dict[str, float]:
    """Seconds for a new player to sign up through the whole flow, and to log in again."""
    signups, logins = [], []
    for _ in range(players):
        with httpx2.Client(base_url=stack.topology.public_url, timeout=30) as client:
            t = time.perf_counter()
            name = sign_up_and_log_in(client)
            signups.append(time.perf_counter() - t)
        with httpx2.Client(base_url=stack.topology.public_url, timeout=30) as client:
            t = time.perf_counter()
            log_in(client, name)
            logins.append(time.perf_counter() - t)
    return {"signup": statistics.median(signups), "login": statistics.median(logins)}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="motus-bench-") as state:
        # The bench signs up dozens of players from one address: lift HAProxy's login wall.
        stack = Stack(state_dir=state, base_port=free_base_port(), credential_rate=10_000)
        t = time.monotonic()
        stack.up(timeout=60)
        print(f"stack up and every replica UP in {time.monotonic() - t:.1f} s\n")
        try:
            print("failover under load (6 cookie-keeping clients looping over the three services)")
            print(f"{'victim':<9}{'how':<12}{'ok':>7}{'failed':>8}{'to DOWN s':>11}{'back UP s':>11}")
            runs = [(how, victim, 6) for how in ("kill", "stop") for victim in VICTIMS]
            # Without traffic only the health checks can notice: the slow path.
            runs += [("kill", victim, 0) for victim in VICTIMS]
            for how, victim, clients in runs:
                r = outage(stack, victim, how, clients)
                print(
                    f"{r['victim']:<9}{r['how']:<12}{r['ok']:>7}{r['failed']:>8}"
                    f"{r['to_down_s']:>11.3f}{r['to_up_s']:>11.3f}"
                )
            print("\n'to DOWN': from the signal until HAProxy's stats say DOWN (stop includes the drain);")
            print("'back UP': from `start` until HAProxy's stats say UP.")
            print("Under traffic a dead replica is seen on the first failed connection (observe layer4);")
            print("idle, by two failed health checks.\n")

            print("latency through HAProxy, one client, ms")
            for path in ("/api/game/healthz", "/api/score/", "/"):
                lat = latency(stack, path)
                print(f"  {path:<20} p50 {lat['p50']:6.2f}  p95 {lat['p95']:6.2f}  p99 {lat['p99']:6.2f}")

            lat = guess_latency(stack)
            print(f"  {'POST /api/game/guess':<20} p50 {lat['p50']:6.2f}  p95 {lat['p95']:6.2f}  p99 {lat['p99']:6.2f}")

            timing = login_timings(stack)
            print(
                "\nsign-up through the whole OAuth flow (argon2id hash included): "
                f"median {timing['signup'] * 1000:.0f} ms; logging in again: median {timing['login'] * 1000:.0f} ms"
            )

            print("\nresident memory per process (game replicas with the 178k-word list loaded), MiB")
            for row in stack.status():
                if row.pid:
                    print(f"  {row.name:<12} {rss_mb(row.pid):6.1f}")
        finally:
            stack.down()


if __name__ == "__main__":
    main()
