"""Faults under a mixed load of logged-in players, and what each one cost.

Used by `make chaos` (bench/chaos.py: every fault) and by the short version in the
test suite (tests/integration/test_chaos.py: one fault of each kind). Players sign up
and log in through the provider, play today's game to its end, read their statistics
and the leaderboards, then start again with a new account. Every request is timed;
every acknowledged write (a try, a finished game's result, a new account) is kept in
a ledger and read back from the stores after each fault.

Bounded: each player thread stops at its deadline or its request budget, each fault
waits for recovery at most `recovery_timeout` seconds.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx2

from motus import keys as game_keys
from motus.game import daily
from motus_auth import keys as auth_keys
from motus_auth.usernames import canonical
from motus_score import keys as score_keys
from motus_stack import stores
from motus_stack.stack import Stack, StackError
from tests.support.accounts import PASSWORD, new_username
from tests.support.players import wrong_words

_CSRF = "csrf_token"


@dataclass(frozen=True)
class Sample:
    sent: float  # monotonic
    seconds: float
    ok: bool
    what: str  # "GET /api/game/today 200", "POST /api/game/guess ReadTimeout"...
    write: bool = False


class _TimedTransport(httpx2.HTTPTransport):
    """Times every request of a player and keeps the samples. A request that got no
    response at all (its kept-alive connection closed as it left, as when a replica is
    SIGKILLed) is sent once more, as browsers do; every request here is idempotent."""

    def __init__(self, sink: Callable[[Sample], None]) -> None:
        super().__init__()
        self._sink = sink

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        sent = time.monotonic()
        write = request.method == "POST"
        label = f"{request.method} {request.url.path}"
        for attempt in (1, 2):
            try:
                response = super().handle_request(request)
                break
            except httpx2.RemoteProtocolError as exc:
                if attempt == 2:
                    self._sink(Sample(sent, time.monotonic() - sent, False, f"{label} {type(exc).__name__}", write))
                    raise
            except httpx2.HTTPError as exc:
                self._sink(Sample(sent, time.monotonic() - sent, False, f"{label} {type(exc).__name__}", write))
                raise
        response.read()
        ok = response.status_code < 400
        self._sink(Sample(sent, time.monotonic() - sent, ok, f"{label} {response.status_code}", write))
        return response


@dataclass
class Ledger:
    """What the platform told players it had kept, with when it said so."""

    accounts: dict[str, float] = field(default_factory=dict)  # username -> acknowledged at
    tries: dict[tuple[str, int], tuple[str, float]] = field(default_factory=dict)  # (user, n) -> word, at
    finished: dict[str, float] = field(default_factory=dict)  # username -> at (its result must be recorded)
    lock: threading.Lock = field(default_factory=threading.Lock)


class PlayerError(Exception):
    """A step of a player's flow answered something a behaving player never gets."""


