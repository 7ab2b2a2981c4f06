"""Finished games reach the score service exactly once in effect: through the outbox
and the relays, with the score tier down, a game replica killed while it holds
undelivered results, or redis-score killed after it acknowledged them."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest

import redis
from motus.keys import OUTBOX, OUTBOX_GROUP, OUTBOX_REFUSED
from motus.outbox import FinishedGame
from tests.support.players import Player, finish_game, todays_puzzle, wrong_words
from tests.support.tokens import bearer, game_service_token
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def stores(healthy_stack):
    game = redis.Redis.from_url(healthy_stack.topology.redis_url("redis-game"), decode_responses=True)
    score = redis.Redis.from_url(healthy_stack.topology.redis_url("redis-score"), decode_responses=True)
    # Start from an empty outbox: results of earlier tests are delivered first.
    wait_until(lambda: game.xlen(OUTBOX) == 0, timeout=30, what="an empty outbox")
    yield game, score
    game.close()
    score.close()


def _user_id(score: redis.Redis, name: str) -> str | None:
    return next((player for player, shown in score.hscan_iter("score:v1:names") if shown == name), None)


def _recorded(score: redis.Redis, players: list[Player]) -> dict[str, int]:
    """How many results the score service holds for each player (by name)."""
    found = {}
    for p in players:
        user = _user_id(score, p.name)
        found[p.name] = score.hlen(f"score:v1:results:{user}") if user else 0
    return found


def _played(score: redis.Redis) -> int:
    return int(score.hget(f"score:v1:puzzle:{todays_puzzle().number}", "played") or 0)


def _metric(stack, replica: str, name: str) -> float:
    port = stack.topology.ports.by_name[replica]
    text = httpx2.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    match = re.search(rf"^{name} ([0-9.e+]+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else -1.0


def test_results_wait_while_the_score_tier_is_down_and_arrive_exactly_once(healthy_stack, stores):
    stack, (game, score) = healthy_stack, stores
    played_before, refused_before = _played(score), game.xlen(OUTBOX_REFUSED)
    stack.stop(["score-1", "score-2"])
    players = [Player(stack.topology.public_url) for _ in range(4)]
    try:
        for player, won_in in zip(players, (1, 3, 6, None), strict=True):
            finish_game(player, won_in)
        # Every finished game waits in the outbox, written with its final state.
        # Read with the relay's own parser: what the guess script wrote is a FinishedGame.
        entries = [FinishedGame.from_fields(fields) for _, fields in game.xrange(OUTBOX)]
        assert sorted((e.name, e.won, e.attempts) for e in entries) == sorted(
            [
                (players[0].name, True, 1),
                (players[1].name, True, 3),
                (players[2].name, True, 6),
                (players[3].name, False, 6),
            ]
        )
        assert all(e.puzzle == todays_puzzle().number and e.seconds >= 0 for e in entries)
        assert all(abs(e.finished_at_ms / 1000 - time.time()) < 60 for e in entries)
        wait_until(lambda: _metric(stack, "motus-1", "motus_outbox_backlog") == 4, timeout=10, what="backlog metric")
        time.sleep(2)  # the relays keep retrying meanwhile; nothing may be lost or dropped
        assert game.xlen(OUTBOX) == 4

        started = time.monotonic()
        stack.start(["score-1", "score-2"])
        wait_until(lambda: set(_recorded(score, players).values()) == {1}, timeout=30, what="every result recorded")
        print(f"\nbacklog of 4 delivered {time.monotonic() - started:.2f} s after the score tier was started")
        wait_until(lambda: game.xlen(OUTBOX) == 0, timeout=10, what="outbox emptied")
        assert game.xpending(OUTBOX, OUTBOX_GROUP)["pending"] == 0
        assert _played(score) - played_before == 4  # once each, never twice
        assert game.xlen(OUTBOX_REFUSED) == refused_before
        # The player sees it: their statistics, read by the game on their behalf.
        stats = players[1].client.get("/api/game/stats").json()
        assert (stats["played"], stats["won"], stats["distribution"]["3"], stats["pending"]) == (1, 1, 1, False)
    finally:
        for p in players:
            p.close()


def test_a_game_replica_killed_while_holding_results_loses_none_and_counts_none_twice(healthy_stack, stores):
    stack, (game, score) = healthy_stack, stores
    played_before = _played(score)
    stack.stop(["score-1", "score-2"])
    players: list[Player] = []

    def holders() -> dict[str, int]:
        return {c["name"]: c["pending"] for c in game.xinfo_consumers(OUTBOX, OUTBOX_GROUP)}

    try:
        # Finish games until both relays have taken some and cannot deliver them (bounded).
        for _ in range(10):
            players.append(Player(stack.topology.public_url))
            finish_game(players[-1], won_in=2)
            time.sleep(0.3)
            if holders().get("motus-1", 0) and holders().get("motus-2", 0):
                break
        assert holders().get("motus-1", 0) >= 1, holders()
        stack.kill(["motus-1"])  # its results are taken, unacknowledged, in its pending list
        stack.start(["score-1", "score-2"])
        # motus-2 delivers its own, then claims the dead replica's once they are idle long enough.
        wait_until(lambda: set(_recorded(score, players).values()) == {1}, timeout=45, what="every result recorded")
        assert holders().get("motus-1", 0) == 0
        stack.start(["motus-1"])  # back: nothing of its old list is delivered twice
        stack.wait_ready(timeout=30)
        time.sleep(2)
        assert set(_recorded(score, players).values()) == {1}
        assert _played(score) - played_before == len(players)
        assert game.xlen(OUTBOX) == 0 and game.xpending(OUTBOX, OUTBOX_GROUP)["pending"] == 0
    finally:
        for p in players:
            p.close()


def test_acknowledged_results_survive_a_sigkill_of_redis_score(healthy_stack, stores):
    stack, (_, score) = healthy_stack, stores
    # As the game records: through the internal frontend.
    api = httpx2.Client(base_url=stack.topology.internal_url, timeout=10)
    token = game_service_token(stack)
    today = todays_puzzle().number
    acknowledged = []
    try:
        for i in range(30):
            player = f"durable{i}x{time.time_ns()}"
            body = {"name": f"d{i}", "won": True, "attempts": 1 + i % 6, "seconds": i}
            resp = api.put(f"/api/score/results/{player}/{today}", json=body, headers=bearer(token))
            assert resp.status_code == 201, resp.text
            acknowledged.append(player)
        # And one through the whole path: a game, the outbox, the relay's confirmation.
        with Player(stack.topology.public_url) as player:
            finish_game(player, won_in=4)
            wait_until(lambda: _recorded(score, [player])[player.name] == 1, timeout=20, what="delivery")
            stack.kill(["redis-score"])  # right after the last acknowledgement
            stack.start(["redis-score"])
            stack.wait_ready(timeout=30)
            after = redis.Redis.from_url(stack.topology.redis_url("redis-score"), decode_responses=True)
            try:
                assert all(after.hlen(f"score:v1:results:{p}") == 1 for p in acknowledged)
                assert _recorded(after, [player])[player.name] == 1
            finally:
                after.close()
            assert player.client.get("/api/game/stats").json()["distribution"]["4"] == 1
    finally:
        api.close()


def test_relays_recreate_their_group_when_redis_game_lost_everything(healthy_stack, stores):
    stack, (game, score) = healthy_stack, stores
    game.flushall()  # as if redis-game came back empty: the stream and its group are gone
    with Player(stack.topology.public_url) as player:
        finish_game(player, won_in=5)
        wait_until(lambda: _recorded(score, [player])[player.name] == 1, timeout=20, what="delivery after the loss")
    wait_until(lambda: game.xlen(OUTBOX) == 0, timeout=10, what="acknowledged")


def test_a_game_replica_killed_in_the_middle_of_live_deliveries(healthy_stack, stores):
    stack, (game, score) = healthy_stack, stores
    played_before = _played(score)
    players = [Player(stack.topology.public_url) for _ in range(10)]
    try:
        # Everyone one try short of the end, then the last tries in a burst with the
        # score tier up: the relays deliver while motus-1 dies under them.
        puzzle = todays_puzzle()
        for p in players:
            assert p.guess(1, wrong_words(puzzle, 1)[0]).status_code == 200
        with ThreadPoolExecutor(5) as pool:
            finals = [pool.submit(p.guess, 2, puzzle.answer) for p in players]
            time.sleep(0.05)
            stack.kill(["motus-1"])
            assert [f.result().status_code for f in finals] == [200] * len(players)
        wait_until(lambda: set(_recorded(score, players).values()) == {1}, timeout=45, what="every result recorded")
        stack.start(["motus-1"])
        stack.wait_ready(timeout=30)
        wait_until(lambda: game.xlen(OUTBOX) == 0, timeout=15, what="outbox emptied")
        assert _played(score) - played_before == len(players)
    finally:
        for p in players:
            p.close()
