"""How fast a guess is, next to what this machine can do at all (`make bench`).

On a private stack, with wrk (Debian's package) at 64 connections, each measured in
the same run so the ratios hold on any machine:

- HAProxy answering by itself, and a bare FastAPI endpoint on the replicas' server
  stack (bench/bare.py): the two ceilings;
- the guess: fresh tries over thousands of logged-in players (each one try at a
  time, in order), and replays of a played try; today's state; the game page; a
  login (the password hash included, 8 connections): through HAProxy and straight to
  one replica;
- 401s and out-of-order 409s seen by these well-behaved players (both should be 0);
- the memory of every process, idle.

Players are sessions written into redis-game as a login writes them (the login
itself is measured on its own). Each guess figure, and HAProxy's hop, is the median of
three runs (one with --quick). Nothing is asserted.
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx2

import redis
from bench.procs import cpu_seconds, pss_mb, rss_mb, with_children
from motus import keys, session
from motus.oidc import Tokens
from motus.player import SessionRecord
from motus_stack.stack import Stack
from tests.support.accounts import PASSWORD, csrf_token, new_username, register
from tests.support.game_login import follow_redirects, sign_up_and_log_in
from tests.support.players import todays_puzzle, wrong_words
from tests.support.ports import free_base_port, free_port
from tests.support.waiting import wait_until

REPO = Path(__file__).resolve().parent.parent
CONNECTIONS = 64
THREADS = 2
SECONDS = 10
PLAYERS = 3000  # per fresh run: 5 tries each, more than wrk sends in SECONDS
ROUNDS = 3  # runs of each guess figure, the median reported
REAL_PLAYERS = 300  # logged in through the provider (about 60 ms each here)


@dataclass
class Run:
    label: str
    rate: float
    p50: float
    p99: float
    statuses: dict[str, int]
    errors: int

    @property
    def bad(self) -> str:
        wrong = {k: v for k, v in self.statuses.items() if not k.startswith(("2", "3"))}
        return ", ".join(f"{k}×{v}" for k, v in sorted(wrong.items())) or "-"


def wrk(url: str, script: str, env: dict[str, str], connections: int = CONNECTIONS, seconds: int = SECONDS) -> Run:
    result = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, url],
        cwd=REPO,
        env={**os.environ, "BENCH_THREADS": str(THREADS), **env},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    [line] = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    data = json.loads(line.removeprefix("BENCH "))
    statuses: dict[str, int] = {}
    for counts in data["threads"]:
        for key, value in counts.items():
            statuses[key] = statuses.get(key, 0) + value
    return Run("", data["requests"] / data["seconds"], data["p50_ms"], data["p99_ms"], statuses, data["errors"])


def make_players(stack: Stack, count: int, path: Path) -> Path:
    """Logged-in players, as the login callback leaves them: a session in redis-game and its cookie."""
    secret = stack.saved_secrets()["GAME_SESSION_SECRET"]
    game = redis.Redis.from_url(stack.topology.redis_url("redis-game"), decode_responses=True)
    tokens = Tokens("bench-access", "bench-refresh", "", int(time.time()) + 3600)
    lines = []
    with game.pipeline(transaction=False) as pipe:
        for _ in range(count):
            sid = session.new_session_id()
            record = SessionRecord.new(uuid.uuid4().hex, f"bench-{secrets.token_hex(3)}", tokens, uuid.uuid4().hex)
            pipe.hset(keys.session(sid), mapping=record.to_hash())
            pipe.expire(keys.session(sid), 3600)
            lines.append(f"{session.COOKIE}={session.sign(sid, secret)}")
        pipe.execute()
    game.close()
    path.write_text("\n".join(lines) + "\n")
    return path


class Process:
    """A helper process of the bench (the bare app, HAProxy alone), stopped by its pid."""

    def __init__(self, argv: list[str], env: dict[str, str], ready_url: str) -> None:
        self.proc = subprocess.Popen(argv, cwd=REPO, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
        wait_until(lambda: _answers(ready_url), timeout=20, what=ready_url)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return httpx2.get(url, timeout=1).status_code < 500
    except httpx2.HTTPError:
        return False


def _cpu_during(stack: Stack, run: Callable[[], Run]) -> tuple[Run, dict[str, float]]:
    """The run, and the share of a core each process of the machine's busiest ones used
    meanwhile (wrk included): where the machine's cores went."""
    pids = {name: stack.pid(name) for name in stack.topology.process_names()}
    supervisord = stack.supervisord_pid()

    def used() -> dict[str, float]:
        # Children too: HAProxy's worker under its master. Not supervisord's: they are the stack.
        found = {name: sum(cpu_seconds(p) for p in with_children(pid)) for name, pid in pids.items()}
        found["supervisord"] = cpu_seconds(supervisord)
        wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
        found["wrk"] = wrk.ru_utime + wrk.ru_stime
        return found

    before, started = used(), time.monotonic()
    result = run()
    after, elapsed = used(), time.monotonic() - started
    return result, {name: (after[name] - before[name]) / elapsed for name in after}


