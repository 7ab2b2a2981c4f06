"""The JSON the score API speaks, as documented in its OpenAPI schema."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from motus_score.scoring import MAX_ATTEMPTS

# Player ids are the provider's subject identifiers (hex uuids today).
PLAYER_ID = r"^[A-Za-z0-9._:-]{1,128}$"
# A game cannot outlast its puzzle day (the game refuses a try after midnight): 25 h
# covers the long day of the autumn clock change.
MAX_SECONDS = 25 * 3600


class ResultIn(BaseModel):
    name: str = Field(min_length=1, max_length=64, description="The player's name, shown in the leaderboards.")
    won: bool = Field(strict=True)
    attempts: int = Field(ge=1, le=MAX_ATTEMPTS, strict=True, description="Tries used (6 for a lost game).")
    seconds: int = Field(ge=0, le=MAX_SECONDS, strict=True, description="From the first try to the last.")
    finished_at: int | None = Field(
        default=None,
        ge=0,
        strict=True,
        description="When the game ended, in milliseconds since 1970-01-01 UTC: equal results on the daily "
        "board are ordered by who finished first. Absent: the time the result is recorded.",
    )
    hard: bool = Field(
        default=False, strict=True, description="Played in hard mode: every hint used (shown on the daily board)."
    )

    @model_validator(mode="after")
    def _lost_uses_every_try(self) -> Self:
        if not self.won and self.attempts != MAX_ATTEMPTS:
            raise ValueError(f"a lost game used all {MAX_ATTEMPTS} tries")
        return self


class ResultOut(BaseModel):
    player: str
    puzzle: int
    won: bool
    attempts: int
    seconds: int
    hard: bool
    replayed: bool = Field(description="True when this result was already recorded (a retried delivery).")


class StatsOut(BaseModel):
    player: str
    played: int
    won: int
    win_percent: int
    current_streak: int
    best_streak: int
    distribution: dict[str, int] = Field(description='Games won in "1".."6" tries, and "lost".')
    average_attempts: float | None = Field(description="Over won games only; null before the first win.")
    today: int = Field(description="Today's puzzle number.")
    last_puzzle: int | None = Field(description="The latest puzzle recorded for this player.")


class DailyRow(BaseModel):
    rank: int = Field(description="Equal results share a rank.")
    name: str
    attempts: int
    seconds: int
    hard: bool = Field(description="Won in hard mode (every hint used).")


class DailyBoardOut(BaseModel):
    kind: Literal["daily"] = "daily"
    puzzle: int
    played: int
    solved: int
    top: list[DailyRow]
    me: DailyRow | None = Field(description="The caller's row when a token was sent and the caller solved it.")


class AllTimeRow(BaseModel):
    rank: int = Field(description="Equal results share a rank.")
    name: str
    wins: int
    best_streak: int


class AllTimeBoardOut(BaseModel):
    kind: Literal["all-time"] = "all-time"
    players: int
    top: list[AllTimeRow]
    me: AllTimeRow | None = Field(description="The caller's row when a token was sent and the caller has played.")
