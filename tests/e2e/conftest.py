"""Browser tests: Debian's Chromium driven by Playwright, through HAProxy on a private stack."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx2
import pytest

from tests.support.game_login import sign_up_and_log_in

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out, which this
# closed network refuses; --no-sandbox because CI runs as root.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def new_page(browser, healthy_stack):
    contexts = []

    def make(
        width: int = 1000,
        height: int = 820,
        theme: str | None = None,
        contrast: str | None = None,
        logged_in: bool = True,
    ):
        base = healthy_stack.topology.public_url
        ctx = browser.new_context(viewport={"width": width, "height": height}, base_url=base)
        if logged_in:
            # A new account logged in over HTTP (the browser flow has its own test),
            # its game session cookie handed to the browser.
            with httpx2.Client(base_url=base, timeout=10) as client:
                sign_up_and_log_in(client)
                value = client.cookies["motus_session"]
            ctx.add_cookies([{"name": "motus_session", "value": value, "url": base}])
        prefs = []
        if theme:
            prefs.append(f"localStorage.setItem('motus-theme', '{theme}');")
        if contrast:
            prefs.append(f"localStorage.setItem('motus-contrast', '{contrast}');")
        if prefs:
            ctx.add_init_script("".join(prefs))
        contexts.append(ctx)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # A script or style of ours that the Content-Security-Policy blocks shows up here.
        page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.js_errors = errors
        return page

    yield make
    for ctx in contexts:
        ctx.close()
