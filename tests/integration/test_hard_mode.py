"""Hard mode, enforced by the server, through HAProxy on both replicas."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from motus.game import daily
from tests.support.players import Player, hints_dropping_word
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

REPLICAS = ("motus-1", "motus-2")


def _hard(player: Player, hard, **extra):
    return player.client.post("/api/game/hard", json={"hard": hard, **extra})


@pytest.mark.parametrize("replica", REPLICAS)
def test_hard_mode_refuses_a_guess_that_drops_a_placed_letter_at_no_cost(player, puzzle, replica):
    player.client.cookies.set("MOTUS_GAME", replica)
    first, dropping, position = hints_dropping_word(puzzle)
    chosen = _hard(player, True)
    assert chosen.status_code == 200 and chosen.json()["hard"] is True, chosen.text
    assert "motus_hard=1" in chosen.headers["set-cookie"] and "HttpOnly" in chosen.headers["set-cookie"]
    assert player.today().json()["hard"] is True
    assert player.guess(1, first).json()["hard"] is True
    # Chosen before the first try only.
    started = _hard(player, False)
    assert started.status_code == 409 and started.json()["code"] == "game_started"
    # The other replica enforces it just the same.
    player.client.cookies.set("MOTUS_GAME", REPLICAS[1 - REPLICAS.index(replica)])
    refused = player.guess(2, dropping)
    assert refused.status_code == 422 and refused.json()["code"] == "hard_mode", refused.text
    letter = first[position].upper()
    message = refused.json()["message"]
    assert f"la lettre {letter}" in message and f"{position + 1}e position" in message
    assert player.today().json()["tries_left"] == 5  # no try spent
    won = player.guess(2, puzzle.answer).json()
    assert won["status"] == "won" and won["share"].startswith(f"MOTUS #{puzzle.number} 2/6*\n")


def test_a_hard_win_is_marked_on_the_daily_board(player, puzzle):
    assert _hard(player, True).status_code == 200
    assert player.guess(1, puzzle.answer).json()["hard"] is True
    me = wait_until(
        lambda: player.client.get("/api/game/leaderboards").json()["daily"]["me"],
        timeout=20,
        what="the hard win on the board",
    )
    assert me["hard"] is True and me["attempts"] == 1


def test_the_choice_is_a_setting_for_the_next_games_and_the_archive_takes_it(player, puzzle):
    past = daily.published(puzzle.number - 1, datetime.now(UTC))
    resp = _hard(player, True, puzzle=past.number)
    assert resp.status_code == 200 and (resp.json()["puzzle"], resp.json()["hard"]) == (past.number, True)
    # Remembered: today's game, not started, starts hard too.
    assert player.today().json()["hard"] is True
    resp = _hard(player, False)
    assert resp.status_code == 200 and resp.json()["hard"] is False
    assert player.client.get(f"/api/game/puzzles/{past.number}").json()["hard"] is False


def test_an_ordinary_game_stays_ordinary(player, puzzle):
    first, dropping, _ = hints_dropping_word(puzzle)
    assert player.guess(1, first).json()["hard"] is False
    assert player.guess(2, dropping).status_code == 200  # dropping hints is allowed outside hard mode
    assert _hard(player, True).status_code == 409


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"hard": "yes"}, 422, "invalid_request"),
        ({}, 422, "invalid_request"),
        ({"hard": True, "puzzle": 0}, 404, "no_puzzle"),
        ({"hard": True, "puzzle": 10**6}, 404, "no_puzzle"),
        ({"hard": True, "puzzle": "3"}, 422, "invalid_request"),
    ],
)
def test_a_bad_hard_mode_request_is_a_clear_error(player, body, status, code):
    resp = player.client.post("/api/game/hard", json=body)
    assert resp.status_code == status and resp.json()["code"] == code, resp.text
    assert "motus_hard" not in resp.headers.get("set-cookie", "")


def test_hard_mode_wants_json(player):
    resp = player.client.post("/api/game/hard", content=b'{"hard": true}', headers={"content-type": "text/plain"})
    assert resp.status_code == 415


def test_a_guest_plays_hard_without_a_store_key_before_its_first_try(healthy_stack, puzzle):
    first, dropping, _ = hints_dropping_word(puzzle)
    with Player(healthy_stack.topology.public_url, logged_in=False) as guest:
        assert _hard(guest, True).status_code == 200
        assert "motus_guest" not in guest.client.cookies  # a setting, not a guest
        assert guest.guess(1, first).json()["hard"] is True
        assert guest.guess(2, dropping).json()["code"] == "hard_mode"
