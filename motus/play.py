"""Plays a guess for a player: the rules, the daily word and the store, put together,
and counts what happened (motus/metrics.py).

No web framework here: routes call these functions; a refusal is an ApiError, which
the service's error handler turns into the shared JSON error.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import NoReturn

from motus.game import daily, hard_mode, rules, words
from motus.game.rules import Attempt, Status
from motus.game.words import allowed_words
from motus.guest import Guest
from motus.metrics import GameMetrics
from motus.player import Player, login_ended, session_subject
from motus.store import GameState, GameStore, Outcome, Owner, Stores, Try
from motus_kit.errors import ApiError

NO_PUZZLE = ApiError(404, "no_puzzle", "Pas de mot pour cette date ou ce numéro.")


@dataclass(frozen=True)
class Table:
    """What a game is seen and played with besides its state: the time, the site's
    public address (for the share text), and the player's hard-mode setting (for a
    game not started yet)."""

    now: datetime
    public_url: str
    hard: bool = False
    # New guests one client address may start per hour (GAME_GUEST_ADMISSIONS_PER_HOUR).
    guest_limit: int = 0


def current_puzzle(now: datetime) -> daily.Puzzle:
    try:
        return daily.today(now)
    except daily.NoPuzzle as exc:
        raise ApiError(404, "no_puzzle", "Pas de mot du jour pour cette date.") from exc


def archived_puzzle(number: str, now: datetime) -> daily.Puzzle:
    """Puzzle `number` (as the path gives it) if it is out: 1 up to today's. Anything else
    is the same 404, which says nothing of the puzzle."""
    if not (number.isascii() and number.isdigit() and len(number) <= 6):
        raise NO_PUZZLE
    try:
        return daily.published(int(number), now)
    except daily.NoPuzzle:
        raise NO_PUZZLE from None


def share_url(puzzle: daily.Puzzle, table: Table) -> str:
    # Today's word is the site itself; a past one is its own page in the archive.
    if puzzle.number == daily.today_number(table.now):
        return table.public_url
    return f"{table.public_url}/partie/{puzzle.number}"


def view(puzzle: daily.Puzzle, state: GameState, table: Table) -> dict:
    over = state.status is not Status.PLAYING
    hard = state.hard if state.started else table.hard
    spelled = words.spelling(puzzle.answer) if over else None
    return {
        "puzzle": puzzle.number,
        "date": puzzle.day,
        "length": puzzle.length,
        "first_letter": puzzle.first_letter.upper(),
        "tries_left": rules.MAX_ATTEMPTS - len(state.attempts) if not over else 0,
        "status": state.status,
        "max_attempts": rules.MAX_ATTEMPTS,
        "hard": hard,
        "attempts": [{"word": a.word.upper(), "marks": a.marks} for a in state.attempts],
        "known": [c.upper() if c else None for c in rules.known_letters(state.attempts, puzzle.answer)],
        "keyboard": {k.upper(): m for k, m in sorted(rules.keyboard(state.attempts).items())},
        # The answer, its spelling and its definition never leave the server before the game is over.
        "answer": puzzle.answer.upper() if over else None,
        "spelling": spelled,
        "definition_url": words.definition_url(spelled) if spelled else None,
        "share": (
            rules.share_text(puzzle.number, state.attempts, state.status, hard, share_url(puzzle, table))
            if over
            else None
        ),
        "next_puzzle_at": daily.next_puzzle_at(table.now),
        # The page counts down with the server's clock, not the device's.
        "server_time": table.now,
    }


async def game_of(store: GameStore, player: Player, puzzle: daily.Puzzle, table: Table) -> dict:
    """The player's game of `puzzle` as GameOut documents it (a visitor who never played: a new one)."""
    owner = player.owner()
    state = await store.load(owner, puzzle.number) if owner else GameState()
    return view(puzzle, state, table)


async def set_hard(store: GameStore, player: Player, puzzle: daily.Puzzle, table: Table) -> dict:
    """The game with the hard-mode choice in `table`, if it has not started (409 if it has)."""
    owner = player.owner()
    state = await store.load(owner, puzzle.number) if owner else GameState()
    if state.started:
        raise ApiError(
            409, "game_started", "La partie a commencé : le mode difficile se choisit avant le premier essai."
        )
    return view(puzzle, state, table)


