"""The whole login story in a browser: sign up, play, log out, log back in, the game is still there."""

from __future__ import annotations

import pytest

from motus.game import rules
from tests.support.accounts import PASSWORD, new_username
from tests.support.browser import type_word
from tests.support.players import todays_puzzle, wrong_words

pytestmark = pytest.mark.integration


def test_register_play_logout_login_and_find_the_game(new_page, artifacts):
    puzzle = todays_puzzle()
    [wrong] = wrong_words(puzzle, 1)
    name = new_username()
    page = new_page(logged_in=False)

    page.goto("/")
    page.screenshot(path=str(artifacts / "welcome.png"))
    page.click('[data-testid="signup"]')
    page.wait_for_url("**/auth/register**")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.screenshot(path=str(artifacts / "register.png"))
    page.click("button[type=submit]")

    # Back in the game, logged in, through the authorization code flow.
    page.wait_for_selector(".row.current")
    assert page.inner_text('[data-testid="player-name"]') == name
    type_word(page, wrong)
    page.wait_for_selector('.row[data-row="1"].current')
    expected = [m.value for m in rules.mark(wrong, puzzle.answer)]
    marks = page.eval_on_selector_all('.row[data-row="0"] .tile', "ts => ts.map(t => t.dataset.mark)")
    assert marks == expected

    page.click("text=Se déconnecter")
    page.wait_for_selector('[data-testid="login"]')  # the welcome page again
    page.goto("/auth/account")
    assert "/auth/login" in page.url  # the provider session ended too

    page.goto("/")
    page.click('[data-testid="login"]')
    page.wait_for_url("**/auth/login**")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector('.row[data-row="1"].current')
    assert page.inner_text('.row[data-row="0"] .tile >> nth=1') == wrong[1].upper()
    page.screenshot(path=str(artifacts / "logged-in-game.png"))
    assert page.js_errors == []


def test_wrong_password_in_the_browser_says_so(new_page):
    page = new_page(logged_in=False)
    page.goto("/login")
    page.wait_for_url("**/auth/login**")
    page.fill("#username", new_username())
    page.fill("#password", "pas le bon mot de passe")
    page.click("button[type=submit]")
    assert "incorrect" in page.inner_text(".errors")
