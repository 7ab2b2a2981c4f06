"""The JSON the game API speaks, as documented in its OpenAPI schema."""

from __future__ import annotations

from datetime import date, datetime

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
    attempts: list[AttemptOut]
    known: list[str | None] = Field(description="Letters shown at the start of the next row (first + found).")
    keyboard: dict[str, Mark] = Field(description="Best mark seen per letter; keys only ever upgrade.")
    answer: str | None = Field(description="Only once the game is over.")
    share: str | None = Field(description="Share text with the emoji grid, once the game is over.")
    next_puzzle_at: datetime
    server_time: datetime = Field(description="The server's clock, to count down to the next word.")


class GuessOut(GameOut):
    replayed: bool = Field(description="True when this attempt had already been played with this word.")
