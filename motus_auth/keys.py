"""Every Redis key the auth service writes, with its lifetime and the reason for it."""

from __future__ import annotations

from motus_auth import throttle

PREFIX = "auth:v1"

# A login session at the provider (single sign-on). 12 hours: a day's play without
# logging in again, not a week-old session on a shared computer.
SSO_TTL_SECONDS = 12 * 3600
# Failure counters live as long as the window they count over.
FAILURES_TTL_SECONDS = throttle.WINDOW_SECONDS


def user(user_id: str) -> str:
    return f"{PREFIX}:user:{user_id}"  # no TTL: an account lives until deleted


def username(canonical: str) -> str:
    return f"{PREFIX}:username:{canonical}"  # no TTL: the uniqueness index of accounts


def sso(session_id: str) -> str:
    return f"{PREFIX}:sso:{session_id}"


def failures(kind: str, who: str) -> str:
    return f"{PREFIX}:failures:{kind}:{who}"


def lock(kind: str, who: str) -> str:
    return f"{PREFIX}:lock:{kind}:{who}"  # TTL = the lock's duration


# The provider's RSA signing keys (JSON list, newest first). No TTL.
SIGNING_KEYS = f"{PREFIX}:signing-keys"
# One-time authorization codes, stored under a hash of the code: 60 s (RFC 9700
# asks for short-lived codes), but kept as "used" until then to detect a replay.
CODE_TTL_SECONDS = 60
# Refresh tokens (hashed) and their families: 30 days of not logging in again.
REFRESH_TTL_SECONDS = 30 * 24 * 3600
# Access tokens are JWTs valid 10 minutes (RFC 9068 profile, <= 15 min here).
ACCESS_TOKEN_SECONDS = 600
ID_TOKEN_SECONDS = 600


def code(code_hash: str) -> str:
    return f"{PREFIX}:code:{code_hash}"


def nonce(client_id: str, nonce_hash: str) -> str:
    return f"{PREFIX}:nonce:{client_id}:{nonce_hash}"  # TTL: as long as a code may live


def refresh(token_hash: str) -> str:
    return f"{PREFIX}:refresh:{token_hash}"


def family_revoked(family: str) -> str:
    return f"{PREFIX}:family-revoked:{family}"  # TTL: as long as a refresh token may live


def user_families(user_id: str) -> str:
    # Every token family (one per login of a client) of an account, so a logout at the
    # provider revokes them all. As long as the longest-lived of them.
    return f"{PREFIX}:user-families:{user_id}"
