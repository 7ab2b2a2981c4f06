import pytest
from hypothesis import given
from hypothesis import strategies as st

from motus.game import rules
from motus.game.rules import Attempt, Mark, Refusal, Status

C, P, A = Mark.CORRECT, Mark.PRESENT, Mark.ABSENT


@pytest.mark.parametrize(
    ("answer", "guess", "expected"),
    [
        ("allees", "lalles", (P, P, C, A, C, C)),  # three L guessed, two in the answer
        ("allees", "allees", (C, C, C, C, C, C)),
        ("prefet", "parole", (C, A, P, A, A, P)),
        ("prefet", "pertes", (C, P, P, P, C, A)),  # E: one well placed, the other misplaced
        ("abbaye", "abaque", (C, C, P, A, A, C)),
        ("tresse", "tssess", (C, P, A, P, C, A)),  # S: one well placed uses a copy first
        ("maison", "mmmmmm", (C, A, A, A, A, A)),
        ("citron", "cornet", (C, P, P, P, A, P)),
        ("ballon", "bbbbbb", (C, A, A, A, A, A)),
        ("ballon", "blabla", (C, P, P, A, P, A)),  # two L used, the A once
    ],
)
def test_marks_two_pass(answer, guess, expected):
    assert rules.mark(guess, answer) == expected


def test_mark_refuses_different_lengths():
    with pytest.raises(ValueError):
        rules.mark("abc", "abcd")


words = st.text(alphabet="abcdeilmnorst", min_size=6, max_size=6)


@given(answer=words, guess=words)
def test_never_more_marks_of_a_letter_than_its_occurrences(answer, guess):
    marks = rules.mark(guess, answer)
    for letter in set(guess):
        marked = sum(1 for g, m in zip(guess, marks, strict=True) if g == letter and m is not A)
        assert marked <= answer.count(letter)


@given(answer=words, guess=words)
def test_all_well_placed_iff_guess_is_answer(answer, guess):
    assert all(m is C for m in rules.mark(guess, answer)) == (guess == answer)


@given(answer=words, guess=words)
def test_a_letter_absent_from_the_answer_is_never_coloured(answer, guess):
    for g, m in zip(guess, rules.mark(guess, answer), strict=True):
        if g not in answer:
            assert m is A


ALLOWED = frozenset({"parole", "prefet", "pareil", "maison", "pertes"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PAROLE", "parole"),
        ("  Parolé ", "parole"),  # accents and case ignored
        ("pomme", Refusal.WRONG_LENGTH),
        ("pommeraie", Refusal.WRONG_LENGTH),
        ("maison", Refusal.WRONG_FIRST_LETTER),
        ("pxxxxx", Refusal.UNKNOWN_WORD),
        ("par-le", Refusal.NOT_A_WORD),
        ("par le", Refusal.NOT_A_WORD),
        ("p4role", Refusal.NOT_A_WORD),
        ("pαrole", Refusal.NOT_A_WORD),
        ("", Refusal.NOT_A_WORD),
    ],
)
def test_check_guess(raw, expected):
    assert rules.check_guess(raw, "prefet", ALLOWED) == expected


@pytest.mark.parametrize("refusal", list(Refusal))
def test_each_refusal_has_its_own_french_message(refusal):
    message = refusal.message(7, "c")
    assert (message and message != Refusal.UNKNOWN_WORD.message(7, "c")) or refusal is Refusal.UNKNOWN_WORD
    if refusal is Refusal.WRONG_LENGTH:
        assert "7 lettres" in message
    if refusal is Refusal.WRONG_FIRST_LETTER:
        assert "C" in message


@pytest.mark.parametrize(
    ("number", "word", "status"),
    [(1, "prefet", Status.WON), (6, "prefet", Status.WON), (5, "parole", Status.PLAYING), (6, "parole", Status.LOST)],
)
def test_status_after(number, word, status):
    assert rules.status_after(number, word, "prefet") is status


def _attempt(word, answer="prefet"):
    return Attempt(word, rules.mark(word, answer))


def test_known_letters_carry_every_well_placed_letter_forward():
    assert rules.known_letters([], "prefet") == ["p", None, None, None, None, None]
    known = rules.known_letters([_attempt("pareil"), _attempt("pertes")], "prefet")
    assert known == ["p", None, None, None, "e", None]
    # Found once, kept even if a later try misses it.
    assert rules.known_letters([_attempt("pertes"), _attempt("parole")], "prefet")[4] == "e"


def test_keyboard_only_upgrades():
    keys = rules.keyboard([_attempt("pertes"), _attempt("parole")])  # E present/correct, then present
    assert keys["e"] is C
    assert keys["r"] is P and keys["o"] is A and keys["s"] is A
    keys = rules.keyboard([_attempt("parole"), _attempt("prefet")])
    assert keys["r"] is C  # present in the first try, correct in the second


def test_share_text_has_no_letters():
    attempts = [_attempt("parole"), _attempt("prefet")]
    text = rules.share_text(25, attempts, Status.WON)
    assert text == "MOTUS #25 2/6\n🟥🟦🟡🟦🟦🟡\n🟥🟥🟥🟥🟥🟥"
    lost = rules.share_text(3, [_attempt("parole")] * 6, Status.LOST)
    assert lost.startswith("MOTUS #3 X/6\n")
    assert not any(c.isalpha() for c in lost.split("\n", 1)[1])
