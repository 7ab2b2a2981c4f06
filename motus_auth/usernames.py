"""Username rules. Pure: no web framework, no Redis."""

from __future__ import annotations

import re

MIN_LENGTH, MAX_LENGTH = 3, 32
_ALLOWED = re.compile(r"^[A-Za-z0-9._-]+$")


def problem(username: str) -> str | None:
    """Why this username cannot be registered (a French sentence), or None if it can."""
    if not MIN_LENGTH <= len(username) <= MAX_LENGTH:
        return f"Le nom d'utilisateur doit faire entre {MIN_LENGTH} et {MAX_LENGTH} caractères."
    if not _ALLOWED.match(username):
        return "Le nom d'utilisateur ne peut contenir que des lettres sans accent, des chiffres, « . », « _ » et « - »."
    return None


def canonical(username: str) -> str:
    """The form uniqueness is decided on: 'Alice' and 'alice' are the same account."""
    return username.lower()
