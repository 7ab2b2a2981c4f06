"""Driving the game page in a browser test."""

from __future__ import annotations


def type_word(page, word: str) -> None:
    """Types a word on the on-screen keyboard and sends it."""
    # The first letter is given: typing starts at the second one.
    for letter in word[1:].upper():
        page.click(f'.key[data-key="{letter}"]')
    page.click('.key[data-key="ENTER"]')
