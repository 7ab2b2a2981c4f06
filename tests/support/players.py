"""A player of today's puzzle through HAProxy, as a browser would be (own cookies)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx2

from motus.game import daily
from motus.game.words import allowed_words
from tests.support.game_login import sign_up_and_log_in


def todays_puzzle() -> daily.Puzzle:
    now = datetime.now(UTC)
    # A test straddling midnight in Paris would compare two different puzzles.
    if (daily.next_puzzle_at(now) - now).total_seconds() < 60:
        time.sleep(61)
        now = datetime.now(UTC)
    return daily.today(now)


def wrong_words(puzzle: daily.Puzzle, count: int) -> list[str]:
    """Valid guesses for the puzzle (right length and initial) that are not the answer."""
    candidates = sorted(
        w for w in allowed_words().of_length(puzzle.length) if w[0] == puzzle.first_letter and w != puzzle.answer
    )
    return candidates[:count]


class Player:
    """A new account, logged into the game through the provider, with its own cookies."""

    def __init__(self, base_url: str, logged_in: bool = True) -> None:
        self.client = httpx2.Client(base_url=base_url, timeout=10)
        self.name = sign_up_and_log_in(self.client) if logged_in else None

    def today(self) -> httpx2.Response:
        return self.client.get("/api/game/today")

    def guess(self, attempt: int, word: str, **extra) -> httpx2.Response:
        body = {"attempt": attempt, "word": word, **extra}
        try:
            return self.client.post("/api/game/guess", json=body)
        except httpx2.RemoteProtocolError:
            # A kept-alive connection closed at the instant the request went out (seen
            # when a game replica is SIGKILLed): no response at all, so, as browsers do,
            # send it once more. Safe because a guess is idempotent per attempt number.
            return self.client.post("/api/game/guess", json=body)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def finish_game(player: Player, won_in: int | None) -> None:
    """Plays today's game to its end: won in `won_in` tries, or lost when None."""
    puzzle = todays_puzzle()
    tries = won_in or 6
    words = [*wrong_words(puzzle, tries - 1), puzzle.answer if won_in else wrong_words(puzzle, 6)[5]]
    for attempt, word in enumerate(words, start=1):
        resp = player.guess(attempt, word)
        assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == ("won" if won_in else "lost")


def guest_id(client: httpx2.Client) -> str:
    """The guest id a guest's signed cookie carries ("<id>.<signature>")."""
    return client.cookies["motus_guest"].split(".")[0]


def hints_dropping_word(puzzle: daily.Puzzle) -> tuple[str, str, int]:
    """(a first try that shows a letter in place after the first, a second try that
    drops it, that 0-based position): hard mode refuses the second."""
    candidates = wrong_words(puzzle, 5000)
    for first in candidates:
        placed = [i for i, (g, a) in enumerate(zip(first, puzzle.answer, strict=True)) if i and g == a]
        if placed:
            i = placed[0]
            second = next(w for w in candidates if w[i] != first[i])
            return first, second, i
    raise AssertionError("no word shows a placed letter")
