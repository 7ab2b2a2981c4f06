import ast
from collections import Counter
from pathlib import Path

import pytest

from motus.game import words
from motus.game.words import FORBIDDEN_INITIALS, WORD_RE, allowed_words, answers, normalize, schedule

BLOCKLIST = Path(__file__).resolve().parents[3] / "scripts" / "answer_blocklist.txt"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Cœur", "coeur"),
        ("ÉTÉ", "ete"),
        ("naïveté", "naivete"),
        ("Ægypte", "aegypte"),
        ("  maïs ", "mais"),
        ("ＡＢＡＮＤＯＮ", "abandon"),
        ("ﬁnir", "finir"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_allowed_words_are_plain_lowercase_6_to_10_letters():
    allowed = allowed_words()
    assert len(allowed) > 150_000
    assert all(WORD_RE.match(w) for w in allowed)
    assert {len(w) for w in allowed} == set(range(6, 11))


def test_inflected_forms_are_allowed():
    for word in ("mangeront", "chevaux", "parlions", "finissent", "belles"):
        assert word in allowed_words(), word


def test_answers_follow_the_rules():
    allowed, blocked = allowed_words(), {w for w in BLOCKLIST.read_text().splitlines() if w and w[0] != "#"}
    listed = answers()
    assert len(listed) == len(set(listed)) > 3000
    for word in listed:
        assert WORD_RE.match(word), word
        assert word[0] not in FORBIDDEN_INITIALS, word
        assert word in allowed, word
        assert word not in blocked, word
    counts = Counter(len(w) for w in listed)
    assert all(counts[n] > 300 for n in range(6, 11)), counts


def test_schedule_only_holds_answers():
    assert set(schedule()) <= set(answers())


def test_game_domain_imports_no_framework_or_redis():
    for module in Path(words.__file__).parent.glob("*.py"):
        tree = ast.parse(module.read_text())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        # The one kit module the domain may use: the puzzle calendar, itself pure (checked below).
        names -= {"motus_kit.puzzle_days"}
        assert not {n.split(".")[0] for n in names} & {"fastapi", "starlette", "redis", "motus_kit"}, module


def test_the_puzzle_calendar_the_domain_shares_is_pure():
    from motus_kit import puzzle_days

    tree = ast.parse(Path(puzzle_days.__file__).read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert names <= {"__future__", "datetime", "zoneinfo"}
