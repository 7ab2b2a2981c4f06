"""Dependency aliases of the game's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from motus import player, session
from motus.metrics import GameMetrics
from motus.oidc import Provider
from motus.player import Player
from motus.score_client import ScoreClient
from motus.settings import GameSettings
from motus.store import GameStore, LoginStore, SessionStore
from motus_kit.deps import RedisDep


def _settings(request: Request) -> GameSettings:
    return request.app.state.settings


GameSettingsDep = Annotated[GameSettings, Depends(_settings)]


async def _player(request: Request, redis: RedisDep, settings: GameSettingsDep) -> Player:
    cookie = request.cookies.get(session.COOKIE)
    secret = settings.session_secret.get_secret_value()
    return await player.load(cookie, secret, SessionStore(redis), request.app.state.provider)


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
