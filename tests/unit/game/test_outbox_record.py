"""The outbox entry as one typed record: what the guess script writes is what the relay reads."""

from __future__ import annotations

import re

import pytest

from motus import store
from motus.outbox import FIELDS, Entry, FinishedGame, MalformedEntry

WRITTEN = {
    "player": "abc123",
    "name": "Alice",
    "puzzle": "25",
    "won": "1",
    "attempts": "3",
    "seconds": "42",
    "finished_at_ms": "1700000000123",
}


def test_an_entry_as_the_guess_script_writes_it_reads_back_typed():
    game = Entry("1700000000123-0", WRITTEN).game
    assert game == FinishedGame("abc123", "Alice", 25, True, 3, 42, 1_700_000_000_123)
    assert game.result() == {
        "name": "Alice",
        "won": True,
        "attempts": 3,
        "seconds": 42,
        "finished_at": 1_700_000_000_123,
        "hard": False,
    }
    # Written by the guess script since hard mode exists; entries from before read as not hard.
    assert FinishedGame.from_fields({**WRITTEN, "hard": "1"}).hard is True
    assert game.lag_seconds(now=1_700_000_001.123) == pytest.approx(1.0)
    assert FinishedGame.from_fields({**WRITTEN, "won": "0", "name": ""}).won is False


@pytest.mark.parametrize("script", [store._GUESS, store._ADOPT], ids=["guess", "adopt-guest-game"])
def test_the_scripts_set_every_field_before_appending(script):
    append = script.index("XADD")
    for name in FIELDS:
        assert re.search(rf"local [^\n]*\b{name}\b", script[:append]), f"{name} is not set before XADD"
        assert f"'{name}', tostring({name})" in script


@pytest.mark.parametrize(
    "broken",
    [
        {"player": "a/b"},  # would change the URL path
        {"player": ""},
        {"puzzle": "x"},
        {"won": "yes"},
        {"attempts": None},
        {"finished_at_ms": None},
        {"hard": "yes"},
    ],
)
def test_anything_else_is_malformed(broken):
    fields = {**WRITTEN, **{k: v for k, v in broken.items() if v is not None}}
    for key in [k for k, v in broken.items() if v is None]:
        del fields[key]
    with pytest.raises(MalformedEntry):
        _ = Entry("1-0", fields).game
