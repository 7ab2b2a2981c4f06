"""The game as a client of the score service, through HAProxy's internal frontend.

Recording uses the game's own client-credentials token (scope score:record): the
relay may deliver a result long after the player's token expired, or after they
logged out. Reading statistics uses the player's token (scope score:read), so the
score service itself checks that a player reads only their own.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from enum import StrEnum

import httpx2

from motus.oidc import LoginFailed, Provider, ProviderUnavailable
from motus.outbox import FinishedGame

RECORD_SCOPE = "score:record"
# Renew the game's token this long before it expires.
TOKEN_MARGIN_SECONDS = 60


class Delivery(StrEnum):
    CREATED = "created"  # recorded now
    REPLAY = "replay"  # was already recorded: a duplicate, harmless
    REFUSED = "refused"  # refused for good (conflict, invalid): retrying cannot help
    FAILED = "failed"  # the score service answered, but not for this entry (a 500...): retry it alone later
    RETRY = "retry"  # the score tier is unreachable (down, timeout, no token): wait, then retry everything


@dataclass(frozen=True)
class Outcome:
    delivery: Delivery
    detail: str = ""


class ScoreUnavailable(Exception):
    """The score service could not answer; the page says so and carries on."""


class ScoreRefused(Exception):
    """The score service refused the player's token (expired, or without score:read)."""


class ServiceToken:
    """The game's client-credentials token, fetched once and shared by the relay's calls."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        self._token: tuple[str, int] | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> str:
        async with self._lock:
            if self._token is None or self._token[1] - time.time() < TOKEN_MARGIN_SECONDS:
                self._token = await self.provider.client_token(RECORD_SCOPE)
            return self._token[0]

    def forget(self) -> None:
        self._token = None


class ScoreClient:
    def __init__(self, http: httpx2.AsyncClient, token: ServiceToken) -> None:
        self.http = http
        self.token = token

    async def record(self, game: FinishedGame) -> Outcome:
        """PUT one finished game. Idempotent on (player, puzzle), so a retry is always safe."""
        try:
            token = await self.token.get()
        except (ProviderUnavailable, LoginFailed) as exc:
            return Outcome(Delivery.RETRY, f"no service token: {exc}")
        try:
            resp = await self.http.put(
                f"/api/score/results/{game.player}/{game.puzzle}",
                json=game.result(),
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx2.HTTPError as exc:
            return Outcome(Delivery.RETRY, f"score unreachable: {type(exc).__name__}")
        if resp.status_code == 201:
            return Outcome(Delivery.CREATED)
        if resp.status_code == 200:
            return Outcome(Delivery.REPLAY)
        if resp.status_code == 401:
            self.token.forget()  # expired or from a rotated key: fetch a new one next time
        # Only answers that say "this result is wrong" are final; anything else (a 404
        # from a misrouted deployment, a 403 from a misconfigured client) waits for a fix.
        if resp.status_code in (400, 409, 422):
            return Outcome(Delivery.REFUSED, f"{resp.status_code}: {resp.text[:300]}")
        # HAProxy with no score replica, or the score store down: the whole tier.
        if resp.status_code in (429, 502, 503, 504):
            return Outcome(Delivery.RETRY, f"{resp.status_code}: {resp.text[:200]}")
        return Outcome(Delivery.FAILED, f"{resp.status_code}: {resp.text[:200]}")

    async def _get(self, path: str, token: str | None, params: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            resp = await self.http.get(path, headers=headers, params=params)
        except httpx2.HTTPError as exc:
            raise ScoreUnavailable(type(exc).__name__) from None
        if resp.status_code in (401, 403):
            raise ScoreRefused(f"{path} answered {resp.status_code}")
        if resp.status_code != 200:
            raise ScoreUnavailable(f"{path} answered {resp.status_code}")
        return resp.json()

    async def stats(self, player: str, token: str) -> dict:
        return await self._get(f"/api/score/players/{player}/stats", token)

    async def leaderboards(self, token: str | None, limit: int = 10) -> dict[str, dict]:
        daily, all_time = await asyncio.gather(
            self._get("/api/score/leaderboards/daily", token, {"limit": limit}),
            self._get("/api/score/leaderboards/all-time", token, {"limit": limit}),
        )
        return {"daily": daily, "all_time": all_time}