def _median(items: list, key: Callable) -> Any:
    return sorted(items, key=key)[len(items) // 2]


def _memory(stack: Stack) -> dict[str, tuple[float, float]]:
    return {name: (rss_mb(stack.pid(name)), pss_mb(stack.pid(name))) for name in stack.topology.process_names()}


def real_players(stack: Stack, count: int, path: Path) -> Path:
    """Players logged in through the provider for real (one account, `count` logins of
    it by single sign-on: no password hash each time), their access tokens then made
    due for renewal: the situation that used to log players out under load."""
    with httpx2.Client(base_url=stack.topology.public_url, timeout=10) as first:
        sign_up_and_log_in(first)
        provider = {c.name: c.value for c in first.cookies.jar if c.name in ("motus_auth_session", "MOTUS_AUTH")}

    def log_in(_: int) -> str:
        with httpx2.Client(base_url=stack.topology.public_url, timeout=10, cookies=provider) as browser:
            follow_redirects(browser, browser.get("/login"))
            return next(c.value for c in browser.cookies.jar if c.name == session.COOKIE)

    with ThreadPoolExecutor(4) as pool:
        cookies = list(pool.map(log_in, range(count)))
    secret = stack.topology.secrets["GAME_SESSION_SECRET"]
    game = redis.Redis.from_url(stack.topology.redis_url("redis-game"), decode_responses=True)
    for cookie in cookies:
        game.hset(keys.session(session.unsign(cookie, secret)), "expires_at", str(int(time.time()) - 1))
    game.close()
    path.write_text("".join(f"{session.COOKIE}={cookie}\n" for cookie in cookies))
    return path


def _login_env(stack: Stack, tmp: Path, accounts: int = 16) -> dict[str, str]:
    """Accounts and their CSRF cookie/token pairs, each posted again and again with the right
    password: different people logging in at once, as the lock counts per account."""
    lines = []
    for _ in range(accounts):
        with httpx2.Client(base_url=stack.topology.public_url, timeout=10) as browser:
            name = new_username()
            assert register(browser, name).status_code == 303
            browser.cookies.clear()
            token = csrf_token(browser, "/auth/login")
            cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies.jar)
        body = str(httpx2.QueryParams({"username": name, "password": PASSWORD, "csrf_token": token}))
        lines.append(f"{cookie}\t{body}")
    (tmp / "logins").write_text("\n".join(lines) + "\n")
    return {"BENCH_PLAYERS": str(tmp / "logins"), "BENCH_PATH": "/auth/login"}


