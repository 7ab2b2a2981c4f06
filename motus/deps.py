"""Dependency aliases of the game's routes."""

from __future__ import annotations

import logging
import time
from typing import Annotated

from fastapi import Depends, Request

from motus import session
from motus.metrics import GameMetrics
from motus.oidc import LoginFailed, Provider, ProviderUnavailable
from motus.score_client import ScoreClient
from motus.settings import GameSettings
from motus.store import GameStore, LoginStore, SessionStore
from motus_kit.deps import RedisDep
from motus_kit.errors import ApiError

log = logging.getLogger("motus.login")
# Refresh the access token when less than this is left, so calls made with it never
# meet an expired one.
REFRESH_MARGIN_SECONDS = 120


def _settings(request: Request) -> GameSettings:
    return request.app.state.settings


GameSettingsDep = Annotated[GameSettings, Depends(_settings)]


class Player:
    """The logged-in player behind this browser, if any."""

    def __init__(self, request: Request, store: SessionStore, provider: Provider, secret: str) -> None:
        self._request, self._store, self._provider, self._secret = request, store, provider, secret
        self.session_id: str | None = None
        self.data: dict[str, str] = {}

    @property
    def id(self) -> str | None:
        return self.data.get("player")

    @property
    def user_id(self) -> str:
        """The account's subject at the provider: the player's id for the score service."""
        return self.data.get("user_id", "")

    @property
    def name(self) -> str:
        return self.data.get("name", "")

    async def load(self) -> Player:
        self.session_id = session.unsign(self._request.cookies.get(session.COOKIE), self._secret)
        if self.session_id:
            self.data = await self._store.get(self.session_id) or {}
            if self.data and int(self.data.get("expires_at", "0")) - time.time() < REFRESH_MARGIN_SECONDS:
                await self._refresh()
        return self

    async def _refresh(self) -> None:
        if not await self._store.lock_refresh(self.session_id):
            return  # another request of this browser is refreshing right now
        try:
            tokens = await self._provider.refresh(self.data["refresh_token"])
        except LoginFailed as exc:
            # Revoked at the provider (logout elsewhere, a replayed token): logged out here too.
            log.info("refresh refused, session ended", extra={"reason": str(exc)[:200]})
            await self._store.delete(self.session_id)
            self.data = {}
            return
        except ProviderUnavailable as exc:
            # The provider is down for a moment: the player stays logged in; the next
            # request tries again (the game itself does not need the access token).
            log.warning("refresh postponed", extra={"reason": str(exc)[:200]})
            return
        finally:
            await self._store.unlock_refresh(self.session_id)
        fields = {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": str(tokens.expires_at),
        }
        await self._store.update(self.session_id, fields)
        self.data.update(fields)

    def require(self) -> str:
        if not self.id:
            raise ApiError(401, "login_required", "Connectez-vous pour jouer.")
        return self.id


async def _player(request: Request, redis: RedisDep, settings: GameSettingsDep) -> Player:
    secret = settings.session_secret.get_secret_value()
    return await Player(request, SessionStore(redis), request.app.state.provider, secret).load()


def _games(redis: RedisDep) -> GameStore:
    return GameStore(redis)


def _logins(redis: RedisDep) -> LoginStore:
    return LoginStore(redis)


def _sessions(redis: RedisDep) -> SessionStore:
    return SessionStore(redis)


def _score(request: Request) -> ScoreClient:
    return request.app.state.score


def _provider(request: Request) -> Provider:
    return request.app.state.provider


def _metrics(request: Request) -> GameMetrics:
    return request.app.state.game_metrics


PlayerDep = Annotated[Player, Depends(_player)]
GameStoreDep = Annotated[GameStore, Depends(_games)]
LoginStoreDep = Annotated[LoginStore, Depends(_logins)]
SessionStoreDep = Annotated[SessionStore, Depends(_sessions)]
ProviderDep = Annotated[Provider, Depends(_provider)]
ScoreDep = Annotated[ScoreClient, Depends(_score)]
GameMetricsDep = Annotated[GameMetrics, Depends(_metrics)]
