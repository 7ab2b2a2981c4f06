"""The rules of Motus: checking a guess, colouring it, and where a game stands.

Pure functions on plain data; the web layer and the store call them.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from enum import StrEnum

from motus.game.words import normalize

MAX_ATTEMPTS = 6
# The input is normalised first; anything longer than this is not worth reading.
MAX_INPUT_LENGTH = 40


class Mark(StrEnum):
    CORRECT = "correct"  # red in the TV game: right letter, right place
    PRESENT = "present"  # yellow: in the word, elsewhere
    ABSENT = "absent"


# Read once: an enum member looked up on its class costs as much as a dict lookup,
# and a try's marks, keyboard and known letters look them up dozens of times.
_CORRECT, _PRESENT, _ABSENT = Mark.CORRECT, Mark.PRESENT, Mark.ABSENT


class Status(StrEnum):
    PLAYING = "playing"
    WON = "won"
    LOST = "lost"


class Refusal(StrEnum):
    """Why a guess is refused. A refused guess costs no try."""

    NOT_A_WORD = "not_a_word"
    WRONG_LENGTH = "wrong_length"
    WRONG_FIRST_LETTER = "wrong_first_letter"
    UNKNOWN_WORD = "unknown_word"
    # Hard mode (motus/game/hard_mode.py): its message names the dropped hint.
    HARD_MODE = "hard_mode"

    def message(self, length: int, first_letter: str) -> str:
        return {
            Refusal.NOT_A_WORD: "Seules les lettres de A à Z sont acceptées.",
            Refusal.WRONG_LENGTH: f"Le mot doit faire {length} lettres.",
            Refusal.WRONG_FIRST_LETTER: f"Le mot doit commencer par {first_letter.upper()}.",
            Refusal.UNKNOWN_WORD: "Ce mot n'est pas dans notre dictionnaire.",
            Refusal.HARD_MODE: "Mode difficile : ce mot n'utilise pas tous les indices.",
        }[self]


@dataclass(frozen=True)
class Attempt:
    word: str
    marks: tuple[Mark, ...]


def check_guess(raw: str, answer: str, allowed: Container[str]) -> str | Refusal:
    """The normalised word if it may be played, else why not."""
    word = normalize(raw[:MAX_INPUT_LENGTH])
    if not word.isascii() or not word.isalpha():
        return Refusal.NOT_A_WORD
    if len(word) != len(answer):
        return Refusal.WRONG_LENGTH
    if word[0] != answer[0]:
        return Refusal.WRONG_FIRST_LETTER
    if word not in allowed:
        return Refusal.UNKNOWN_WORD
    return word


def mark(guess: str, answer: str) -> tuple[Mark, ...]:
    """Two passes: well placed first, then misplaced left to right while copies remain.

    No letter is marked more often than it occurs in the answer: for the answer
    ALLEES, the guess LALLES gets L misplaced, A misplaced, L well placed, then the
    third L absent (the answer's two L are used up), E and S well placed.
    """
    if len(guess) != len(answer):
        raise ValueError("guess and answer must have the same length")
    marks: list[Mark | None] = []
    unused: dict[str, int] = {}
    for g, a in zip(guess, answer, strict=True):
        if g == a:
            marks.append(_CORRECT)
        else:
            marks.append(None)
            unused[a] = unused.get(a, 0) + 1
    for i, g in enumerate(guess):
        if marks[i] is None:
            if unused.get(g):
                marks[i] = _PRESENT
                unused[g] -= 1
            else:
                marks[i] = _ABSENT
    return tuple(marks)  # type: ignore[arg-type]  # every None was replaced


def status_after(attempt_number: int, word: str, answer: str) -> Status:
    """Where the game stands once `word` is played as try number `attempt_number`."""
    if word == answer:
        return Status.WON
    if attempt_number >= MAX_ATTEMPTS:
        return Status.LOST
    return Status.PLAYING


def known_letters(attempts: Sequence[Attempt], answer: str) -> list[str | None]:
    """The letters shown at the start of the next row: the first one, and every one found well placed."""
    known: list[str | None] = [answer[0]] + [None] * (len(answer) - 1)
    for attempt in attempts:
        if _CORRECT in attempt.marks:
            for i, m in enumerate(attempt.marks):
                if m is _CORRECT:
                    known[i] = attempt.word[i]
    return known


def keyboard(attempts: Sequence[Attempt]) -> dict[str, Mark]:
    """Best mark seen for each letter: a key only ever upgrades (absent < present < correct)."""
    keys: dict[str, Mark] = {}
    for attempt in attempts:
        for letter, m in zip(attempt.word, attempt.marks, strict=True):
            # Correct always wins, present beats absent, absent only marks an unseen key.
            if m is _CORRECT or (m is _PRESENT and keys.get(letter) is not _CORRECT) or letter not in keys:
                keys[letter] = m
    return keys


_EMOJI = {Mark.CORRECT: "🟥", Mark.PRESENT: "🟡", Mark.ABSENT: "🟦"}


def share_text(
    puzzle_number: int, attempts: Sequence[Attempt], status: Status, hard: bool = False, url: str = ""
) -> str:
    """What a player pastes after a game: no letters, only colours; a `*` after the score
    for a hard-mode game (as Wordle does), then the puzzle's address."""
    score = str(len(attempts)) if status is Status.WON else "X"
    grid = "\n".join("".join(_EMOJI[m] for m in attempt.marks) for attempt in attempts)
    text = f"MOTUS #{puzzle_number} {score}/{MAX_ATTEMPTS}{'*' if hard else ''}\n{grid}"
    return f"{text}\n{url}" if url else text
