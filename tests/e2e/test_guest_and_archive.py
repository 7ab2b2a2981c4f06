"""The game a new player meets, in a real browser: play as a guest, log in and find the
game carried over; the archive's calendar; hard mode; the keyboard layouts; sharing."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from motus.game import daily
from motus.game.words import definition_url, spelling
from tests.support.accounts import PASSWORD, new_username
from tests.support.browser import type_word
from tests.support.players import hints_dropping_word, todays_puzzle, wrong_words

pytestmark = pytest.mark.integration


def test_a_guest_plays_logs_in_at_the_end_and_finds_the_result_in_the_statistics(new_page, artifacts):
    puzzle = todays_puzzle()
    [wrong] = wrong_words(puzzle, 1)
    page = new_page(logged_in=False)
    page.goto("/")
    expect(page.locator('[data-testid="guest"]')).to_contain_text("Vous jouez en invité")
    page.wait_for_selector(".row.current")
    type_word(page, wrong)
    page.wait_for_selector('.row[data-row="1"].current')
    type_word(page, puzzle.answer)
    page.wait_for_selector("dialog#stats[open]")
    # The real word, and where to learn it; then the invitation.
    expect(page.locator("#end-answer")).to_have_text(spelling(puzzle.answer).upper())
    assert page.get_attribute("#definition", "href") == definition_url(spelling(puzzle.answer))
    invite = page.locator('[data-testid="invite"]')
    expect(invite).to_contain_text("Connectez-vous pour garder ce résultat et votre série")
    expect(page.locator("#stats-status")).to_contain_text("réservées aux comptes")
    page.screenshot(path=str(artifacts / "guest-won.png"))

    invite.get_by_role("link", name="Créer un compte").click()
    page.wait_for_url("**/auth/register**")
    name = new_username()
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.click("button[type=submit]")

    # Back in the game, logged in: the same game, said so, and counted.
    expect(page.locator('[data-testid="adoption"]')).to_contain_text("enregistrée dans votre compte")
    assert page.inner_text('[data-testid="player-name"]') == name
    assert "partie=" not in page.url  # said once
    page.wait_for_selector("dialog#stats[open]")
    expect(page.locator("#stat-played")).to_have_text("1", timeout=30_000)
    expect(page.locator('[data-testid="invite"]')).to_be_hidden()
    marks = page.eval_on_selector_all('.row[data-row="1"] .tile', "ts => ts.map(t => t.dataset.mark)")
    assert marks == ["correct"] * puzzle.length
    assert page.js_errors == []


def test_the_calendar_opens_a_past_puzzle_and_shows_where_it_stands(new_page, artifacts):
    puzzle = todays_puzzle()
    past = daily.published(puzzle.number - 1, datetime.now(UTC))
    [wrong] = wrong_words(past, 1)
    page = new_page()
    page.goto("/")
    page.click("#archives-link")
    page.wait_for_url("**/archives")
    expect(page.locator('[data-testid="month"]')).to_be_visible()
    if past.day.month != puzzle.day.month:
        page.click('[data-testid="previous-month"]')
    page.click(f'a[data-puzzle="{past.number}"]')
    page.wait_for_url(f"**/partie/{past.number}")
    page.wait_for_selector(".row.current")
    expect(page.locator("#meta")).to_contain_text(f"Mot n°{past.number} du ")
    expect(page.locator('[data-testid="archive-note"]')).to_contain_text("Partie libre")
    type_word(page, wrong)
    page.wait_for_selector('.row[data-row="1"].current')
    page.goto(f"/archives?month={past.day.strftime('%Y-%m')}")
    cell = page.locator(f'td:has(a[data-puzzle="{past.number}"])')
    expect(cell).to_have_attribute("data-status", "playing")
    page.screenshot(path=str(artifacts / "archives.png"), full_page=True)
    assert page.js_errors == []


def test_hard_mode_is_chosen_in_the_settings_and_a_dropped_hint_is_refused(new_page):
    puzzle = todays_puzzle()
    first, dropping, position = hints_dropping_word(puzzle)
    page = new_page()
    page.goto("/")
    page.wait_for_selector(".row.current")
    page.click("#open-settings")
    page.check("#hard-mode")
    expect(page.locator("#hard-mode-status")).to_have_text("Mode difficile activé.")
    page.locator("dialog#settings").get_by_role("button", name="Fermer").click()
    expect(page.locator("#meta")).to_contain_text("mode difficile")
    type_word(page, first)
    page.wait_for_selector('.row[data-row="1"].current')
    type_word(page, dropping)
    expect(page.locator("#toast")).to_contain_text(f"la lettre {first[position].upper()} doit rester")
    page.wait_for_selector('.row[data-row="1"].current')  # no try spent
    assert page.js_errors == []


def test_keyboard_layouts_are_a_remembered_setting_and_the_physical_keyboard_still_types(new_page):
    page = new_page()
    page.goto("/")
    page.wait_for_selector(".row.current")
    first_row = ".krow >> nth=0 >> .key"
    assert page.locator(first_row).first.get_attribute("data-key") == "A"  # AZERTY by default
    page.click("#open-settings")
    page.select_option("#keyboard-layout", "qwertz")
    page.locator("dialog#settings").get_by_role("button", name="Fermer").click()
    assert [page.locator(first_row).nth(i).get_attribute("data-key") for i in range(6)] == list("QWERTZ")
    page.reload()
    page.wait_for_selector(".row.current")
    assert page.locator(first_row).nth(5).get_attribute("data-key") == "Z"
    page.click("#open-settings")
    page.select_option("#keyboard-layout", "bepo")
    page.locator("dialog#settings").get_by_role("button", name="Fermer").click()
    assert page.locator(first_row).first.get_attribute("data-key") == "B"
    typed = page.locator(".row.current .tile.typed")
    given = typed.first.inner_text()  # the first letter, given
    page.keyboard.type("WX")  # the focus is still on the settings button
    expect(typed).to_have_count(3)
    assert [typed.nth(i).inner_text() for i in range(3)] == [given, "W", "X"]


@pytest.mark.parametrize("sheet", [True, False], ids=["share-sheet", "clipboard"])
def test_sharing_uses_the_share_sheet_where_there_is_one_and_says_which(new_page, sheet):
    puzzle = todays_puzzle()
    page = new_page()
    if sheet:
        page.add_init_script("navigator.share = (data) => { window.shared = data.text; return Promise.resolve(); };")
    else:
        page.add_init_script("Object.defineProperty(navigator, 'share', { value: undefined });")
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/")
    page.wait_for_selector(".row.current")
    type_word(page, puzzle.answer)
    page.wait_for_selector("dialog#stats[open]")
    page.click("#copy-share")
    base = page.evaluate("location.origin")
    if sheet:
        expect(page.locator("#copy-status")).to_have_text("Partagé !")
        shared = page.evaluate("window.shared")
    else:
        expect(page.locator("#copy-status")).to_have_text("Copié dans le presse-papiers !")
        shared = page.evaluate("navigator.clipboard.readText()")
    assert re.match(rf"^MOTUS #{puzzle.number} 1/6\n", shared) and shared.endswith(f"\n{base}")
