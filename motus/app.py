"""Game service app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from motus.oidc import Provider
from motus.routes import api, login, pages
from motus.settings import GameSettings
from motus_kit.about import about_router
from motus_kit.peers import create_peer_client
from motus_kit.service import build_service
from motus_kit.settings import load_settings

API_PREFIX = "/api/game"
HERE = Path(__file__).parent


def create_app(settings: GameSettings | None = None) -> FastAPI:
    settings = settings or load_settings(GameSettings)

    @asynccontextmanager
    async def auth_provider(app: FastAPI) -> AsyncIterator[None]:
        async with create_peer_client(settings.peers_url) as http:
            app.state.provider = Provider(settings, http)
            yield

    app = build_service(
        service="game",
        title="Motus",
        settings=settings,
        prefix=API_PREFIX,
        routers=[pages.router, login.router, api.router, about_router(API_PREFIX)],
        resources=auth_provider,
    )
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    # Served by the service itself (no CDN): the page works on a closed network.
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
