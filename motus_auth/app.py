"""Auth service app factory: the provider's accounts. OAuth2 / OpenID Connect endpoints come next."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from motus_auth.routes import accounts
from motus_auth.settings import AuthSettings
from motus_kit.about import about_router
from motus_kit.service import build_service
from motus_kit.settings import load_settings

PREFIX = "/auth"
HERE = Path(__file__).parent


def create_app(settings: AuthSettings | None = None) -> FastAPI:
    settings = settings or load_settings(AuthSettings)
    app = build_service(
        service="auth",
        title="Motus auth",
        settings=settings,
        prefix=PREFIX,
        routers=[accounts.router, about_router(PREFIX)],
    )
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
