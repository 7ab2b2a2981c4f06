"""Word normalisation and the committed word lists."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from urllib.parse import quote

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MIN_LENGTH, MAX_LENGTH = 6, 10
# Never the first letter of an answer (as in the TV game and SUTOM).
FORBIDDEN_INITIALS = frozenset("kqwxyz")
# Where a finished game sends the player to learn the word.
WIKTIONARY = "https://fr.wiktionary.org/wiki/"
WORD_RE = re.compile(rf"^[a-z]{{{MIN_LENGTH},{MAX_LENGTH}}}$")

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def normalize(word: str) -> str:
    """Lower case, accents stripped, ligatures split: 'Cœur' -> 'coeur', 'ÉTÉ' -> 'ete'."""
    if word.isascii():  # what a keyboard sends, nearly always: nothing to decompose
        return word.strip().lower()
    # NFKD also folds compatibility forms: full-width ＡＢＣ, the ﬁ ligature.
    decomposed = unicodedata.normalize("NFKD", word.strip().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _read(name: str) -> list[str]:
    return [line for line in (DATA_DIR / name).read_text(encoding="ascii").splitlines() if line]


class WordList:
    """A large set of words in little memory: per length, one bytes string of the sorted
    words back to back; membership is a binary search in it.

    The 178,079 allowed words take ~1.5 MB this way instead of ~25 MB as a frozenset
    of str, in each game replica; a lookup costs a few microseconds.
    """

    def __init__(self, words: Iterable[str]) -> None:
        # Appended one word at a time: no list of 178,079 objects ever exists, so
        # building it does not raise the replica's memory either.
        by_length: dict[int, bytearray] = {}
        for word in sorted(set(words)) if not isinstance(words, _SortedLines) else words:
            by_length.setdefault(len(word), bytearray()).extend(word.encode("ascii"))
        self._blocks = {length: bytes(block) for length, block in by_length.items()}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        block = self._blocks.get(len(word))
        if block is None or not word.isascii():
            return False
        size, target = len(word), word.encode("ascii")
        lo, hi = 0, len(block) // size
        while lo < hi:
            mid = (lo + hi) // 2
            found = block[mid * size : (mid + 1) * size]
            if found == target:
                return True
            if found < target:
                lo = mid + 1
            else:
                hi = mid
        return False

    def of_length(self, length: int) -> Iterator[str]:
        """The words of one length, in order."""
        block = self._blocks.get(length, b"")
        for start in range(0, len(block), length):
            yield block[start : start + length].decode("ascii")

    def __iter__(self) -> Iterator[str]:
        for length in sorted(self._blocks):
            yield from self.of_length(length)

    def __len__(self) -> int:
        return sum(len(block) // length for length, block in self._blocks.items())


class _SortedLines:
    """The lines of a committed list that is sorted and unique (tests/unit/game checks it)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[str]:
        with self.path.open(encoding="ascii") as lines:
            for line in lines:
                if line := line.strip():
                    yield line


@cache
def allowed_words() -> WordList:
    return WordList(_SortedLines(DATA_DIR / "allowed.txt"))


@cache
def answers() -> tuple[str, ...]:
    return tuple(_read("answers.txt"))


@cache
def schedule() -> tuple[str, ...]:
    return tuple(_read("schedule.txt"))


@cache
def _spellings() -> dict[str, str]:
    rows = (line.split("\t") for line in (DATA_DIR / "spellings.txt").read_text(encoding="utf-8").splitlines())
    return {word: spelled for word, spelled in rows}


def spelling(answer: str) -> str:
    """The answer as the dictionary writes it: 'heretique' -> 'hérétique'. The letters
    played are the answer's; the accents are only shown once the game is over."""
    return _spellings().get(answer, answer)


def definition_url(spelled: str) -> str:
    """The word's Wiktionnaire entry: the spelling with its accents, percent-encoded as UTF-8."""
    return WIKTIONARY + quote(spelled, safe="")
