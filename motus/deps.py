"""Dependency aliases of the game's routes (all async: see motus_kit/deps.py)."""

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


async def _settings(request: Request) -> GameSettings:
    return request.app.state.settings


GameSettingsDep = Annotated[GameSettings, Depends(_settings)]


async def _player(request: Request) -> Player:
    state = request.app.state
    secret = state.settings.session_secret.get_secret_value()
    return await player.load(request.cookies.get(session.COOKIE), secret, state.stores.sessions, state.provider)


async def _games(request: Request) -> GameStore:
    return request.app.state.stores.games


async def _logins(request: Request) -> LoginStore:
    return request.app.state.stores.logins


async def _sessions(request: Request) -> SessionStore:
    return request.app.state.stores.sessions


async def _score(request: Request) -> ScoreClient:
    return request.app.state.score


async def _provider(request: Request) -> Provider:
    return request.app.state.provider


async def _metrics(request: Request) -> GameMetrics:
    return request.app.state.game_metrics


PlayerDep = Annotated[Player, Depends(_player)]
GameStoreDep = Annotated[GameStore, Depends(_games)]
LoginStoreDep = Annotated[LoginStore, Depends(_logins)]
SessionStoreDep = Annotated[SessionStore, Depends(_sessions)]
ProviderDep = Annotated[Provider, Depends(_provider)]
ScoreDep = Annotated[ScoreClient, Depends(_score)]
GameMetricsDep = Annotated[GameMetrics, Depends(_metrics)]
