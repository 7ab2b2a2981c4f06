"""The player behind a browser: a logged-in account (who they are, and the provider's
tokens that let the game act on their behalf, renewed before they expire), or a guest
playing before logging in (motus/guest.py).

One id for one person: the account's `subject` at the provider. It keys the game in
redis-game (keys.game) and the results at the score service (the outbox). The
session itself lives in redis-game, so any replica recognises the browser.

A browser that sends a session cookie claims a login: if the cookie is forged or the
session has ended, the API answers 401 rather than quietly starting a guest game in
the middle of the player's own (the page itself drops the dead cookie: pages.home).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import asdict, dataclass

from motus import guest, session
from motus.guest import Guest
from motus.oidc import LoginFailed, Provider, ProviderUnavailable, Tokens
from motus.session_store import SessionStore
from motus.store import Owner
from motus_kit.errors import ApiError

log = logging.getLogger("motus.login")
# Refresh the access token when less than this is left, so calls made with it never
# meet an expired one.
REFRESH_MARGIN_SECONDS = 120


@dataclass(frozen=True)
class SessionRecord:
    """A browser's session as redis-game keeps it (one hash, every value a string)."""

    subject: str  # the account's subject at the provider
    name: str  # the username, shown in the header and on the leaderboards
    access_token: str
    refresh_token: str
    id_token: str  # the logout hint sent to the provider's end-session endpoint
    expires_at: int  # when the access token expires (Unix time)
    login_id: str  # one per login: tells two logins of one account apart in logs

    @classmethod
    def new(cls, subject: str, name: str, tokens: Tokens, login_id: str) -> SessionRecord:
        return cls(
            subject, name, tokens.access_token, tokens.refresh_token, tokens.id_token, tokens.expires_at, login_id
        )

    @classmethod
    def from_hash(cls, data: dict[str, str]) -> SessionRecord | None:
        # Sessions written before the subject had a field of its own kept it twice:
        # "user_id" and "player" = "u:" + subject. Both still read, for 30 days.
        subject = data.get("subject") or data.get("user_id") or data.get("player", "").removeprefix("u:")
        if not subject:
            return None
        return cls(
            subject=subject,
            name=data.get("name", ""),
            access_token=data.get("access_token", ""),
            refresh_token=data.get("refresh_token", ""),
            id_token=data.get("id_token", ""),
            expires_at=int(data.get("expires_at") or 0),
            login_id=data.get("login_id", ""),
        )

    def to_hash(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()}


class Player:
    """The player behind this request's browser, if one is logged in."""

    def __init__(
        self,
        session_id: str | None,
        record: SessionRecord | None,
        sessions: SessionStore | None = None,
        provider: Provider | None = None,
        claimed: bool = False,
        guest_id: str | None = None,
    ) -> None:
        self.session_id = session_id
        self.record = record
        self._sessions, self._provider = sessions, provider
        # The browser sent a session cookie (valid or not): it claims a login.
        self.claimed = claimed or session_id is not None
        self.guest_id = guest_id

    @property
    def logged_in(self) -> bool:
        return self.record is not None

    @property
    def login_ended(self) -> bool:
        """A session cookie came, but no live session is behind it (ended, or forged)."""
        return self.claimed and self.record is None

    def owner(self) -> Owner | None:
        """Whose games this browser plays: the account, or the guest (None for a visitor
        who has not played yet: no game of theirs exists). 401 once a login has ended."""
        if self.record is not None:
            return Owner(self.record.subject)
        if self.claimed:
            raise login_ended()
        return Owner(self.guest_id, guest=True) if self.guest_id else None

    @property
    def subject(self) -> str:
        """The account's subject; "" for a visitor (see require)."""
        return self.record.subject if self.record else ""

    @property
    def name(self) -> str:
        return self.record.name if self.record else ""

    @property
    def id_token(self) -> str | None:
        return self.record.id_token if self.record else None

    def require(self, message: str | None = None) -> str:
        """The subject, or a 401 asking a visitor to log in."""
        if self.record is None:
            raise login_required(message)
        return self.record.subject

    async def access_token(self) -> str | None:
        """The player's access token for a call on their behalf, renewed first if it is
        about to expire; None for a visitor, or once the provider ended the login.

        Only the calls that need the token ask for it (the statistics, the leaderboard
        with the player's rank): a try at the game never waits on the provider, and a
        busy provider can never log a player out in the middle of a game.
        """
        if self.record is None:
            return None
        if self.record.expires_at - time.time() < REFRESH_MARGIN_SECONDS and self.session_id:
            self.record = await _refresh(self.session_id, self.record, self._sessions, self._provider)
        return self.record.access_token if self.record else None


