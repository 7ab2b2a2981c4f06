"""The installable app as files: the manifest, its icons (real PNGs of the sizes they
claim), the service worker's never-cache list, and a manifest link on every page."""

import json
import re
import struct
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
STATIC = REPO / "motus" / "static"
MANIFEST = json.loads((STATIC / "manifest.webmanifest").read_text())


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_has_what_browsers_ask_for_to_install():
    assert {"name", "short_name", "start_url", "display", "theme_color", "icons"} <= set(MANIFEST)
    assert MANIFEST["display"] == "standalone" and MANIFEST["start_url"] == "/" and MANIFEST["scope"] == "/"
    assert re.fullmatch(r"#[0-9a-f]{6}", MANIFEST["theme_color"])


@pytest.mark.parametrize("icon", MANIFEST["icons"], ids=[i["src"] for i in MANIFEST["icons"]])
def test_every_icon_is_a_png_of_the_size_it_claims(icon):
    width, height = map(int, icon["sizes"].split("x"))
    assert icon["type"] == "image/png"
    assert _png_size(STATIC / icon["src"].removeprefix("/static/")) == (width, height)


def test_icons_of_192_and_512_and_a_maskable_one():
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in MANIFEST["icons"]}
    assert {("192x192", "any"), ("512x512", "any")} <= sizes
    assert any(purpose == "maskable" for _, purpose in sizes)


def test_the_service_worker_never_caches_the_api_the_login_or_the_provider():
    worker = (STATIC / "sw.js").read_text()
    never = re.search(r"const NEVER = \[(.*?)\];", worker, re.S)[1]
    assert {"/api/", "/login", "/auth/"} <= set(re.findall(r'"([^"]+)"', never))
    shell = re.search(r"const SHELL = \[(.*?)\];", worker, re.S)[1]
    cached = re.findall(r'"([^"]+)"', shell) + re.findall(r"^\s*(OFFLINE),", shell, re.M)
    assert not [path for path in cached if path.startswith(("/api/", "/login", "/auth/"))]
    # Every asset the shell lists exists.
    for path in re.findall(r'"(/static/[^"]+)"', shell):
        assert (STATIC / path.removeprefix("/static/")).exists(), path


@pytest.mark.parametrize("base", ["motus/templates/base.html", "motus_auth/templates/base.html"])
def test_every_page_links_the_manifest(base):
    assert '<link rel="manifest" href="/manifest.webmanifest">' in (REPO / base).read_text()
    # ... and every page extends that base.
    for template in (REPO / base).parent.glob("*.html"):
        if template.name != "base.html":
            assert template.read_text().startswith('{% extends "base.html" %}'), template.name
