"""Sealing the provider's private keys at rest (motus_auth/oauth/signing_keys.py)."""

from __future__ import annotations

import copy

from motus_auth.oauth.signing_keys import Sealer, _new_key, public_part


def test_a_sealed_key_opens_with_the_same_secret_only():
    private = _new_key()
    entry = Sealer("one secret " * 4).seal(private)
    assert "d" not in entry["public"] and entry["public"]["n"] == private["n"]
    assert Sealer("one secret " * 4).open(entry) == private
    assert Sealer("another secret " * 4).open(entry) is None


def test_a_sealed_key_cannot_be_moved_to_another_kid():
    sealer = Sealer("one secret " * 4)
    entry = sealer.seal(_new_key())
    moved = copy.deepcopy(entry)
    moved["kid"] = "someone-else"
    assert sealer.open(moved) is None  # the kid is authenticated with the ciphertext


def test_keys_stored_in_clear_by_an_earlier_version_still_open_and_show_their_public_part():
    private = _new_key()
    assert Sealer("x" * 40).open(private) == private
    assert "d" not in public_part(private) and public_part(private)["kid"] == private["kid"]
