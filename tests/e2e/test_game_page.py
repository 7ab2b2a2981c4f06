"""Playing the daily word in a real browser, by clicking the on-screen keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from motus.game import rules
from motus.game.words import spelling
from tests.support.browser import type_word
from tests.support.players import todays_puzzle, wrong_words

pytestmark = pytest.mark.integration


def _row_marks(page, row: int) -> list[str]:
    # The row is revealed once the next row (or the end) is drawn, after the flips.
    page.wait_for_selector(f".row[data-row='{row + 1}'].current, dialog#stats[open]")
    return page.eval_on_selector_all(f'.row[data-row="{row}"] .tile', "ts => ts.map(t => t.dataset.mark)")


def test_play_a_whole_game_by_clicking(new_page, artifacts):
    puzzle = todays_puzzle()
    page = new_page()
    page.goto("/")
    page.wait_for_selector(".row.current")
    assert page.inner_text("#meta").startswith(f"Mot n°{puzzle.number}")
    assert page.inner_text('.row[data-row="0"] .tile >> nth=0') == puzzle.first_letter.upper()

    # A refused word: the row shakes, a message says why, no try is spent.
    type_word(page, puzzle.first_letter + "z" * (puzzle.length - 1))
    page.wait_for_selector(".row.current.shake")
    assert page.inner_text("#toast") == "Ce mot n'est pas dans notre dictionnaire."
    for _ in range(puzzle.length):
        page.click('.key[data-key="BACK"]')

    # A wrong word: tiles coloured as the rules say; keys coloured too.
    [wrong] = wrong_words(puzzle, 1)
    type_word(page, wrong)
    expected = [m.value for m in rules.mark(wrong, puzzle.answer)]
    page.wait_for_selector('.row[data-row="1"].current')
    assert _row_marks(page, 0) == expected
    for letter, mark in rules.keyboard([rules.Attempt(wrong, rules.mark(wrong, puzzle.answer))]).items():
        assert page.get_attribute(f'.key[data-key="{letter.upper()}"]', "data-mark") == mark.value
    assert wrong.upper() in page.inner_text("#announcer")
    page.screenshot(path=str(artifacts / "game-light-playing.png"))

    # The answer: the end panel shows it, the share text and a countdown.
    type_word(page, puzzle.answer)
    page.wait_for_selector("dialog#stats[open]")
    assert _row_marks(page, 1) == ["correct"] * puzzle.length
    assert page.inner_text("#end-answer") == spelling(puzzle.answer).upper()
    share = page.inner_text("#share-text")
    assert share.startswith(f"MOTUS #{puzzle.number} 2/6")
    assert share.count("🟥") >= puzzle.length
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    page.screenshot(path=str(artifacts / "game-light-won.png"))
    assert page.js_errors == []

    # Reloading shows the finished game, from any replica.
    page.context.clear_cookies(name="MOTUS_GAME")
    page.reload()
    page.wait_for_selector("dialog#stats[open]")
    assert page.inner_text("#end-answer") == spelling(puzzle.answer).upper()


def test_physical_keyboard_and_accents(new_page):
    puzzle = todays_puzzle()
    page = new_page()
    page.goto("/")
    page.wait_for_selector(".row.current")
    [wrong] = wrong_words(puzzle, 1)
    page.keyboard.type(wrong.upper())  # the first letter typed again is skipped
    page.keyboard.press("Enter")
    assert _row_marks(page, 0) == [m.value for m in rules.mark(wrong, puzzle.answer)]


def test_incomplete_word_is_refused_without_a_request(new_page):
    page = new_page()
    page.goto("/")
    page.wait_for_selector(".row.current")
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/guess" in r.url else None)
    page.click('.key[data-key="ENTER"]')
    page.wait_for_selector(".row.current.shake")
    assert "lettres" in page.inner_text("#toast")
    assert requests == []


@pytest.mark.parametrize(
    ("name", "width", "theme", "contrast"),
    [
        ("light", 1000, "light", "normal"),
        ("dark", 1000, "dark", "normal"),
        ("high-contrast", 1000, "light", "high"),
        ("phone-360", 360, "dark", "normal"),
    ],
)
def test_screenshots_of_each_mode(new_page, artifacts, name, width, theme, contrast):
    puzzle = todays_puzzle()
    page = new_page(width=width, height=780, theme=theme, contrast=contrast)
    page.goto("/")
    page.wait_for_selector(".row.current")
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    assert page.evaluate("document.documentElement.dataset.contrast") == contrast
    for row, word in enumerate(wrong_words(puzzle, 2), start=1):
        type_word(page, word)
        page.wait_for_selector(f'.row[data-row="{row}"].current')
    # Nothing overflows the viewport, even ten letters on a 360 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts / f"game-{name}.png"), full_page=True)
    assert page.js_errors == []


def test_settings_are_remembered(new_page):
    page = new_page()
    page.goto("/")
    page.click("#open-settings")
    page.check("#dark-mode")
    page.check("#high-contrast")
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("document.documentElement.dataset.contrast") == "high"


def test_rules_dialog_explains_repeated_letters(new_page):
    page = new_page()
    page.goto("/")
    page.click("#open-rules")
    text = page.inner_text("dialog#rules")
    assert "Lettres répétées" in text and "ALLEES" in text and "LALLES" in text
    assert page.get_attribute('.key[data-key="ENTER"]', "aria-label") == "Valider le mot"


def test_footer_names_the_replica(new_page):
    page = new_page()
    resp = page.goto("/")
    assert page.inner_text('[data-testid="instance"]') == resp.headers["x-motus-instance"]


def test_a_device_clock_hours_ahead_counts_down_on_the_server_clock(new_page):
    from datetime import UTC, datetime, timedelta

    puzzle = todays_puzzle()
    page = new_page()
    # The device thinks it is eleven hours later: past midnight in Paris, very likely.
    page.clock.set_system_time(datetime.now(UTC) + timedelta(hours=11))
    todays = []
    page.on("request", lambda r: todays.append(r.url) if "/api/game/today" in r.url else None)
    page.goto("/")
    page.wait_for_selector(".row.current")
    type_word(page, puzzle.answer)
    page.wait_for_selector("dialog#stats[open]")
    page.wait_for_timeout(3000)
    # No reload loop: the page asked for today's game once, and counts down from the
    # server's time (the next word is in the future from the server's point of view).
    assert len(todays) == 1, todays
    assert page.inner_text("#countdown") != "00:00:00"
    hours = int(page.inner_text("#countdown").split(":")[0])
    assert 0 <= hours < 25


def test_keyboard_users_keep_their_focus(new_page):
    puzzle = todays_puzzle()
    first, second = [c for c in "ZXWV" if c != puzzle.first_letter.upper()][:2]
    page = new_page()
    page.goto("/")
    page.wait_for_selector(".row.current")
    # A key reached with Tab and activated with Enter types its letter, not a submit.
    page.focus(f'.key[data-key="{first}"]')
    page.keyboard.press("Enter")
    assert page.inner_text(".row.current .tile.typed >> nth=1") == first
    assert page.inner_text("#toast") == ""
    # After a click on a key, typing goes to the game, not to that key.
    page.click(f'.key[data-key="{second}"]')
    page.keyboard.press("Space")
    assert page.eval_on_selector_all(".row.current .tile.typed", "ts => ts.length") == 3
    # The rules button opens with Enter.
    page.focus("#open-rules")
    page.keyboard.press("Enter")
    page.wait_for_selector("dialog#rules[open]")