_CONFLICTS = {
    Outcome.CONFLICT: ("attempt_conflict", "Cet essai a déjà été joué avec un autre mot. Rechargez la page."),
    Outcome.FINISHED: ("game_over", "Cette partie est terminée. Revenez demain pour le prochain mot !"),
    Outcome.OUT_OF_ORDER: ("attempt_out_of_order", "Cet essai arrive trop tôt. Rechargez la page."),
}


async def guess(
    stores: Stores,
    by: str | Guest,
    number: int,
    raw_word: str,
    puzzle: daily.Puzzle,
    puzzle_seen: int | None,
    table: Table,
    metrics: GameMetrics,
) -> dict:
    """A try by a session (its id) or a guest, answered as GuessOut. The usual one costs
    one round trip to redis-game: for a session, the session and the game are read and
    written by one script. A try refused before it reaches the game reads the session
    first, so that a visitor whose login ended is told so before being told about the
    word. A hard-mode game costs a second round trip from its second try on."""
    checked = rules.check_guess(raw_word, puzzle.answer, allowed_words())
    if isinstance(checked, rules.Refusal) or number > rules.MAX_ATTEMPTS or puzzle_seen not in (None, puzzle.number):
        if isinstance(by, str):
            owner: Owner | None = Owner(await session_subject(by, stores.sessions))
        else:
            owner = None if by.new else Owner(by.id, guest=True)
        await _refuse(stores.games, owner, puzzle, number, checked, puzzle_seen, metrics)
    if isinstance(by, Guest) and by.new:
        await _admit(stores, by, table.guest_limit, metrics)
    daily_try = puzzle.number == daily.today_number(table.now)
    # The store records it (with this status) only if it is the next try, atomically.
    status = rules.status_after(number, checked, puzzle.answer)
    attempt = Attempt(checked, rules.mark(checked, puzzle.answer))
    played = Try(puzzle.number, number, attempt, status, daily_try, table.hard)
    outcome, state = await _play(stores.games, by, played)
    if outcome is Outcome.CHECK_HARD:
        missed = hard_mode.miss(checked, state.attempts)
        if missed is not None:
            metrics.refused(rules.Refusal.HARD_MODE.value)
            raise ApiError(422, rules.Refusal.HARD_MODE.value, missed.message())
        outcome, state = await _play(stores.games, by, replace(played, hard_checked=True))
    if outcome is Outcome.NO_SESSION:
        raise login_ended()
    if outcome in _CONFLICTS:
        code, message = _CONFLICTS[outcome]
        metrics.conflict(code)
        raise ApiError(409, code, message)
    metrics.accepted(replayed=outcome is Outcome.REPLAY)
    if outcome is Outcome.APPLIED and state.status is not Status.PLAYING:
        metrics.game_over(state.status, len(state.attempts))
    return {**view(puzzle, state, table), "replayed": outcome is Outcome.REPLAY}


async def _play(games: GameStore, by: str | Guest, played: Try) -> tuple[Outcome, GameState]:
    if isinstance(by, Guest):
        return await games.guess_as_guest(by.id, played)
    return await games.guess_in_session(by, played)


async def _admit(stores: Stores, guest: Guest, limit: int, metrics: GameMetrics) -> None:
    wait = await stores.guests.admit(guest.client, limit)
    metrics.guest("refused" if wait else "admitted")
    if wait:
        minutes = -(-wait // 60)
        raise ApiError(
            429,
            "too_many_guests",
            "Trop de parties en invité depuis votre adresse. Connectez-vous pour jouer, "
            f"ou réessayez dans {minutes} minute{'s' if minutes > 1 else ''}.",
            headers={"Retry-After": str(wait)},
        )


async def _refuse(
    games: GameStore,
    owner: Owner | None,
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
        if owner is not None and (await games.load(owner, puzzle.number)).status is not Status.PLAYING:
            metrics.conflict("game_over")
            raise ApiError(409, *_CONFLICTS[Outcome.FINISHED])
        raise ApiError(422, "invalid_request", "Il n'y a que six essais.", fields=["attempt"])
    assert isinstance(checked, rules.Refusal)
    metrics.refused(checked.value)
    raise ApiError(422, checked.value, checked.message(puzzle.length, puzzle.first_letter))
