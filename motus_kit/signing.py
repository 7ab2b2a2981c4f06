"""HMAC signatures for values a browser carries (cookie ids, CSRF tokens).

The value is readable by the client; the signature proves this platform issued it,
so a forged or altered value is ignored. Keys are per-purpose secrets from settings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def signature(value: str, secret: str, purpose: str) -> str:
    # The purpose is part of the MAC: a token signed for one use never passes for another.
    digest = hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(value: str, secret: str, purpose: str) -> str:
    return f"{value}.{signature(value, secret, purpose)}"


def unsign(signed: str | None, secret: str, purpose: str) -> str | None:
    """The value if `signed` carries a valid signature for this purpose, else None."""
    if not signed or signed.count(".") != 1:
        return None
    value, sig = signed.split(".")
    if not value or not hmac.compare_digest(sig, signature(value, secret, purpose)):
        return None
    return value
