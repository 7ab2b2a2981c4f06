"""A store's primary stopped under load: the Sentinels promote its replica, no player
sees an error, writes resume within seconds, and the old primary comes back as a replica.

Runs after test_redundancy.py (file order), which restarts and kills whole stores:
whichever node is the primary by then is asked of a Sentinel, never assumed.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx2
import pytest

from motus_stack.topology import SENTINEL_NAMES, store_nodes
from tests.support.players import Player, todays_puzzle, wrong_words
from tests.support.traffic import ClientLoops
from tests.support.waiting import wait_until

# A cold first run builds the images inside the first test's setup (about two minutes here).
pytestmark = [pytest.mark.compose, pytest.mark.timeout(900)]

STORE = "redis-game"
# Logged-in players, each playing today's game to its end (six tries: five wrong
# words, then the answer), one try every PACE seconds, so that tries are being
# written before, during and after the failover. A sign-up counts twice against
# HAProxy's limit of 30 credential requests a minute per client address (GET /login
# and POST /auth/register): eight players stay well under it, with what the tests
# before this one used.
PLAYERS = 8
PACE = 1.2
BEFORE_STOP = 2.0
# What the issue asks: writes resume within 5 s of the primary going away, counted
# here from the moment `docker compose stop` is run (the command's own start-up and
# Redis's graceful shutdown included).
RESUME_WITHIN = 5.0
# Sentinel turns a returning old primary into a replica after its own checks (about
# 10 s measured); a bound, not a target.
REJOIN_WITHIN = 60.0


@dataclass(frozen=True)
class Write:
    sent: float
    done: float
    status: int | None
    detail: str


class Tries:
    """One thread per player, each sending its tries in order at its own pace; every
    try's timing and outcome kept. Bounded: six tries per player, and each thread
    gives up at its deadline."""

    def __init__(self, players: list[Player], words: list[str], max_seconds: float = 120) -> None:
        self.players = players
        self.words = words
        self.writes: list[Write] = []
        self._lock = threading.Lock()
        self._deadline = time.monotonic() + max_seconds
        self._threads = [
            threading.Thread(target=self._play, args=(player, i * PACE / len(players)), daemon=True)
            for i, player in enumerate(players)
        ]

    def _play(self, player: Player, offset: float) -> None:
        start = time.monotonic() + offset
        for attempt, word in enumerate(self.words, start=1):
            pause = start + (attempt - 1) * PACE - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            if time.monotonic() > self._deadline:
                return
            sent = time.monotonic()
            try:
                resp = player.guess(attempt, word)
                status, detail = resp.status_code, resp.text[:200]
            except httpx2.HTTPError as exc:
                status, detail = None, type(exc).__name__
            with self._lock:
                self.writes.append(Write(sent, time.monotonic(), status, detail))

    def __enter__(self) -> Tries:
        for thread in self._threads:
            thread.start()
        return self

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def __exit__(self, *exc) -> None:
        self.wait(timeout=30)


def _primary_everywhere(stack, not_this: str) -> str | bool:
    """The new primary once all three Sentinels name the same node, other than `not_this`."""
    named = {stack.primary(STORE, sentinel) for sentinel in SENTINEL_NAMES}
    return len(named) == 1 and not_this not in named and named.pop()


def _switched_at(stack, old: str, new: str, since: float) -> float:
    """When the first Sentinel announced the new primary (+switch-master in its log),
    as a Unix time: Docker stamps each line as it receives it, on this host's clock."""
    logs = stack.compose("logs", "--no-color", "--timestamps", "--since", str(int(since)), *SENTINEL_NAMES).stdout
    stamps = [
        datetime.fromisoformat(match.group(1)[:26]).replace(tzinfo=UTC).timestamp()
        for line in logs.splitlines()
        if f"+switch-master {STORE} {old} " in line and f" {new} " in line
        and (match := re.search(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)Z", line))
    ]  # fmt: skip
    assert stamps, f"no +switch-master to {new} in the Sentinels' logs"
    return min(stamps)


def _is_replica_of(stack, node: str, primary: str) -> bool:
    role = stack.role(node)
    return role[:2] == ["slave", primary] and role[3] == "connected"


def test_stopping_a_store_primary_under_load_fails_no_request_and_it_rejoins_as_a_replica(compose_stack):
    stack = compose_stack
    old = stack.primary(STORE)
    [replica] = [node for node in store_nodes(STORE) if node != old]
    # A replica in step with its primary, known to the Sentinels: what a failover needs.
    wait_until(lambda: _is_replica_of(stack, replica, old), timeout=60, interval=0.5, what=f"{replica} replicating")
    wait_until(lambda: stack.sentinel_replicas(STORE).get(replica) == "slave", timeout=60, interval=0.5,
               what=f"the Sentinels see {replica} as a healthy replica")  # fmt: skip

    puzzle = todays_puzzle()
    words = [*wrong_words(puzzle, 5), puzzle.answer]
    with ThreadPoolExecutor(5) as pool:
        players = list(pool.map(lambda _: Player(stack.public_url), range(PLAYERS)))
    try:
        with ClientLoops(stack.public_url, clients=4, max_seconds=150) as loops, Tries(players, words) as tries:
            time.sleep(BEFORE_STOP)
            issued, issued_at = time.monotonic(), time.time()
            stack.compose("stop", old)  # SIGTERM: Redis shuts down, the container exits
            stopped = time.monotonic()
            # Nothing polled meanwhile (each `docker compose` run costs a CPU for a
            # moment): the players' tries are the measurement.
            tries.wait(timeout=90)
            time.sleep(0.5)
        tally = loops.tally
        new = wait_until(lambda: _primary_everywhere(stack, old), timeout=30, interval=0.5,
                         what="the Sentinels agree on a new primary")  # fmt: skip
        promoted = _switched_at(stack, old, new, issued_at) - issued_at

        failed = [w for w in tries.writes if w.status != 200]
        # Whatever succeeded after the old primary's container had exited was written
        # on the new one: the first of those is when writes resumed.
        served_after = [w.done for w in tries.writes if w.status == 200 and w.done > stopped]
        resumed = min(served_after) - issued if served_after else float("inf")
        waited = sum(1 for w in tries.writes if w.status == 200 and w.done - w.sent > 1.0)
        print(
            f"\n[compose] {old} stopped under load: `compose stop` returned after {stopped - issued:.2f} s; "
            f"a Sentinel switched to {new} after {promoted:.2f} s; writes resumed {resumed:.2f} s after "
            f"the stop was issued ({resumed - (stopped - issued):.2f} s after the container had exited); "
            f"tries: {len(tries.writes) - len(failed)} ok, {len(failed)} failed ({waited} waited over 1 s for the "
            f"new primary); other requests: {tally.ok} ok, {tally.failed} failed"
        )
        assert new == replica
        assert len(tries.writes) == PLAYERS * len(words), "every try was sent"
        assert not failed, failed[:5]
        assert tally.failed == 0, tally.failures
        assert tally.ok > 100
        assert resumed <= RESUME_WITHIN, f"writes resumed {resumed:.2f} s after the stop"
        # Tries were really written across the failover, before and after it.
        assert any(w.done < issued for w in tries.writes)
        assert sum(1 for w in tries.writes if w.sent > issued + promoted) >= PLAYERS

        # Nothing acknowledged was lost: every game is on the new primary, won in six,
        # and its result crosses the outbox (written with it) to the score service.
        for player in players:
            today = player.today().json()
            assert today["status"] == "won" and len(today["attempts"]) == 6, today
        for player in players:
            wait_until(lambda p=player: p.client.get("/api/game/stats").json().get("played") == 1, timeout=60,
                       interval=1, what=f"{player.name}'s result at the score service")  # fmt: skip
    finally:
        for player in players:
            player.close()

    # The old primary comes back with its own configuration, which still says primary;
    # the Sentinels turn it into a replica of the new one.
    restarted = time.monotonic()
    stack.compose("start", old)
    wait_until(lambda: _is_replica_of(stack, old, new), timeout=REJOIN_WITHIN, interval=0.5,
               what=f"{old} a replica of {new}")  # fmt: skip
    rejoined = time.monotonic() - restarted
    wait_until(lambda: all(stack.sentinel_replicas(STORE, s).get(old) == "slave" for s in SENTINEL_NAMES),
               timeout=REJOIN_WITHIN, interval=0.5, what=f"every Sentinel lists {old} among the replicas")  # fmt: skip
    listed = time.monotonic() - restarted
    print(f"[compose] {old} started again: a replica of {new} after {rejoined:.1f} s, listed by the Sentinels "
          f"after {listed:.1f} s")  # fmt: skip
    assert stack.role(new)[0] == "master" and old in stack.role(new)
