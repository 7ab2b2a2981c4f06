"""Play first, log in later: the guest cookie.

A visitor with no login plays under a random guest id that a signed cookie carries
(forged or altered cookies are ignored, as for the session: motus/session.py). The
id is minted at the visitor's first try that reaches the store, never on a page
view, so a crawler or a curious visitor leaves nothing behind; its games live in
redis-game for two days (keys.GUEST_GAME_TTL_SECONDS) and move into the account at
login (store.GameStore.adopt_guest_game).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from motus_kit import signing

COOKIE = "motus_guest"
# The cookie lives as long as the guest's games.
MAX_AGE_SECONDS = 48 * 3600
_PURPOSE = "game-guest"
_ID_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class Guest:
    """A visitor playing without an account. `new`: the id was just minted, the
    browser does not have it yet (the answer sets the cookie); `client`: the address
    it comes from, which admits so many new guests an hour."""

    id: str
    new: bool = False
    client: str = ""

    @classmethod
    def mint(cls, client: str) -> Guest:
        return cls(secrets.token_urlsafe(32), new=True, client=client)


def sign(guest_id: str, secret: str) -> str:
    return signing.sign(guest_id, secret, _PURPOSE)


def unsign(value: str | None, secret: str) -> str | None:
    guest_id = signing.unsign(value, secret, _PURPOSE)
    return guest_id if guest_id and _ID_RE.match(guest_id) else None