def main(quick: bool = "--quick" in sys.argv) -> None:
    """`--quick`: the two ceilings and the guess only (a minute instead of five), to
    try a change to the hot path."""
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: `scripts/bootstrap.sh --bench` (or `make bench`) installs it.")
    puzzle = todays_puzzle()
    words = " ".join(wrong_words(puzzle, 5))
    runs: list[Run] = []
    rounds = 1 if quick else ROUNDS
    with tempfile.TemporaryDirectory(prefix="motus-bench-") as state:
        tmp = Path(state)
        stack = Stack(state_dir=tmp / "stack", base_port=free_base_port(), credential_rate=1_000_000)
        stack.up(timeout=90)
        bare_port, bare_haproxy_port = free_port(), free_port()
        bare = Process(
            [sys.executable, "-m", "motus_kit.serve", "bench.bare:create_app", "--port", str(bare_port)],
            {},
            f"http://127.0.0.1:{bare_port}/bare",
        )
        haproxy = Process(
            ["haproxy", "-db", "-f", str(REPO / "bench" / "haproxy-bare.cfg")],
            {"BENCH_BIND": f"127.0.0.1:{bare_haproxy_port}"},
            f"http://127.0.0.1:{bare_haproxy_port}/",
        )
        try:
            idle = _memory(stack)
            public, direct = stack.topology.public_url, f"http://{stack.topology.address('motus-1')}"

            def measure(label: str, url: str, script: str, env: dict[str, str], **kw) -> Run:
                run = wrk(url, f"bench/wrk/{script}", env, **kw)
                run.label = label
                runs.append(run)
                print(f"  {label:<52} {run.rate:>8.0f} req/s  p50 {run.p50:6.1f} ms  p99 {run.p99:7.1f} ms  {run.bad}")
                return run

            print(f"\nThroughput, {CONNECTIONS} connections, {SECONDS} s each, wrk -t{THREADS}, {os.cpu_count()} cores")
            hap = measure("HAProxy answering by itself", f"http://127.0.0.1:{bare_haproxy_port}/", "get.lua", {})
            bare_run = measure("bare FastAPI endpoint, one replica's stack", f"http://127.0.0.1:{bare_port}/bare",
                               "get.lua", {"BENCH_PATH": "/bare"})  # fmt: skip
            results = {}
            cpu: dict[str, dict[str, float]] = {}
            for where, url in (("through HAProxy", public), ("straight to motus-1", direct)):
                # The guess's rate moves by up to a fifth from one run to the next here (Redis
                # rewriting its append-only file in the background, the two cores shared):
                # each figure is the median of ROUNDS runs, each on new players.
                fresh_runs, replay_runs = [], []
                for round_ in range(1, rounds + 1):
                    fresh = make_players(stack, PLAYERS, tmp / f"fresh-{where[:4]}-{round_}")
                    env = {"BENCH_PLAYERS": str(fresh), "BENCH_WORDS": words, "BENCH_MODE": "fresh"}
                    label = f"guess, fresh tries, {where} ({round_}/{rounds})"
                    fresh_runs.append(_cpu_during(stack, partial(measure, label, url, "guess.lua", env)))
                    replay_runs.append(
                        measure(f"guess, replays, {where} ({round_}/{rounds})", url, "guess.lua",
                                {**env, "BENCH_MODE": "replay"})
                    )  # fmt: skip
                results[("fresh", where)], cpu[where] = _median(fresh_runs, key=lambda pair: pair[0].rate)
                results[("replay", where)] = _median(replay_runs, key=lambda run: run.rate)
                if quick:
                    continue
                results[("today", where)] = measure(
                    f"today's state, {where}",
                    url,
                    "get.lua",
                    {"BENCH_PLAYERS": str(fresh), "BENCH_PATH": "/api/game/today"},
                )
                results[("page", where)] = measure(
                    f"the game page, {where}", url, "get.lua", {"BENCH_PLAYERS": str(fresh), "BENCH_PATH": "/"}
                )
            if quick:
                _print_cpu(cpu)
                for what in ("fresh", "replay"):
                    via, straight = results[(what, "through HAProxy")], results[(what, "straight to motus-1")]
                    print(f"  {what}: straight/bare {straight.rate / bare_run.rate:.0%}, "
                          f"via HAProxy/bare {via.rate / bare_run.rate:.0%}")  # fmt: skip
                return
            # HAProxy's own hop: one replica behind it against the same replica straight.
            stack.stop(["motus-2"])
            hop_players = make_players(stack, PLAYERS, tmp / "hop")
            hop_env = {"BENCH_PLAYERS": str(hop_players), "BENCH_WORDS": words, "BENCH_MODE": "replay"}
            hops, straights = [], []
            for round_ in range(1, rounds + 1):  # alternately, so that both see the same machine
                hops.append(measure(f"guess, replays, through HAProxy to motus-1 alone ({round_}/{rounds})", public,
                                    "guess.lua", hop_env))  # fmt: skip
                straights.append(measure(f"guess, replays, straight to motus-1, same players ({round_}/{rounds})",
                                         direct, "guess.lua", hop_env))  # fmt: skip
            results["hop"] = _median(hops, key=lambda run: run.rate)
            results["hop-direct"] = _median(straights, key=lambda run: run.rate)
            stack.start(["motus-2"])
            stack.wait_ready(timeout=30)
            due = real_players(stack, REAL_PLAYERS, tmp / "due")
            results["due"] = measure(
                f"guess, {REAL_PLAYERS} players logged in for real, tokens due (5 tries, then replays)",
                public,
                "guess.lua",
                {"BENCH_PLAYERS": str(due), "BENCH_WORDS": words, "BENCH_MODE": "fresh"},
            )
            login_env = _login_env(stack, tmp)
            results["login"] = measure(
                "login (argon2 included), through HAProxy, 8 connections", public, "post_form.lua", login_env,
                connections=8,
            )  # fmt: skip
            # wrk leaves up to 8 logins in each replica's hashing queue when it stops: the
            # next run would find the queue full and count 503s (busy) that belong to this one.
            time.sleep(5)
            results["login-direct"] = measure(
                "login (argon2 included), straight to auth-1, 8 connections",
                f"http://{stack.topology.address('auth-1')}", "post_form.lua", login_env, connections=8,
            )  # fmt: skip
            time.sleep(3)
            loaded = _memory(stack)
        finally:
            bare.stop()
            haproxy.stop()
            stack.down()

    print(f"\nRatios (same run; each guess figure the median of {ROUNDS} runs):")
    for what in ("fresh", "replay", "today", "page"):
        via, straight = results[(what, "through HAProxy")], results[(what, "straight to motus-1")]
        print(
            f"  {what:<7} straight/bare {straight.rate / bare_run.rate:5.0%}   "
            f"via HAProxy (2 replicas)/bare {via.rate / bare_run.rate:5.0%}   "
            f"two replicas behind HAProxy / one straight {via.rate / straight.rate:4.2f}×"
        )
    login, login_direct = results["login"], results["login-direct"]
    print(
        f"  login   straight/bare {login_direct.rate / bare_run.rate:6.2%}   "
        f"via HAProxy (2 replicas)/bare {login.rate / bare_run.rate:6.2%}   "
        f"two replicas behind HAProxy / one straight {login.rate / login_direct.rate:4.2f}×  (argon2id bounds it)"
    )
    print(f"  HAProxy alone / bare endpoint: {hap.rate / bare_run.rate:.1f}×")
    hop = 1 - results["hop"].rate / results["hop-direct"].rate
    print(f"  HAProxy's hop, one replica behind it against the same replica straight: {hop:+.0%} of the rate")
    wrong = sum(r.statuses.get("401_login_required", 0) + r.statuses.get("409_out_of_order", 0) for r in runs)
    print(f"  401 login_required + 409 attempt_out_of_order seen by well-behaved players: {wrong}")
    _print_cpu(cpu)
    print("\nMemory, idle at start and again after the runs above (MB):")
    print(f"  {'process':<22} {'RSS idle':>9} {'RSS after':>10} {'PSS idle':>9} {'PSS after':>10}")
    for name in idle:
        print(f"  {name:<22} {idle[name][0]:9.0f} {loaded[name][0]:10.0f} {idle[name][1]:9.0f} {loaded[name][1]:10.0f}")
    totals = [sum(v[i] for v in table.values()) for table in (idle, loaded) for i in (0, 1)]
    print(f"  {'in all':<22} {totals[0]:9.0f} {totals[2]:10.0f} {totals[1]:9.0f} {totals[3]:10.0f}")
    print("  (RSS counts the shared libraries once per process; PSS shares them out: its sum is the stack's footprint)")


def _print_cpu(cpu: dict[str, dict[str, float]]) -> None:
    print(f"\nWhere the {os.cpu_count()} cores went during the fresh tries (% of one core; wrk is the load):")
    for where, shares in cpu.items():
        busiest = sorted(shares.items(), key=lambda item: -item[1])
        listed = ", ".join(f"{name} {share:.0%}" for name, share in busiest if share >= 0.01)
        print(f"  {where}: {listed}; in all {sum(shares.values()):.0%} of {os.cpu_count() * 100}%")


if __name__ == "__main__":
    main()
