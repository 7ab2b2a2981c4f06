"""Hard mode: every hint shown must be used in the guesses that follow.

A letter shown well placed stays in its place; a letter shown misplaced is used at
least as often as one earlier row showed it (well placed copies included: a row
that shows one E in place and one E misplaced asks for two E). The server enforces
it, and a guess that breaks it is refused at no cost of a try, as any refusal.

Pure: no web framework, no Redis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from motus.game.rules import Attempt, Mark


@dataclass(frozen=True)
class Miss:
    """The first hint a guess drops: a placed letter (its 0-based position), or a
    letter used fewer times than `count`."""

    letter: str
    position: int | None = None
    count: int = 1

    def message(self) -> str:
        letter = self.letter.upper()
        if self.position is not None:
            return f"Mode difficile : la lettre {letter} doit rester en {_ordinal(self.position + 1)} position."
        if self.count == 1:
            return f"Mode difficile : le mot doit contenir la lettre {letter}."
        return f"Mode difficile : le mot doit contenir {self.count} fois la lettre {letter}."


def _ordinal(n: int) -> str:
    return "1re" if n == 1 else f"{n}e"


def miss(guess: str, attempts: Sequence[Attempt]) -> Miss | None:
    """The first hint of `attempts` that `guess` drops, or None if it keeps them all.
    Placed letters are checked first, left to right, then the counts, alphabetically."""
    placed: dict[int, str] = {}
    needed: dict[str, int] = {}
    for attempt in attempts:
        shown: dict[str, int] = {}
        for i, (letter, mark) in enumerate(zip(attempt.word, attempt.marks, strict=True)):
            if mark is Mark.CORRECT:
                placed[i] = letter
            if mark is not Mark.ABSENT:
                shown[letter] = shown.get(letter, 0) + 1
        for letter, count in shown.items():
            needed[letter] = max(needed.get(letter, 0), count)
    for i in sorted(placed):
        if guess[i] != placed[i]:
            return Miss(placed[i], position=i)
    for letter in sorted(needed):
        if guess.count(letter) < needed[letter]:
            return Miss(letter, count=needed[letter])
    return None
