"""Game service app factory."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.routing import Route

from motus import relay
from motus.game import daily
from motus.metrics import GameMetrics, refresh_today
from motus.oidc import Provider
from motus.outbox import Outbox
from motus.routes import api, archive, login, pages
from motus.score_client import ScoreClient, ServiceToken
from motus.settings import GameSettings
from motus.store import GameStore, Stores
from motus_kit.about import about_router
from motus_kit.peers import create_peer_client
from motus_kit.redis_store import close_redis, create_redis
from motus_kit.service import build_service
from motus_kit.settings import load_settings

API_PREFIX = "/api/game"
HERE = Path(__file__).parent


def create_app(settings: GameSettings | None = None) -> FastAPI:
    settings = settings or load_settings(GameSettings)

    @asynccontextmanager
    async def peers(app: FastAPI) -> AsyncIterator[None]:
        async with create_peer_client(settings.peers_url) as http:
            app.state.provider = Provider(settings, http)
            app.state.score = ScoreClient(http, ServiceToken(app.state.provider))
            # The relay's blocking reads need a longer socket timeout than requests get.
            relay_redis = create_redis(settings.store_options(extra_timeout_seconds=relay.BLOCK_SECONDS))
            task = asyncio.create_task(
                relay.Relay(
                    Outbox(relay_redis, settings.instance),
                    app.state.score,
                    app.state.relay_metrics,
                    claim_idle_seconds=settings.outbox_claim_idle_seconds,
                    backoff_cap=settings.relay_backoff_cap_seconds,
                ).run(),
                name="outbox-relay",
            )
            figures = asyncio.create_task(
                refresh_today(app.state.game_metrics, lambda: _today_figures(app.state.stores.games)),
                name="today-figures",
            )
            try:
                yield
            finally:
                # An entry being delivered stays unacknowledged: delivered again later, harmlessly.
                for background in (task, figures):
                    background.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await background
                await close_redis(relay_redis)

    app = build_service(
        service="game",
        title="Motus",
        settings=settings,
        prefix=API_PREFIX,
        routers=[pages.router, login.router, api.router, archive.router, about_router(API_PREFIX)],
        resources=peers,
        stores=Stores.over,
        # The hot path skips FastAPI's route handling (the APIRoute stays, for the schema).
        hot_routes=[(Route(api.GUESS_PATH, api.guess_endpoint, methods=["POST"]), "POST")],
    )
    app.state.relay_metrics = relay.RelayMetrics(app.state.metrics_registry)
    app.state.game_metrics = GameMetrics(app.state.metrics_registry)
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    # Served by the service itself (no CDN): the page works on a closed network.
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


async def _today_figures(games: GameStore) -> tuple[int, dict[str, int]]:
    try:
        puzzle = daily.today(datetime.now(UTC))
    except daily.NoPuzzle:
        return 0, {}  # before the launch or after the schedule: nothing is played
    return puzzle.number, await games.day_figures(puzzle.number)
