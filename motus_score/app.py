"""Score service app factory. Statistics and leaderboards arrive with their own issue."""

from __future__ import annotations

from fastapi import FastAPI

from motus_kit.about import about_router
from motus_kit.service import build_service
from motus_kit.settings import load_settings
from motus_score.settings import ScoreSettings

PREFIX = "/api/score"


def create_app(settings: ScoreSettings | None = None) -> FastAPI:
    settings = settings or load_settings(ScoreSettings)
    return build_service(
        service="score",
        title="Motus score",
        settings=settings,
        prefix=PREFIX,
        routers=[about_router(PREFIX)],
    )