def login_required(message: str | None = None) -> ApiError:
    return ApiError(401, "login_required", message or "Connectez-vous pour jouer.")


def login_ended() -> ApiError:
    return login_required("Votre connexion a pris fin : reconnectez-vous, ou rechargez la page pour jouer en invité.")


def playing_as(cookies: dict[str, str], secret: str, client: str) -> str | Guest:
    """Who a try is played by: the session id (its session is read with the game, in
    one round trip), or the guest (a new one from this client address, if none yet)."""
    cookie = cookies.get(session.COOKIE)
    if cookie is not None:
        session_id = session.unsign(cookie, secret)
        if session_id is None:
            raise login_ended()
        return session_id
    guest_id = guest.unsign(cookies.get(guest.COOKIE), secret)
    return Guest(guest_id) if guest_id else Guest.mint(client)


async def session_subject(session_id: str, sessions: SessionStore) -> str:
    """The subject of a browser's session, or the 401 of a login that has ended."""
    record = SessionRecord.from_hash(await sessions.get(session_id) or {})
    if record is None:
        raise login_ended()
    return record.subject


async def load(cookies: dict[str, str], secret: str, sessions: SessionStore, provider: Provider) -> Player:
    """The player of a browser's cookies: one read of redis-game for a session, none for a guest."""
    cookie = cookies.get(session.COOKIE)
    if cookie is None:
        return Player(None, None, guest_id=guest.unsign(cookies.get(guest.COOKIE), secret))
    session_id = session.unsign(cookie, secret)
    if not session_id:
        return Player(None, None, claimed=True)
    record = SessionRecord.from_hash(await sessions.get(session_id) or {})
    return Player(session_id, record, sessions, provider)


# How long a request waits for a refresh another request of the same browser is making.
_REFRESH_WAIT_SECONDS = 3.0


async def _refresh(
    session_id: str, record: SessionRecord, sessions: SessionStore, provider: Provider
) -> SessionRecord | None:
    if not await sessions.lock_refresh(session_id):
        # Another request of this browser (on this replica or the other) is refreshing:
        # wait for its result rather than call with a token about to expire. Two
        # refreshes at once would present one refresh token twice, which the provider
        # takes for a stolen token and answers by revoking the whole login.
        return await _refreshed_by_another(session_id, record, sessions)
    try:
        tokens = await provider.refresh(record.refresh_token)
    except LoginFailed as exc:
        # Revoked at the provider (logout elsewhere, a replayed token): logged out here too.
        log.info("refresh refused, session ended", extra={"reason": str(exc)[:200]})
        await sessions.delete(session_id)
        return None
    except ProviderUnavailable as exc:
        # The provider is down for a moment: the player stays logged in with the token
        # they have; the next call that needs it tries again.
        log.warning("refresh postponed", extra={"reason": str(exc)[:200]})
        return record
    finally:
        await sessions.unlock_refresh(session_id)
    fields = {
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "expires_at": str(tokens.expires_at),
    }
    await sessions.update(session_id, fields)
    return SessionRecord(**{**asdict(record), **fields, "expires_at": tokens.expires_at})


async def _refreshed_by_another(session_id: str, record: SessionRecord, sessions: SessionStore) -> SessionRecord | None:
    deadline = time.monotonic() + _REFRESH_WAIT_SECONDS
    while time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        data = await sessions.get(session_id)
        if not data:
            return None  # the other refresh was refused: the login ended
        latest = SessionRecord.from_hash(data)
        if latest and latest.refresh_token != record.refresh_token:
            return latest
        if not await sessions.refresh_locked(session_id):
            return latest  # it gave up (the provider is down): carry on with what there is
    return record