class MixedLoad:
    """`players` threads, each: sign up and log in, play today's game to its end
    (a win or a loss), read statistics and leaderboards; again with a new account."""

    def __init__(self, base_url: str, players: int = 6, max_seconds: float = 600, max_requests: int = 20_000) -> None:
        self.base_url = base_url
        self.samples: list[Sample] = []
        self.ledger = Ledger()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._deadline = time.monotonic() + max_seconds
        self._budget = max_requests
        self.puzzle = daily.today(datetime.now(UTC))
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(players)]

    def _sink(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)

    def _running(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._deadline and len(self.samples) < self._budget

    def _run(self, seed: int) -> None:
        rng = random.Random(seed)
        while self._running():
            transport = _TimedTransport(self._sink)
            with httpx2.Client(base_url=self.base_url, timeout=15, transport=transport) as client:
                try:
                    self._one_player(client, rng)
                except (PlayerError, httpx2.HTTPError):
                    time.sleep(0.2)  # a failed step is counted; this player starts over

    def _one_player(self, client: httpx2.Client, rng: random.Random) -> None:
        username = new_username()
        self._sign_up(client, username)
        with self.ledger.lock:
            self.ledger.accounts[username] = time.monotonic()
        won_in = rng.choice([None, 3, 4, 5, 6])
        tries = won_in or 6
        words = [*wrong_words(self.puzzle, 6)]
        words = words[: tries - 1] + ([self.puzzle.answer] if won_in else [words[5]])
        for number, word in enumerate(words, start=1):
            if not self._running():
                return
            self._guess(client, username, number, word)
            if number % 2 == 0:
                self._expect(client.get("/api/game/today"))
        with self.ledger.lock:
            self.ledger.finished[username] = time.monotonic()
        self._expect(client.get("/api/game/stats"))
        self._expect(client.get("/api/game/leaderboards"))

    def _guess(self, client: httpx2.Client, username: str, number: int, word: str) -> None:
        # A player whose try failed presses Enter again: the same attempt number, so
        # it is never counted twice. Each failure is still counted in the table.
        for _ in range(5):
            resp = client.post("/api/game/guess", json={"attempt": number, "word": word})
            if resp.status_code == 200:
                with self.ledger.lock:
                    self.ledger.tries[(username, number)] = (word, time.monotonic())
                return
            time.sleep(0.5)
        raise PlayerError(f"try {number} refused: {resp.status_code} {resp.text[:120]}")

    def _sign_up(self, client: httpx2.Client, username: str) -> None:
        start = self._expect(client.get("/login", params={"signup": "true"}), redirect=True)
        register = urlsplit(start.headers["location"])
        page = self._expect(client.get(f"{register.path}?{register.query}"))
        token = page.text.split(f'name="{_CSRF}" value="', 1)[1].split('"', 1)[0]
        next_url = parse_qs(register.query)["next"][0]
        form = {"username": username, "password": PASSWORD, "password_confirm": PASSWORD, _CSRF: token}
        resp = self._expect(client.post("/auth/register", data={**form, "next": next_url}), redirect=True)
        for _ in range(6):
            if resp.status_code not in (302, 303):
                break
            parts = urlsplit(resp.headers["location"])
            resp = self._expect(client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path), redirect=True)
        if "player-name" not in resp.text:
            raise PlayerError(f"sign-up did not end on the game page: {resp.status_code}")

    @staticmethod
    def _expect(resp: httpx2.Response, redirect: bool = False) -> httpx2.Response:
        if resp.status_code >= 400 or (not redirect and resp.status_code != 200):
            raise PlayerError(f"{resp.request.method} {resp.request.url.path}: {resp.status_code}")
        return resp

    def __enter__(self) -> MixedLoad:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def __exit__(self, *exc) -> None:
        self.stop()

    def between(self, start: float, end: float) -> list[Sample]:
        with self._lock:
            return [s for s in self.samples if start <= s.sent <= end]


# --- reading acknowledged writes back ------------------------------------------------


def lost_writes(stack: Stack, ledger: Ledger, since: float, until: float, puzzle: int, wait: float = 20.0) -> list[str]:
    """Acknowledged writes of [since, until] that the stores do not hold: accounts in
    redis-auth, tries in redis-game, and the results of finished games in redis-score
    (delivered by the outbox, so given `wait` seconds to arrive)."""
    with ledger.lock:
        accounts = [u for u, at in ledger.accounts.items() if since <= at <= until]
        tries = {k: w for k, (w, at) in ledger.tries.items() if since <= at <= until}
        finished = [u for u, at in ledger.finished.items() if since <= at <= until]
    auth = stores.client(stack.topology, "redis-auth")
    game = stores.client(stack.topology, "redis-game")
    score = stores.client(stack.topology, "redis-score")
    try:
        ids = {u: auth.get(auth_keys.username(canonical(u))) for u in {*accounts, *finished, *(u for u, _ in tries)}}
        lost = [f"account {u}" for u in accounts if not ids.get(u)]
        games: dict[str, list[str]] = {}
        for (user, number), word in sorted(tries.items()):
            subject = ids.get(user)
            if subject not in games:
                raw = game.get(game_keys.game(subject, puzzle)) if subject else None
                games[subject] = [a["word"] for a in (json.loads(raw).get("attempts") or [])] if raw else []
            played = games[subject]
            if len(played) < number or played[number - 1] != word:
                lost.append(f"try {number} of {user}")
        deadline = time.monotonic() + wait
        missing = [u for u in finished if ids.get(u)]
        while missing and time.monotonic() < deadline:
            missing = [u for u in missing if not score.hexists(score_keys.results(ids[u]), str(puzzle))]
            if missing:
                time.sleep(0.5)
        lost += [f"result of {u}" for u in missing]
        return lost
    finally:
        for client in (auth, game, score):
            client.close()


# --- faults ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    label: str
    inject: Callable[[Stack], str | None]  # returns the process to bring back, if any
    hold: float = 4.0  # seconds it stays down


def _kill(name: str) -> Callable[[Stack], str]:
    def inject(stack: Stack) -> str:
        stack.kill([name])
        return name

    return inject


def _stop(name: str) -> Callable[[Stack], str]:
    def inject(stack: Stack) -> str:
        stack.stop([name])
        return name

    return inject


