"""Score service app factory: an OAuth2 resource server for statistics and leaderboards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from prometheus_client import Counter

from motus_kit.about import about_router
from motus_kit.jwks import KeyCache
from motus_kit.peers import create_peer_client
from motus_kit.service import build_service
from motus_kit.settings import load_settings
from motus_score import routes
from motus_score.settings import ScoreSettings
from motus_score.store import ScoreStore

PREFIX = "/api/score"


def create_app(settings: ScoreSettings | None = None) -> FastAPI:
    settings = settings or load_settings(ScoreSettings)

    @asynccontextmanager
    async def provider_keys(app: FastAPI) -> AsyncIterator[None]:
        async with create_peer_client(settings.peers_url) as http:
            app.state.keys = KeyCache(http)
            yield

    app = build_service(
        service="score",
        title="Motus score",
        settings=settings,
        prefix=PREFIX,
        routers=[routes.router, about_router(PREFIX)],
        resources=provider_keys,
        stores=ScoreStore,
        openapi_url=f"{PREFIX}/openapi.json",
    )
    # created counts first deliveries; replay counts duplicates the idempotency absorbed.
    app.state.results_total = Counter(
        "motus_score_results",
        "Results received, by outcome (created, replay, conflict)",
        ["outcome"],
        registry=app.state.metrics_registry,
    )
    for outcome in ("created", "replay", "conflict"):
        app.state.results_total.labels(outcome)  # at zero from the start, not absent
    return app
