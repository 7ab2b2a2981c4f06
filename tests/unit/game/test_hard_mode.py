"""Hard mode's rule against a reference written the other way round: a guess keeps
the hints iff, row by row, it has each placed letter in place and holds the row's
coloured letters as a multiset (repeated letters included)."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motus.game import hard_mode, rules
from motus.game.hard_mode import Miss
from motus.game.rules import Attempt, Mark


def reference_keeps_hints(guess: str, attempts: list[Attempt]) -> bool:
    have = Counter(guess)
    for attempt in attempts:
        coloured = Counter(
            letter for letter, mark in zip(attempt.word, attempt.marks, strict=True) if mark is not Mark.ABSENT
        )
        if coloured - have:  # a letter shown more often than the guess holds it
            return False
        if any(mark is Mark.CORRECT and guess[i] != attempt.word[i] for i, mark in enumerate(attempt.marks)):
            return False
    return True


def played(answer: str, *guesses: str) -> list[Attempt]:
    return [Attempt(g, rules.mark(g, answer)) for g in guesses]


# Few letters, so that repeats are the rule rather than the exception.
words = st.text(alphabet="aelrst", min_size=6, max_size=6)


@given(answer=words, earlier=st.lists(words, min_size=1, max_size=5), guess=words)
def test_the_rule_agrees_with_the_reference(answer, earlier, guess):
    attempts = played(answer, *earlier)
    assert (hard_mode.miss(guess, attempts) is None) == reference_keeps_hints(guess, attempts)


@given(answer=words, earlier=st.lists(words, min_size=1, max_size=5))
def test_the_answer_always_keeps_every_hint(answer, earlier):
    assert hard_mode.miss(answer, played(answer, *earlier)) is None


@given(answer=words, earlier=st.lists(words, min_size=1, max_size=5), guess=words)
def test_the_miss_names_a_hint_the_guess_really_drops(answer, earlier, guess):
    missed = hard_mode.miss(guess, played(answer, *earlier))
    if missed is None:
        return
    if missed.position is not None:
        assert guess[missed.position] != missed.letter
    else:
        assert guess.count(missed.letter) < missed.count


@pytest.mark.parametrize(
    ("answer", "earlier", "guess", "expected"),
    [
        # PERTES against PREFET: P and E placed, E, R and T misplaced.
        ("prefet", ["pertes"], "parole", Miss("e", position=4)),
        ("prefet", ["pertes"], "pretes", None),
        # Two E shown (one placed, one misplaced): a guess with one E is refused.
        ("prefet", ["pertes"], "pxrtes", Miss("e", count=2)),
        # LALLES against ALLEES: L and A misplaced, L, E and S placed: two L, and the A.
        ("allees", ["lalles"], "xllaes", None),
        ("allees", ["lalles"], "oxlaes", Miss("l", count=2)),
        ("allees", ["lalles"], "xxlees", Miss("a")),
        ("allees", ["lalles"], "alxees", Miss("l", position=2)),
        # Hints of every earlier row, not only the last one.
        ("maison", ["marche", "mouton"], "mxxxxn", Miss("a", position=1)),
        ("maison", ["marche", "mouton"], "maxxon", None),
        ("ballon", ["bbbbbb"], "bxxxxx", None),  # absent copies ask for nothing
    ],
)
def test_examples(answer, earlier, guess, expected):
    assert hard_mode.miss(guess, played(answer, *earlier)) == expected


@pytest.mark.parametrize(
    ("missed", "message"),
    [
        (Miss("e", position=0), "Mode difficile : la lettre E doit rester en 1re position."),
        (Miss("e", position=4), "Mode difficile : la lettre E doit rester en 5e position."),
        (Miss("r"), "Mode difficile : le mot doit contenir la lettre R."),
        (Miss("l", count=2), "Mode difficile : le mot doit contenir 2 fois la lettre L."),
    ],
)
def test_the_message_names_the_letter_and_the_place(missed, message):
    assert missed.message() == message


def test_a_first_try_has_nothing_to_keep():
    assert hard_mode.miss("prefet", []) is None
