"""The session cookie: a random session id, signed so a forged or altered cookie is ignored.

The session itself (which player this browser is, and their tokens: motus/player.py)
lives in the game's Redis, so any replica recognises the browser.
"""

from __future__ import annotations

import re
import secrets

from motus_kit import signing

COOKIE = "motus_session"
_PURPOSE = "game-session"
_SID_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def sign(session_id: str, secret: str) -> str:
    return signing.sign(session_id, secret, _PURPOSE)


def unsign(value: str | None, secret: str) -> str | None:
    """The session id if the cookie is well formed and its signature matches, else None."""
    session_id = signing.unsign(value, secret, _PURPOSE)
    return session_id if session_id and _SID_RE.match(session_id) else None
