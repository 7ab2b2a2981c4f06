"""CSRF protection for the auth forms: a token tied to a browser cookie.

The browser gets a random, HttpOnly, SameSite=Strict cookie; every form carries a
token that is an HMAC of that cookie. A cross-site page can make the browser send
the cookie (not even that, with SameSite) but can neither read it nor compute the
token, so a forged form post fails. Stateless, so any replica can check it.
"""

from __future__ import annotations

import hmac
import secrets

from motus_kit import signing

COOKIE = "motus_auth_csrf"
FIELD = "csrf_token"
_PURPOSE = "auth-csrf"


def new_cookie_value() -> str:
    return secrets.token_urlsafe(32)


def token_for(cookie_value: str, secret: str) -> str:
    return signing.signature(cookie_value, secret, _PURPOSE)


def valid(cookie_value: str | None, token: str | None, secret: str) -> bool:
    if not cookie_value or not token:
        return False
    return hmac.compare_digest(token, token_for(cookie_value, secret))
