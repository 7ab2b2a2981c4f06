"""Word normalisation and the committed word lists."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MIN_LENGTH, MAX_LENGTH = 6, 10
# Never the first letter of an answer (as in the TV game and SUTOM).
FORBIDDEN_INITIALS = frozenset("kqwxyz")
WORD_RE = re.compile(rf"^[a-z]{{{MIN_LENGTH},{MAX_LENGTH}}}$")

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def normalize(word: str) -> str:
    """Lower case, accents stripped, ligatures split: 'Cœur' -> 'coeur', 'ÉTÉ' -> 'ete'."""
    # NFKD also folds compatibility forms: full-width ＡＢＣ, the ﬁ ligature.
    decomposed = unicodedata.normalize("NFKD", word.strip().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _read(name: str) -> list[str]:
    return [line for line in (DATA_DIR / name).read_text(encoding="ascii").splitlines() if line]


@cache
def allowed_words() -> frozenset[str]:
    return frozenset(_read("allowed.txt"))


@cache
def answers() -> tuple[str, ...]:
    return tuple(_read("answers.txt"))


@cache
def schedule() -> tuple[str, ...]:
    return tuple(_read("schedule.txt"))
