"""The relay's decisions, with an in-memory outbox and score client (a pure unit test:
the real Redis stream and HTTP path are exercised in tests/integration/test_score_delivery.py)."""

from __future__ import annotations

import random
from dataclasses import asdict

from prometheus_client import CollectorRegistry

from motus.outbox import Entry, FinishedGame
from motus.relay import Backoff, Relay, RelayMetrics
from motus.score_client import Delivery, Outcome
from tests.support.aio import run as run_sync


class MemoryOutbox:
    def __init__(self, entries: list[Entry]) -> None:
        self.new = list(entries)
        self.mine: list[Entry] = []
        self.stale: list[Entry] = []
        self.done_ids: list[str] = []
        self.refused: list[tuple[str, str]] = []

    async def own_pending(self, count):
        return self.mine[:count]

    async def claim_stale(self, idle_seconds, count):
        taken, self.stale = self.stale[:count], self.stale[count:]
        self.mine += taken
        return taken

    async def read_new(self, count, block_seconds):
        taken, self.new = self.new[:count], self.new[count:]
        self.mine += taken
        return taken

    async def done(self, entry):
        self.mine.remove(entry)
        self.done_ids.append(entry.id)

    async def refuse(self, entry, reason):
        self.mine.remove(entry)
        self.refused.append((entry.id, reason))

    async def backlog(self):
        return len(self.new) + len(self.mine) + len(self.stale), 0.0


class ScriptedScore:
    def __init__(self, answers: dict[str, list[Delivery]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    async def record(self, game):
        self.calls.append(game.player)
        script = self.answers[game.player]
        return Outcome(script.pop(0) if len(script) > 1 else script[0])


def _entry(n: int, player: str) -> Entry:
    finished = FinishedGame(player, player.upper(), 25, True, 3, 42, 1_700_000_000_000 + n)
    return Entry(
        f"{finished.finished_at_ms}-0", {k: str(v) for k, v in asdict(finished).items()} | {"won": "1", "hard": "0"}
    )


def _relay(outbox, score) -> Relay:
    return Relay(outbox, score, RelayMetrics(CollectorRegistry()), claim_idle_seconds=30, backoff_cap=10)


def test_delivered_and_replayed_entries_are_acknowledged_in_order():
    outbox = MemoryOutbox([_entry(1, "a"), _entry(2, "b")])
    score = ScriptedScore({"a": [Delivery.CREATED], "b": [Delivery.REPLAY]})
    assert run_sync(_relay(outbox, score).step()) is True
    assert outbox.done_ids == [_entry(1, "a").id, _entry(2, "b").id] and not outbox.mine


def test_an_unavailable_score_service_keeps_the_entry_and_stops_the_batch():
    outbox = MemoryOutbox([_entry(1, "a"), _entry(2, "b")])
    score = ScriptedScore({"a": [Delivery.RETRY, Delivery.CREATED], "b": [Delivery.CREATED]})
    relay = _relay(outbox, score)
    assert run_sync(relay.step()) is False
    assert outbox.done_ids == [] and [e.id for e in outbox.mine] == [_entry(1, "a").id, _entry(2, "b").id]
    assert score.calls == ["a"]  # b is not tried while the service is down
    # Next step: its own pending entries first, and now they go through.
    assert run_sync(relay.step()) is True
    assert outbox.done_ids == [_entry(1, "a").id, _entry(2, "b").id]


def test_a_refused_result_is_set_aside_and_the_rest_still_delivered():
    outbox = MemoryOutbox([_entry(1, "a"), _entry(2, "b")])
    score = ScriptedScore({"a": [Delivery.REFUSED], "b": [Delivery.CREATED]})
    assert run_sync(_relay(outbox, score).step()) is True
    assert [i for i, _ in outbox.refused] == [_entry(1, "a").id] and outbox.done_ids == [_entry(2, "b").id]


def test_a_dead_replicas_entries_are_claimed_before_new_ones():
    outbox = MemoryOutbox([_entry(2, "new")])
    outbox.stale = [_entry(1, "orphan")]
    score = ScriptedScore({"orphan": [Delivery.CREATED], "new": [Delivery.CREATED]})
    relay = _relay(outbox, score)
    run_sync(relay.step())
    run_sync(relay.step())
    assert score.calls == ["orphan", "new"]


def test_a_malformed_entry_is_set_aside_without_a_request():
    broken = Entry("1-0", {**_entry(1, "a").fields, "puzzle": "x"})
    outbox = MemoryOutbox([broken, _entry(2, "b")])
    score = ScriptedScore({"b": [Delivery.CREATED]})
    assert run_sync(_relay(outbox, score).step()) is True
    [(entry_id, reason)] = outbox.refused
    assert entry_id == "1-0" and reason.startswith("malformed outbox entry")
    assert score.calls == ["b"] and outbox.done_ids == [_entry(2, "b").id]


def test_an_entry_deleted_meanwhile_is_only_acknowledged():
    outbox = MemoryOutbox([Entry("1-0", {})])
    score = ScriptedScore({})
    assert run_sync(_relay(outbox, score).step()) is True
    assert outbox.done_ids == ["1-0"] and score.calls == []


def test_backoff_grows_is_capped_and_resets():
    random.seed(5)  # jitter is random: fixed here so the test says the same thing every run
    backoff = Backoff(first=0.2, cap=5)
    delays = [backoff.next_delay() for _ in range(12)]
    assert all(0 <= d <= 5 for d in delays)
    assert max(delays[6:]) > 0.8  # later waits can be long (full jitter: check the ceiling grew)
    backoff.reset()
    assert backoff.next_delay() <= 0.2


def test_retries_of_a_live_relay_stay_below_the_takeover_delay():
    relay = Relay(MemoryOutbox([]), ScriptedScore({}), RelayMetrics(CollectorRegistry()), 3, backoff_cap=10)
    assert relay.backoff.cap <= 1


def test_an_entry_the_score_service_fails_on_waits_alone_and_holds_nothing_back():
    now = [0.0]
    outbox = MemoryOutbox([_entry(1, "bad"), _entry(2, "good")])
    score = ScriptedScore({"bad": [Delivery.FAILED, Delivery.FAILED, Delivery.CREATED], "good": [Delivery.CREATED]})
    relay = Relay(outbox, score, RelayMetrics(CollectorRegistry()), 30, backoff_cap=10, clock=lambda: now[0])
    assert run_sync(relay.step()) is True
    assert outbox.done_ids == [_entry(2, "good").id]  # the good one went through
    outbox.new.append(_entry(3, "later"))
    score.answers["later"] = [Delivery.CREATED]
    assert run_sync(relay.step()) is True  # "bad" is not due yet; new entries still flow
    assert score.calls == ["bad", "good", "later"]
    now[0] = 1.5  # its first wait (1 s) is over: tried again, fails again, waits 2 s
    run_sync(relay.step())
    now[0] = 2.5
    run_sync(relay.step())
    assert score.calls.count("bad") == 2
    now[0] = 4.0
    run_sync(relay.step())
    assert score.calls.count("bad") == 3 and outbox.done_ids[-1] == _entry(1, "bad").id and not outbox.mine
