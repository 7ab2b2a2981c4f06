"""The JSON the game API speaks, as documented in its OpenAPI schema."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from motus.game.rules import MAX_ATTEMPTS, MAX_INPUT_LENGTH, Mark, Status


class GuessIn(BaseModel):
    attempt: int = Field(
        ge=1,
        le=100,
        strict=True,
        description="Which try this is (1 to 6), chosen by the client. A later number is refused (422 "
        "invalid_request), or answered 409 game_over once the game is over.",
    )
    word: str = Field(min_length=1, max_length=MAX_INPUT_LENGTH, description="The word; accents are ignored.")
    puzzle: int | None = Field(
        default=None, strict=True, description="Puzzle the client believes it plays; refused after midnight."
    )


class HardIn(BaseModel):
    hard: bool = Field(strict=True, description="Hard mode on or off, for games not started yet.")
    puzzle: int | None = Field(
        default=None,
        strict=True,
        description="The archive's puzzle whose game answers (today's when absent); it must not be started.",
    )


class AttemptOut(BaseModel):
    word: str = Field(description="Upper case, accents stripped.")
    marks: list[Mark]


class GameOut(BaseModel):
    puzzle: int
    date: date
    length: int
    first_letter: str
    max_attempts: int = MAX_ATTEMPTS
    tries_left: int
    status: Status
    hard: bool = Field(
        description="Hard mode: every hint shown must be used in the next tries (enforced: 422 hard_mode). "
        "For a game not started, the player's setting (POST /api/game/hard)."
    )
    attempts: list[AttemptOut]
    known: list[str | None] = Field(description="Letters shown at the start of the next row (first + found).")
    keyboard: dict[str, Mark] = Field(description="Best mark seen per letter; keys only ever upgrade.")
    answer: str | None = Field(description="Only once the game is over. Upper case, accents stripped.")
    spelling: str | None = Field(description="The answer as the dictionary writes it (hérétique), once over.")
    definition_url: str | None = Field(description="The answer's Wiktionnaire entry, once the game is over.")
    share: str | None = Field(
        description="Share text once the game is over: the emoji grid, `*` after the score in hard mode, "
        "then the puzzle's address."
    )
    next_puzzle_at: datetime
    server_time: datetime = Field(description="The server's clock, to count down to the next word.")


class GuessOut(GameOut):
    replayed: bool = Field(description="True when this attempt had already been played with this word.")


class CalendarDayOut(BaseModel):
    date: date
    puzzle: int
    status: Literal["unplayed", "playing", "won", "lost"]
    tries: int
    hard: bool


class CalendarOut(BaseModel):
    month: str = Field(description="YYYY-MM")
    previous: str | None = Field(description="The month before, if it had puzzles.")
    next: str | None = Field(description="The month after, if it has puzzles out by today.")
    days: list[CalendarDayOut] = Field(description="Each day of the month up to today that had a puzzle.")
