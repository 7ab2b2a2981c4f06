"""The archive's calendar as the game shows it: a month of puzzles with the player's
result for each. No web framework here."""

from __future__ import annotations

from datetime import date, datetime

from motus.game import calendar
from motus.player import Player
from motus.store import GameState, GameStore
from motus_kit.errors import ApiError
from motus_kit.puzzle_days import paris_day


def parse_month(text: str | None, now: datetime) -> date:
    """The first day of the month asked for (this month when None); 422 if it is not YYYY-MM."""
    today = paris_day(now)
    if text is None:
        return today.replace(day=1)
    first = calendar.parse_month(text)
    if first is None:
        raise ApiError(422, "invalid_request", "Le mois s'écrit AAAA-MM, par exemple 2026-11.", fields=["month"])
    return first


async def month(store: GameStore, player: Player, text: str | None, now: datetime) -> dict:
    """CalendarOut: each day of the month up to today that had a puzzle, with this player's game."""
    first, today = parse_month(text, now), paris_day(now)
    days = calendar.puzzle_days(first, today)
    owner = player.owner()
    numbers = [number for _, number in days]
    states = await store.load_many(owner, numbers) if owner else [GameState()] * len(days)
    before, after = calendar.neighbours(first, today)
    return {
        "month": calendar.month_label(first),
        "previous": calendar.month_label(before) if before else None,
        "next": calendar.month_label(after) if after else None,
        "days": [
            {
                "date": day,
                "puzzle": number,
                "status": state.status.value if state.started else "unplayed",
                "tries": len(state.attempts),
                "hard": state.hard,
            }
            for (day, number), state in zip(days, states, strict=True)
        ],
    }
