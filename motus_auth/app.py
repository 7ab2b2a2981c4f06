"""Auth service app factory. The OAuth2 / OpenID Connect endpoints arrive with their own issue."""

from __future__ import annotations

from fastapi import FastAPI

from motus_auth.settings import AuthSettings
from motus_kit.about import about_router
from motus_kit.service import build_service
from motus_kit.settings import load_settings

PREFIX = "/auth"


def create_app(settings: AuthSettings | None = None) -> FastAPI:
    settings = settings or load_settings(AuthSettings)
    return build_service(
        service="auth",
        title="Motus auth",
        settings=settings,
        prefix=PREFIX,
        routers=[about_router(PREFIX)],
    )
