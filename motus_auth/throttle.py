"""How long a login is refused after failures. Pure: the store counts, this decides.

Per account: five failures in 15 minutes lock it for 30 s, doubling with every
further failure up to 15 minutes, so a guesser gets a few dozen tries an hour
while the owner, after a few typos, waits half a minute. Per client IP: 30
failures in 15 minutes lock that IP out for 15 minutes, whichever account it
tries. HAProxy's stick-table rate limit is the outer wall in front of this.
"""

from __future__ import annotations

WINDOW_SECONDS = 15 * 60
ACCOUNT_FREE_FAILURES = 5
ACCOUNT_FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
IP_MAX_FAILURES = 30


def account_lock_seconds(failures: int, first_lock: int = ACCOUNT_FIRST_LOCK_SECONDS) -> int:
    """Lock to apply after the `failures`-th failure in the window (0: none).

    The reference for the Lua script in store.py, which applies it atomically.
    """
    if failures < ACCOUNT_FREE_FAILURES:
        return 0
    return min(MAX_LOCK_SECONDS, first_lock * 2 ** (failures - ACCOUNT_FREE_FAILURES))


def retry_message(seconds: int) -> str:
    wait = f"{seconds} secondes" if seconds < 90 else f"{(seconds + 59) // 60} minutes"
    return f"Trop de tentatives de connexion. Réessayez dans {wait}."
