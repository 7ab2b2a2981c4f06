import itertools
from collections import Counter
from pathlib import Path

import pytest

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


def test_allowed_is_sorted_and_unique_as_the_compact_list_reads_it():
    from motus.game.words import _read

    listed = _read("allowed.txt")
    assert all(a < b for a, b in itertools.pairwise(listed))


def test_the_compact_word_list_answers_like_a_set():
    from motus.game.words import WordList, _read

    listed = _read("allowed.txt")
    compact = WordList(listed)
    assert len(compact) == len(set(listed)) and list(compact) == sorted(set(listed), key=lambda w: (len(w), w))
    for word in listed[::997]:
        assert word in compact
    for stranger in ("abacul", "zzzzzzzzzz", "abaissablee", "", "ab", "été", "ABAISSA", 42):
        assert (stranger in compact) == (stranger in set(listed)), stranger
    assert list(WordList(["cheval", "abaque", "chevaux"]).of_length(6)) == ["abaque", "cheval"]


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


def test_every_answer_has_its_dictionary_spelling_with_the_same_letters():
    from motus.game.words import _spellings

    spelled = _spellings()
    assert set(spelled) == set(answers())
    for word, spelling in spelled.items():
        assert normalize(spelling) == word, (word, spelling)
    assert sum(1 for word, spelling in spelled.items() if word != spelling) > 500  # accents are kept


@pytest.mark.parametrize(
    ("answer", "spelled", "url"),
    [
        ("heretique", "hérétique", "https://fr.wiktionary.org/wiki/h%C3%A9r%C3%A9tique"),
        ("pecher", "pêcher", "https://fr.wiktionary.org/wiki/p%C3%AAcher"),  # the more frequent of two
        ("mystique", "mystique", "https://fr.wiktionary.org/wiki/mystique"),
    ],
)
def test_spelling_and_definition_link(answer, spelled, url):
    from motus.game.words import definition_url, spelling

    assert spelling(answer) == spelled
    assert definition_url(spelling(answer)) == url
