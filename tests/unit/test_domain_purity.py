"""The rules live in plain modules: no web framework, no Redis, no service plumbing.

One check for every such module (the game's rules, daily word and word lists; the
scoring; the puzzle calendar they share; the provider's password, username and lock
policies), so a route's or a store's concerns cannot creep into them unnoticed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PURE = [
    *sorted((REPO / "motus" / "game").glob("*.py")),
    REPO / "motus_score" / "scoring.py",
    REPO / "motus_kit" / "puzzle_days.py",
    REPO / "motus_auth" / "passwords.py",
    REPO / "motus_auth" / "usernames.py",
    REPO / "motus_auth" / "throttle.py",
]
FORBIDDEN = {"fastapi", "starlette", "pydantic", "redis", "httpx2", "authlib", "motus_kit"}
# The one kit module the domain may use: the puzzle calendar, itself in PURE.
ALLOWED = {"motus_kit.puzzle_days"}


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    return names


@pytest.mark.parametrize("path", PURE, ids=[str(p.relative_to(REPO)) for p in PURE])
def test_a_domain_module_imports_no_framework_store_or_plumbing(path):
    top_level = {name.split(".")[0] for name in imported(path) - ALLOWED}
    assert not top_level & FORBIDDEN, f"{path.name} imports {sorted(top_level & FORBIDDEN)}"


def test_the_check_sees_a_forbidden_import(tmp_path):
    # The control: the parse above would notice one.
    module = tmp_path / "m.py"
    module.write_text("from redis.asyncio import Redis\nimport fastapi.routing\n")
    assert {name.split(".")[0] for name in imported(module)} & FORBIDDEN == {"redis", "fastapi"}
