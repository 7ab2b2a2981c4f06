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
