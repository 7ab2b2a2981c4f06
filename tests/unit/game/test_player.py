"""The player behind a browser: one id (the account's subject), read from sessions old and new."""

from __future__ import annotations

import asyncio
import time

import pytest

from motus import keys
from motus.oidc import LoginFailed, ProviderUnavailable, Tokens
from motus.player import Player, SessionRecord
from motus_kit.errors import ApiError
from tests.support.aio import run

TOKENS = Tokens("access", "refresh", "id-token", 1_800_000_000)


def test_a_session_round_trips_through_its_redis_hash():
    record = SessionRecord.new("abc", "Alice", TOKENS, "login-1")
    assert all(isinstance(value, str) for value in record.to_hash().values())
    assert SessionRecord.from_hash(record.to_hash()) == record


def test_a_session_written_before_the_subject_field_still_reads():
    old = {"player": "u:abc", "user_id": "abc", "name": "Alice", "access_token": "a", "expires_at": "5"}
    assert SessionRecord.from_hash(old).subject == "abc"
    assert SessionRecord.from_hash({"player": "u:abc"}).subject == "abc"
    assert SessionRecord.from_hash({}) is None


def test_the_subject_keys_the_game_as_games_under_way_were_keyed():
    # Games stored before the refactor used "u:" + subject; they must still be found.
    assert keys.game("abc", 30) == "game:v1:game:u:abc:30"


def test_a_visitor_is_asked_to_log_in_and_a_player_is_their_subject():
    visitor = Player(None, None)
    assert not visitor.logged_in and visitor.subject == ""
    assert run(visitor.access_token()) is None
    with pytest.raises(ApiError) as raised:
        visitor.require()
    assert raised.value.status == 401 and raised.value.code == "login_required"
    player = Player("sid", SessionRecord.new("abc", "Alice", TOKENS, "login-1"))
    assert player.require() == "abc" and player.name == "Alice" and player.id_token == "id-token"


class MemorySessions:
    """The SessionStore's refresh-related commands, in memory (a pure unit test; the
    real store is exercised by the integration tests)."""

    def __init__(self, record: SessionRecord) -> None:
        self.data = {"sid": record.to_hash()}
        self.locked = False

    async def get(self, sid):
        return dict(self.data[sid]) if sid in self.data else None

    async def update(self, sid, fields):
        self.data[sid].update(fields)

    async def delete(self, sid):
        self.data.pop(sid, None)

    async def lock_refresh(self, sid):
        if self.locked:
            return False
        self.locked = True
        return True

    async def unlock_refresh(self, sid):
        self.locked = False

    async def refresh_locked(self, sid):
        return self.locked


class SlowProvider:
    def __init__(self, fail: Exception | None = None) -> None:
        self.calls, self.fail = 0, fail

    async def refresh(self, refresh_token):
        self.calls += 1
        await asyncio.sleep(0.2)
        if self.fail:
            raise self.fail
        return Tokens(f"new-access-{self.calls}", f"new-refresh-{self.calls}", "", int(time.time()) + 600)


def _due(sessions, provider) -> Player:
    record = SessionRecord.from_hash(sessions.data["sid"])
    return Player("sid", record, sessions, provider)


def test_a_due_token_is_refreshed_once_for_two_requests_at_the_same_time():
    due = SessionRecord.new("abc", "Alice", Tokens("old", "refresh-1", "id", int(time.time()) + 10), "l")
    sessions, provider = MemorySessions(due), SlowProvider()

    async def two_requests():
        return await asyncio.gather(_due(sessions, provider).access_token(), _due(sessions, provider).access_token())

    assert run(two_requests()) == ["new-access-1", "new-access-1"]
    assert provider.calls == 1  # the second waited for the first's result
    assert sessions.data["sid"]["refresh_token"] == "new-refresh-1"


def test_a_refused_refresh_ends_the_login_and_a_busy_provider_does_not():
    due = SessionRecord.new("abc", "Alice", Tokens("old", "refresh-1", "id", int(time.time()) + 10), "l")
    sessions = MemorySessions(due)
    assert run(_due(sessions, SlowProvider(ProviderUnavailable("down"))).access_token()) == "old"
    assert "sid" in sessions.data and not sessions.locked
    assert run(_due(sessions, SlowProvider(LoginFailed("revoked"))).access_token()) is None
    assert "sid" not in sessions.data


def test_a_token_far_from_expiry_is_used_as_it_is():
    fresh = SessionRecord.new("abc", "Alice", Tokens("fine", "r", "id", int(time.time()) + 600), "l")
    provider = SlowProvider()
    assert run(Player("sid", fresh, MemorySessions(fresh), provider).access_token()) == "fine"
    assert provider.calls == 0
