"""The game's statistics view: `pending` while today's result travels through the outbox
(in-memory stand-ins for the store and the score client: a pure unit test)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from motus import player, scores
from motus.game import daily
from motus.game.rules import Status
from motus.oidc import Tokens
from motus.score_client import ScoreRefused, ScoreUnavailable
from motus.store import GameState
from motus_kit.errors import ApiError
from tests.support.aio import run as run_sync

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
TODAY = daily.today(NOW).number


class Games:
    def __init__(self, status: Status) -> None:
        self.status = status

    async def load(self, player, puzzle):
        return GameState((), self.status)

    async def archive_counts(self, subject):
        return {"played": 2, "won": 1}


class Score:
    def __init__(self, answer) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str]] = []

    async def stats(self, subject, token):
        self.asked.append((subject, token))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def Player() -> player.Player:
    tokens = Tokens("player-token", "refresh", "id", 4_000_000_000)  # far from expiring: no refresh
    return player.Player("sid", player.SessionRecord.new("abc", "Alice", tokens, "login-1"))


@pytest.mark.parametrize(
    ("status", "last_puzzle", "pending"),
    [
        (Status.WON, TODAY - 1, True),  # finished, not recorded yet
        (Status.LOST, None, True),
        (Status.WON, TODAY, False),  # recorded
        (Status.PLAYING, TODAY - 1, False),  # nothing to wait for
    ],
)
def test_pending_while_todays_result_is_on_its_way(status, last_puzzle, pending):
    score = Score({"played": 1, "last_puzzle": last_puzzle})
    view = run_sync(scores.stats(Games(status), score, Player(), NOW))
    assert view["pending"] is pending
    assert view["archive"] == {"played": 2, "won": 1}  # past puzzles played late, counted apart
    assert score.asked == [("abc", "player-token")]  # the account's id, with the player's own token


@pytest.mark.parametrize(("error", "status"), [(ScoreRefused("403"), 401), (ScoreUnavailable("down"), 503)])
def test_score_failures_become_clear_errors(error, status):
    with pytest.raises(ApiError) as raised:
        run_sync(scores.stats(Games(Status.WON), Score(error), Player(), NOW))
    assert raised.value.status == status and raised.value.message


def test_a_guest_is_invited_to_log_in_for_statistics():
    with pytest.raises(ApiError) as raised:
        run_sync(scores.stats(Games(Status.WON), Score({}), player.Player(None, None, guest_id="g" * 43), NOW))
    assert (raised.value.status, raised.value.code) == (401, "login_required")
    assert "connectez-vous" in raised.value.message.lower() and "série" in raised.value.message
