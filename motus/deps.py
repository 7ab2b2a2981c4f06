"""Dependency aliases of the game's routes (all async: see motus_kit/deps.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from motus import cookies, player
from motus.metrics import GameMetrics
from motus.oidc import Provider
from motus.play import Table
from motus.player import Player
from motus.score_client import ScoreClient
from motus.session_store import LoginStore, SessionStore
from motus.settings import GameSettings
from motus.store import GameStore, Stores
from motus_kit.deps import from_state


async def _player(request: Request) -> Player:
    state = request.app.state
    secret = state.settings.session_secret.get_secret_value()
    return await player.load(request.cookies, secret, state.stores.sessions, state.provider)


def table_of(request: Request, hard: bool | None = None) -> Table:
    """Now, the site's address and the player's hard-mode setting (or the one just chosen)."""
    settings = request.app.state.settings
    return Table(
        now=datetime.now(UTC),
        public_url=settings.public_url,
        hard=cookies.hard_setting(request) if hard is None else hard,
        guest_limit=settings.guest_admissions_per_hour,
    )


async def _table(request: Request) -> Table:
    return table_of(request)


GameSettingsDep = Annotated[GameSettings, Depends(from_state("settings"))]
PlayerDep = Annotated[Player, Depends(_player)]
GameStoreDep = Annotated[GameStore, Depends(from_state("stores", "games"))]
StoresDep = Annotated[Stores, Depends(from_state("stores"))]
TableDep = Annotated[Table, Depends(_table)]
LoginStoreDep = Annotated[LoginStore, Depends(from_state("stores", "logins"))]
SessionStoreDep = Annotated[SessionStore, Depends(from_state("stores", "sessions"))]
ProviderDep = Annotated[Provider, Depends(from_state("provider"))]
ScoreDep = Annotated[ScoreClient, Depends(from_state("score"))]
GameMetricsDep = Annotated[GameMetrics, Depends(from_state("game_metrics"))]
