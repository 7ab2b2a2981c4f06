"""The player behind a browser: one id (the account's subject), read from sessions old and new."""

from __future__ import annotations

import pytest

from motus import keys
from motus.oidc import Tokens
from motus.player import Player, SessionRecord
from motus_kit.errors import ApiError

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
    assert not visitor.logged_in and visitor.subject == "" and visitor.access_token is None
    with pytest.raises(ApiError) as raised:
        visitor.require()
    assert raised.value.status == 401 and raised.value.code == "login_required"
    player = Player("sid", SessionRecord.new("abc", "Alice", TOKENS, "login-1"))
    assert player.require() == "abc" and player.name == "Alice" and player.id_token == "id-token"
