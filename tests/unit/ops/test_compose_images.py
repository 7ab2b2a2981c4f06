"""The compose suite's helpers that decide without an engine (tests/compose/)."""

from __future__ import annotations

from tests.compose.images import DEFAULT_MIRROR, host_mirror


def test_the_mirror_is_read_from_deb822_sources_skipping_security(tmp_path):
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n\n"
        "Types: deb\nURIs: http://mirror.example.org/debian/\nSuites: bookworm bookworm-updates\n"
    )
    assert host_mirror(tmp_path) == "http://mirror.example.org/debian"


def test_the_mirror_is_read_from_a_one_line_sources_list(tmp_path):
    (tmp_path / "sources.list").write_text(
        "# a comment\ndeb [arch=amd64 signed-by=/k.gpg] http://ftp.fr.debian.org/debian bookworm main\n"
    )
    assert host_mirror(tmp_path) == "http://ftp.fr.debian.org/debian"


def test_without_sources_the_default_mirror_is_used(tmp_path):
    assert host_mirror(tmp_path) == DEFAULT_MIRROR
