"""The archive ("partie libre") through HAProxy on both replicas: every past puzzle
playable, counted apart from the daily statistics, and the month's calendar."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from motus.game import daily
from motus.game.words import allowed_words
from tests.support.players import Player, wrong_words

pytestmark = pytest.mark.integration

REPLICAS = ("motus-1", "motus-2")


def _past(puzzle: daily.Puzzle, days_ago: int) -> daily.Puzzle:
    return daily.published(puzzle.number - days_ago, datetime.now(UTC))


def _words(puzzle: daily.Puzzle, count: int) -> list[str]:
    return sorted(
        w for w in allowed_words().of_length(puzzle.length) if w[0] == puzzle.answer[0] and w != puzzle.answer
    )[:count]


@pytest.mark.parametrize("replica", REPLICAS)
def test_anything_but_a_published_puzzle_is_a_404_that_says_nothing_of_it(player, puzzle, replica):
    player.client.cookies.set("MOTUS_GAME", replica)
    for n in ("0", str(puzzle.number + 1), "99999", "abc", "-1", "1.5", "%20", "1e3"):
        for resp in (
            player.client.get(f"/api/game/puzzles/{n}"),
            player.client.post(f"/api/game/puzzles/{n}/guess", json={"attempt": 1, "word": "abcdef"}),
        ):
            assert resp.status_code == 404, (n, resp.text)
            assert resp.headers["x-motus-instance"] == replica
            assert resp.json() == {"code": "no_puzzle", "message": "Pas de mot pour cette date ou ce numéro."}


@pytest.mark.parametrize("replica", REPLICAS)
def test_today_s_number_is_today_s_game(player, puzzle, replica):
    player.client.cookies.set("MOTUS_GAME", replica)
    [wrong] = wrong_words(puzzle, 1)
    played = player.client.post(f"/api/game/puzzles/{puzzle.number}/guess", json={"attempt": 1, "word": wrong})
    assert played.status_code == 200 and played.headers["x-motus-instance"] == replica
    same = player.client.get(f"/api/game/puzzles/{puzzle.number}").json()
    today = player.today().json()
    assert {k: v for k, v in same.items() if k != "server_time"} == {
        k: v for k, v in today.items() if k != "server_time"
    }
    assert len(today["attempts"]) == 1


def test_a_past_puzzle_played_late_counts_apart_from_the_daily_statistics(player, puzzle):
    past = _past(puzzle, 2)
    w1 = _words(past, 1)[0]
    base = player.client.get("/api/game/stats").json()
    assert base["archive"] == {"played": 0, "won": 0}
    for n, (word, replica) in enumerate(((w1, "motus-1"), (past.answer, "motus-2")), start=1):
        player.client.cookies.set("MOTUS_GAME", replica)
        resp = player.client.post(f"/api/game/puzzles/{past.number}/guess", json={"attempt": n, "word": word})
        assert resp.status_code == 200, resp.text
    won = resp.json()
    assert (won["puzzle"], won["status"], won["date"]) == (past.number, "won", past.day.isoformat())
    assert won["share"].endswith(f"/partie/{past.number}")
    stats = player.client.get("/api/game/stats").json()
    assert stats["archive"] == {"played": 1, "won": 1}
    # No played, no streak, no daily board for a puzzle played late.
    assert (stats["played"], stats["current_streak"], stats["last_puzzle"]) == (0, 0, None)
    board = player.client.get("/api/score/leaderboards/daily", params={"puzzle": past.number, "limit": 100}).json()
    assert player.name not in [row["name"] for row in board["top"]]
    # Today's game is untouched.
    assert player.today().json()["attempts"] == []


def test_a_finished_past_game_stays_finished(player, puzzle):
    past = _past(puzzle, 1)
    url = f"/api/game/puzzles/{past.number}/guess"
    assert player.client.post(url, json={"attempt": 1, "word": past.answer}).json()["status"] == "won"
    again = player.client.post(url, json={"attempt": 2, "word": _words(past, 1)[0]})
    assert again.status_code == 409 and again.json()["code"] == "game_over"
    mismatch = player.client.post(url, json={"attempt": 2, "word": past.answer, "puzzle": past.number + 1})
    assert mismatch.status_code == 422 and mismatch.json()["fields"] == ["puzzle"]


@pytest.mark.parametrize("replica", REPLICAS)
def test_the_calendar_shows_each_day_of_the_month_with_the_player_s_result(player, puzzle, replica):
    player.client.cookies.set("MOTUS_GAME", replica)
    # This month's day before today if there is one, else the month before.
    past = _past(puzzle, 1)
    month = past.day.strftime("%Y-%m")
    played_wrong = _words(past, 1)[0]
    player.client.post(f"/api/game/puzzles/{past.number}/guess", json={"attempt": 1, "word": played_wrong})
    resp = player.client.get("/api/game/calendar", params={"month": month})
    assert resp.status_code == 200 and resp.headers["x-motus-instance"] == replica
    body = resp.json()
    assert body["month"] == month
    days = {day["puzzle"]: day for day in body["days"]}
    assert days[past.number] == {
        "date": past.day.isoformat(),
        "puzzle": past.number,
        "status": "playing",
        "tries": 1,
        "hard": False,
    }
    assert all(day["date"][:7] == month for day in body["days"])
    assert all(day["puzzle"] <= puzzle.number for day in body["days"])
    assert {day["status"] for n, day in days.items() if n != past.number} <= {"unplayed"}
    # This month by default; the days run up to today.
    this_month = player.client.get("/api/game/calendar").json()
    assert this_month["days"][-1]["date"] == puzzle.day.isoformat() and this_month["next"] is None


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "novembre", "2026-11-01", ""])
def test_a_month_not_written_yyyy_mm_is_a_clear_422(player, month):
    resp = player.client.get("/api/game/calendar", params={"month": month})
    assert resp.status_code == 422 and resp.json()["fields"] == ["month"] and "AAAA-MM" in resp.json()["message"]


def test_a_month_without_puzzles_is_empty(player):
    body = player.client.get("/api/game/calendar", params={"month": "2026-10"}).json()
    assert body == {"month": "2026-10", "previous": None, "next": "2026-11", "days": []}


def test_guests_play_the_archive_too(healthy_stack, puzzle):
    past = _past(puzzle, 3)
    with Player(healthy_stack.topology.public_url, logged_in=False) as guest:
        resp = guest.client.post(f"/api/game/puzzles/{past.number}/guess", json={"attempt": 1, "word": past.answer})
        assert resp.status_code == 200 and resp.json()["status"] == "won"
        month = guest.client.get("/api/game/calendar", params={"month": past.day.strftime("%Y-%m")}).json()
        assert {d["puzzle"]: d["status"] for d in month["days"]}[past.number] == "won"


def test_the_archive_pages(player, puzzle):
    past = _past(puzzle, 1)
    page = player.client.get("/archives", params={"month": past.day.strftime("%Y-%m")})
    assert page.status_code == 200 and f'href="/partie/{past.number}"' in page.text
    game = player.client.get(f"/partie/{past.number}")
    assert game.status_code == 200 and f'data-puzzle="{past.number}"' in game.text and "Partie libre" in game.text
    for missing in ("/partie/0", f"/partie/{puzzle.number + 1}", "/partie/abc"):
        resp = player.client.get(missing)
        assert resp.status_code == 404 and "text/html" in resp.headers["content-type"]
    assert player.client.get("/archives", params={"month": "zz"}).status_code == 400
