"""Runs last (file order): the project goes away completely."""

from __future__ import annotations

import pytest

# A cold first run builds the images inside the first test's setup (about two minutes here).
pytestmark = [pytest.mark.compose, pytest.mark.timeout(900)]


def test_docker_compose_down_with_volumes_leaves_nothing_behind(compose_stack):
    assert all(compose_stack.leftovers().values())  # containers, volumes and networks exist
    compose_stack.down()
    assert compose_stack.leftovers() == {"containers": [], "volumes": [], "networks": []}
