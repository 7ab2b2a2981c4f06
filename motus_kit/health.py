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


# HAProxy gives a check 1 s (`timeout check`): the answer must come before that.
_PING_SECONDS = 0.8


async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    settings = state.settings
    instance = settings.instance
    if state.lifecycle.draining:
        return JSONResponse({"status": "draining", "instance": instance, "checks": {"draining": True}}, status_code=503)
    try:
        await asyncio.wait_for(state.redis.ping(), timeout=min(settings.redis_timeout_seconds + 0.5, _PING_SECONDS))
    except (TimeoutError, RedisError, OSError) as exc:
        since = state.lifecycle.store_unreachable()
        check = f"unreachable for {since:.1f} s: {type(exc).__name__}"
        if settings.store_options().replicated and since < settings.redis_failover_seconds:
            # Sentinel is promoting a replica; requests wait for it (within the same
            # budget) rather than fail. Taking both replicas out of HAProxy now would
            # turn a few seconds of waiting into 503s for every page.
            return JSONResponse({"status": "failing-over", "instance": instance, "checks": {"redis": check}})
        body = {"status": "unavailable", "instance": instance, "checks": {"redis": check}}
        return JSONResponse(body, status_code=503)
    state.lifecycle.store_reachable()
    return JSONResponse({"status": "ready", "instance": instance, "checks": {"redis": "ok"}})


def health_router(prefixes: tuple[str, ...]) -> APIRouter:
    router = APIRouter(tags=["health"])
    for prefix in prefixes:
        router.add_api_route(f"{prefix}/healthz", healthz, methods=["GET"], summary="Liveness")
        router.add_api_route(f"{prefix}/readyz", readyz, methods=["GET"], summary="Readiness (pings Redis)")
    return router
