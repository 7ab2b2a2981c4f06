"""The session cookie: a random session id, signed so a forged or altered cookie is ignored.

The session itself (which player this browser is) lives in the game's Redis, so any
replica recognises the browser. The login issue changes where the player id comes
from, not this mechanism.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

COOKIE = "motus_session"
_SID_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def _signature(session_id: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), session_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(session_id: str, secret: str) -> str:
    return f"{session_id}.{_signature(session_id, secret)}"


def unsign(value: str | None, secret: str) -> str | None:
    """The session id if the cookie is well formed and its signature matches, else None."""
    if not value or value.count(".") != 1:
        return None
    session_id, signature = value.split(".")
    if not _SID_RE.match(session_id):
        return None
    if not hmac.compare_digest(signature, _signature(session_id, secret)):
        return None
    return session_id
