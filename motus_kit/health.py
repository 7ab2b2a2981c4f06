"""Liveness and readiness, at the root and under the service's prefix."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError


async def healthz(request: Request) -> dict[str, str]:
    # Liveness only says the event loop answers: restarting a process because its
    # Redis is down would not bring Redis back.
    return {"status": "ok", "instance": request.app.state.settings.instance}


async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    instance = state.settings.instance
    if state.lifecycle.draining:
        return JSONResponse({"status": "draining", "instance": instance, "checks": {"draining": True}}, status_code=503)
    try:
        # The client timeouts already bound this; wait_for guards a hung connect too.
        await asyncio.wait_for(state.redis.ping(), timeout=state.settings.redis_timeout_seconds + 0.5)
    except (TimeoutError, RedisError, OSError) as exc:
        return JSONResponse(
            {
                "status": "unavailable",
                "instance": instance,
                "checks": {"redis": f"unreachable: {type(exc).__name__}"},
            },
            status_code=503,
        )
    return JSONResponse({"status": "ready", "instance": instance, "checks": {"redis": "ok"}})


def health_router(prefixes: tuple[str, ...]) -> APIRouter:
    router = APIRouter(tags=["health"])
    for prefix in prefixes:
        router.add_api_route(f"{prefix}/healthz", healthz, methods=["GET"], summary="Liveness")
        router.add_api_route(f"{prefix}/readyz", readyz, methods=["GET"], summary="Readiness (pings Redis)")
    return router
