"""`GET <prefix>/`: which service and replica answered, and how its store persists data."""

from __future__ import annotations

from fastapi import APIRouter, Request

from motus_kit.deps import RedisDep
from motus_kit.redis_store import durability


def about_router(prefix: str) -> APIRouter:
    router = APIRouter(tags=["about"])

    async def about(request: Request, redis: RedisDep) -> dict[str, object]:
        state = request.app.state
        return {
            "service": state.service,
            "instance": state.settings.instance,
            "store": await durability(redis),
        }

    router.add_api_route(f"{prefix}/", about, methods=["GET"], summary="Service, replica and store durability")
    if prefix:
        router.add_api_route(prefix, about, methods=["GET"], include_in_schema=False)
    return router
