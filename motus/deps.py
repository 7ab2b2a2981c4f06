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
from motus_kit.deps import from_state


async def _player(request: Request) -> Player:
    state = request.app.state
    secret = state.settings.session_secret.get_secret_value()
    return await player.load(request.cookies.get(session.COOKIE), secret, state.stores.sessions, state.provider)


GameSettingsDep = Annotated[GameSettings, Depends(from_state("settings"))]
PlayerDep = Annotated[Player, Depends(_player)]
GameStoreDep = Annotated[GameStore, Depends(from_state("stores", "games"))]
LoginStoreDep = Annotated[LoginStore, Depends(from_state("stores", "logins"))]
SessionStoreDep = Annotated[SessionStore, Depends(from_state("stores", "sessions"))]
ProviderDep = Annotated[Provider, Depends(from_state("provider"))]
ScoreDep = Annotated[ScoreClient, Depends(from_state("score"))]
GameMetricsDep = Annotated[GameMetrics, Depends(from_state("game_metrics"))]
