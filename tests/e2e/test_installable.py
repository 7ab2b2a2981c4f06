"""Installable, checked in Chromium without installing anything: the manifest the page
links, the service worker's registration, its cache, and the page it shows offline."""

from __future__ import annotations

import struct

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.integration


def test_the_page_links_a_manifest_chromium_can_read(new_page):
    page = new_page(logged_in=False)
    page.goto("/")
    href = page.get_attribute('link[rel="manifest"]', "href")
    manifest = page.request.get(href)
    assert manifest.ok and manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["display"] == "standalone" and body["start_url"] == "/"
    for icon in body["icons"]:
        png = page.request.get(icon["src"]).body()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert "x".join(map(str, struct.unpack(">II", png[16:24]))) == icon["sizes"]


def test_the_service_worker_registers_caches_the_shell_and_shows_a_page_offline(new_page, artifacts):
    page = new_page()
    page.goto("/")
    page.wait_for_selector(".row.current")
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == page.evaluate("location.origin") + "/"
    cached = page.evaluate(
        "caches.keys().then(names => Promise.all(names.map(n => caches.open(n).then(c => c.keys()))))"
        ".then(lists => lists.flat().map(r => new URL(r.url).pathname))"
    )
    assert "/hors-ligne" in cached and "/static/game.js" in cached
    # Reload once, controlled by the worker, then play: nothing personal lands in the cache.
    page.reload()
    page.wait_for_selector(".row.current")
    assert page.evaluate("!!navigator.serviceWorker.controller")
    after = page.evaluate(
        "caches.keys().then(names => Promise.all(names.map(n => caches.open(n).then(c => c.keys()))))"
        ".then(lists => lists.flat().map(r => new URL(r.url).pathname))"
    )
    assert not [path for path in after if path.startswith(("/api/", "/login", "/auth/")) or path == "/"]

    page.context.set_offline(True)
    try:
        page.goto("/")
        expect(page.locator('[data-testid="offline"]')).to_be_visible()
        expect(page.locator("h2")).to_have_text("Pas de connexion")
        page.screenshot(path=str(artifacts / "offline.png"))
    finally:
        page.context.set_offline(False)
