"""Small app builders for in-process tests of the shared kit."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, FastAPI, Query

from motus_kit.deps import RedisDep
from motus_kit.service import build_service
from motus_kit.settings import ServiceSettings
from tests.support.ports import free_port


def closed_redis_url() -> str:
    # A port nobody listens on: the store is "down" for real, no mock involved.
    return f"redis://127.0.0.1:{free_port()}/0"


def kit_app(redis_url: str | None = None, instance: str = "test-1", extra: APIRouter | None = None) -> FastAPI:
    settings = ServiceSettings(instance=instance, redis_url=redis_url or closed_redis_url(), redis_timeout_seconds=0.5)
    router = APIRouter()

    @router.get("/api/test/count")
    async def count(redis: RedisDep) -> dict[str, int]:
        return {"count": await redis.incr("test:count")}

    @router.get("/api/test/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    @router.get("/api/test/slow")
    async def slow(seconds: float = Query(le=10)) -> dict[str, float]:
        await asyncio.sleep(seconds)
        return {"slept": seconds}

    @router.get("/api/test/items/{item_id}")
    async def item(item_id: int) -> dict[str, int]:
        return {"item": item_id}

    @router.post("/api/test/echo")
    async def echo(body: dict) -> dict[str, int]:
        return {"keys": len(body)}

    routers = [router] + ([extra] if extra else [])
    return build_service(service="test", title="test", settings=settings, prefix="/api/test", routers=routers)


def drain_test_app() -> FastAPI:
    """Zero-argument factory for `python -m motus_kit.serve` in the shutdown tests."""
    return kit_app(instance="drain-1")