def _kill_node(store: str, which: Callable[..., str | None]) -> Callable[[Stack], str]:
    def inject(stack: Stack) -> str:
        node = which(stack.topology, store)
        if node is None:
            raise RuntimeError(f"{store}: the Sentinels name no primary")
        stack.kill([node])
        return node

    return inject


def _switch_over(store: str) -> Callable[[Stack], str | None]:
    def inject(stack: Stack) -> None:
        # Planned: the old primary stays up and is demoted; its clients meet READONLY.
        stack.failover([store])

    return inject


def _reload(stack: Stack) -> str | None:
    stack.reload(["haproxy"])
    return None


# The same load with nothing broken, for comparison.
BASELINE = Fault("none (baseline)", lambda stack: None, hold=0)
MIN_WINDOW_SECONDS = 4.0


def every_fault() -> list[Fault]:
    faults = [BASELINE]
    for replica in ("motus-1", "score-1", "auth-1"):
        faults.append(Fault(f"{replica} SIGKILL", _kill(replica)))
        faults.append(Fault(f"{replica} graceful stop", _stop(replica)))
    for store in ("redis-game", "redis-score", "redis-auth"):
        faults.append(Fault(f"{store} primary SIGKILL", _kill_node(store, stores.primary)))
    for store in ("redis-game", "redis-score", "redis-auth"):
        faults.append(Fault(f"{store} replica SIGKILL", _kill_node(store, stores.replica)))
    faults.append(Fault("sentinel-1 SIGKILL", _kill("sentinel-1")))
    for store in ("redis-game", "redis-score", "redis-auth"):
        faults.append(Fault(f"{store} switchover", _switch_over(store), hold=0))
    faults.append(Fault("haproxy reload", _reload, hold=0))
    return faults


def one_of_each_kind() -> list[Fault]:
    return [
        BASELINE,
        Fault("motus-1 SIGKILL", _kill("motus-1")),
        Fault("redis-game primary SIGKILL", _kill_node("redis-game", stores.primary)),
        Fault("redis-score replica SIGKILL", _kill_node("redis-score", stores.replica)),
        Fault("sentinel-2 SIGKILL", _kill("sentinel-2")),
        Fault("redis-auth switchover", _switch_over("redis-auth"), hold=0),
        Fault("haproxy reload", _reload, hold=0),
    ]


@dataclass(frozen=True)
class Row:
    fault: str
    requests: int
    failed: int
    p99_ms: float
    max_ms: float
    write_max_s: float | None  # the longest an acknowledged write waited: how soon writes resumed
    recovered_s: float | None  # from the fault until the stack is whole again (None: it was not)
    lost: list[str]
    failures: list[str]


def run_fault(stack: Stack, load: MixedLoad, fault: Fault, recovery_timeout: float = 60.0) -> Row:
    time.sleep(1.0)  # some load before
    start = time.monotonic()
    victim = fault.inject(stack)
    if victim:
        time.sleep(fault.hold)
        stack.start([victim])
    recovered = None
    deadline = time.monotonic() + recovery_timeout
    while time.monotonic() < deadline:
        try:
            stack.wait_ready(timeout=1)
            recovered = time.monotonic() - start
            break
        except StackError:  # not whole yet
            continue
    # At least a few seconds of load in every window (a reload is over in milliseconds).
    time.sleep(max(0.0, start + MIN_WINDOW_SECONDS - time.monotonic()))
    end = time.monotonic()
    time.sleep(1.0)  # and some after, so the slowest requests of the window have ended
    window = load.between(start, end)
    latencies = sorted(s.seconds for s in window)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0.0
    writes = [s.seconds for s in window if s.write and s.ok]
    failed = [s for s in window if not s.ok]
    lost = lost_writes(stack, load.ledger, start, end, load.puzzle.number)
    return Row(
        fault.label,
        len(window),
        len(failed),
        p99,
        latencies[-1] * 1000 if latencies else 0.0,
        max(writes) if writes else None,
        recovered,
        lost,
        [s.what for s in failed][:10],
    )


def table(rows: list[Row]) -> str:
    head = (
        f"{'fault':<30} {'requests':>8} {'failed':>6} {'p99 ms':>7} {'max ms':>7} "
        f"{'write max s':>11} {'recovered s':>11} {'lost':>4}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        write_max = f"{r.write_max_s:.2f}" if r.write_max_s is not None else "-"
        recovered = f"{r.recovered_s:.1f}" if r.recovered_s is not None else "NOT"
        lines.append(
            f"{r.fault:<30} {r.requests:>8} {r.failed:>6} {r.p99_ms:>7.0f} {r.max_ms:>7.0f} "
            f"{write_max:>11} {recovered:>11} {len(r.lost):>4}"
        )
    return "\n".join(lines)
