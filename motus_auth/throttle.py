"""How long a login is refused after failures. Pure: the store counts, this decides.

Locks hurt the guesser, not the owner (usernames are public on the leaderboards):

- Per account *and* client address: five failures in 15 minutes lock that address
  out of that account for 30 s, doubling with every further failure up to 15
  minutes. The owner, at another address, is not affected.
- Per client address: 30 failures in 15 minutes, whatever the accounts, lock that
  address out of every account for 15 minutes.
- Per account, from everywhere: past 20 failures in 15 minutes the account is
  slowed down, not locked: addresses that have already failed on it share one
  password check every 10 seconds. An address that has not failed on it (the
  owner's, usually) is not slowed, so the right password still gets in.

HAProxy's per-address rate limit and its bound on concurrent credential requests
are the outer wall in front of this. README, "Accounts and login", says what an
attacker with one address, and with many, can still do.
"""

from __future__ import annotations

WINDOW_SECONDS = 15 * 60
PAIR_FREE_FAILURES = 5
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
IP_MAX_FAILURES = 30
ACCOUNT_SLOWDOWN_FAILURES = 20
ACCOUNT_SLOWDOWN_SECONDS = 10


def pair_lock_seconds(failures: int, first_lock: int = FIRST_LOCK_SECONDS) -> int:
    """Lock of one address on one account after its `failures`-th failure in the window (0: none).

    The reference for the Lua script in store.py, which applies it atomically.
    """
    if failures < PAIR_FREE_FAILURES:
        return 0
    return min(MAX_LOCK_SECONDS, first_lock * 2 ** (failures - PAIR_FREE_FAILURES))


def slowed_down(account_failures: int, failures_from_this_address: int) -> bool:
    """Whether this attempt waits for the account's shared slot (the reference for store.py)."""
    return account_failures >= ACCOUNT_SLOWDOWN_FAILURES and failures_from_this_address > 0


def retry_message(seconds: int) -> str:
    wait = f"{seconds} secondes" if seconds < 90 else f"{(seconds + 59) // 60} minutes"
    return f"Trop de tentatives de connexion. Réessayez dans {wait}."
