"""The ceiling a replica cannot beat: a bare FastAPI endpoint served by the same server
stack as the replicas (`python -m motus_kit.serve bench.bare:create_app`): the same
protocol class, event loop and parser, none of the platform's middleware or store."""

from __future__ import annotations

from fastapi import FastAPI

from motus_kit.lifecycle import Lifecycle
from motus_kit.service import NO_TELEMETRY


class _Settings:
    drain_seconds = 0.0


def create_app() -> FastAPI:
    # The replicas' framework settings (motus_kit.service), without their middleware.
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, telemetry=NO_TELEMETRY)
    # What motus_kit.serve expects of an app it runs.
    app.state.lifecycle = Lifecycle()
    app.state.settings = _Settings()

    @app.get("/bare")
    async def bare() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/bare")
    async def bare_post(body: dict) -> dict[str, int]:
        return {"keys": len(body)}

    return app
