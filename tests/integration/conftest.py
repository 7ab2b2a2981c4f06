"""Fixtures the integration tests of the game share (the stack itself is tests/conftest.py's)."""

from __future__ import annotations

import pytest

from tests.support.players import Player, todays_puzzle


@pytest.fixture
def player(healthy_stack):
    """A player logged in through HAProxy."""
    with Player(healthy_stack.topology.public_url) as p:
        yield p


@pytest.fixture
def puzzle():
    return todays_puzzle()
