"""Plays a guess for a player: the rules, the daily word and the store, put together,
and counts what happened (motus/metrics.py).

No web framework here: routes call these functions; a refusal is an ApiError, which
the service's error handler turns into the shared JSON error.
"""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn

from motus.game import daily, rules
from motus.game.rules import Attempt, Status
from motus.game.words import allowed_words
from motus.metrics import GameMetrics
from motus.player import Player, login_required, subject_of
from motus.store import GameState, GameStore, Outcome, Stores
from motus_kit.errors import ApiError


def current_puzzle(now: datetime) -> daily.Puzzle:
    try:
        return daily.today(now)
    except daily.NoPuzzle as exc:
        raise ApiError(404, "no_puzzle", "Pas de mot du jour pour cette date.") from exc


def view(puzzle: daily.Puzzle, state: GameState, now: datetime) -> dict:
    over = state.status is not Status.PLAYING
    return {
        "puzzle": puzzle.number,
        "date": puzzle.day,
        "length": puzzle.length,
        "first_letter": puzzle.first_letter.upper(),
        "tries_left": rules.MAX_ATTEMPTS - len(state.attempts) if not over else 0,
        "status": state.status,
        "max_attempts": rules.MAX_ATTEMPTS,
        "attempts": [{"word": a.word.upper(), "marks": a.marks} for a in state.attempts],
        "known": [c.upper() if c else None for c in rules.known_letters(state.attempts, puzzle.answer)],
        "keyboard": {k.upper(): m for k, m in sorted(rules.keyboard(state.attempts).items())},
        # The answer never leaves the server before the game is over.
        "answer": puzzle.answer.upper() if over else None,
        "share": rules.share_text(puzzle.number, state.attempts, state.status) if over else None,
        "next_puzzle_at": daily.next_puzzle_at(now),
        # The page counts down with the server's clock, not the device's.
        "server_time": now,
    }


async def game_today(store: GameStore, player: Player, now: datetime) -> dict:
    """Today's game as GameOut documents it (the route encodes it without the model)."""
    puzzle = current_puzzle(now)
    state = await store.load(player.require(), puzzle.number)
    return view(puzzle, state, now)


_CONFLICTS = {
    Outcome.CONFLICT: ("attempt_conflict", "Cet essai a déjà été joué avec un autre mot. Rechargez la page."),
    Outcome.FINISHED: ("game_over", "La partie du jour est terminée. Revenez demain !"),
    Outcome.OUT_OF_ORDER: ("attempt_out_of_order", "Cet essai arrive trop tôt. Rechargez la page."),
}


async def guess(
    stores: Stores,
    session_id: str | None,
    number: int,
    raw_word: str,
    puzzle_seen: int | None,
    now: datetime,
    metrics: GameMetrics,
) -> dict:
    """A try, answered as GuessOut. The usual one costs one round trip to redis-game:
    the session and the game are read and written by one script. A try refused before
    it reaches the game reads the session first, so that a visitor is asked to log in
    before being told about the word."""
    if session_id is None:
        raise login_required()
    puzzle = current_puzzle(now)
    checked = rules.check_guess(raw_word, puzzle.answer, allowed_words())
    if isinstance(checked, rules.Refusal) or number > rules.MAX_ATTEMPTS or puzzle_seen not in (None, puzzle.number):
        subject = await subject_of(session_id, stores.sessions)
        await _refuse(stores.games, subject, puzzle, number, checked, puzzle_seen, metrics)
    attempt = Attempt(checked, rules.mark(checked, puzzle.answer))
    # The store records it (with this status) only if it is the next try, atomically.
    status = rules.status_after(number, checked, puzzle.answer)
    outcome, state = await stores.games.guess_in_session(session_id, puzzle.number, number, attempt, status)
    if outcome is Outcome.NO_SESSION:
        raise login_required()
    if outcome in _CONFLICTS:
        code, message = _CONFLICTS[outcome]
        metrics.conflict(code)
        raise ApiError(409, code, message)
    metrics.accepted(replayed=outcome is Outcome.REPLAY)
    if outcome is Outcome.APPLIED and state.status is not Status.PLAYING:
        metrics.game_over(state.status, len(state.attempts))
    return {**view(puzzle, state, now), "replayed": outcome is Outcome.REPLAY}


async def _refuse(
    games: GameStore,
    subject: str,
    puzzle: daily.Puzzle,
    number: int,
    checked: str | rules.Refusal,
    puzzle_seen: int | None,
    metrics: GameMetrics,
) -> NoReturn:
    """The try cannot be played; the answer says why, in the order a player would ask."""
    if puzzle_seen is not None and puzzle_seen != puzzle.number:
        metrics.conflict("puzzle_changed")
        raise ApiError(409, "puzzle_changed", "Un nouveau mot du jour est arrivé. Rechargez la page.")
    if number > rules.MAX_ATTEMPTS:
        # There is no seventh try: after the game, that is the answer; before, a bad request.
        if (await games.load(subject, puzzle.number)).status is not Status.PLAYING:
            metrics.conflict("game_over")
            raise ApiError(409, *_CONFLICTS[Outcome.FINISHED])
        raise ApiError(422, "invalid_request", "Il n'y a que six essais.", fields=["attempt"])
    assert isinstance(checked, rules.Refusal)
    metrics.refused(checked.value)
    raise ApiError(422, checked.value, checked.message(puzzle.length, puzzle.first_letter))
