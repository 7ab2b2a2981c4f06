"""Builds a Motus service app: the parts every service shares, wired in one place."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext

from fastapi import APIRouter, FastAPI

from motus_kit.errors import install_error_handlers
from motus_kit.health import health_router
from motus_kit.lifecycle import Lifecycle
from motus_kit.logs import configure_logging
from motus_kit.metrics import install_metrics
from motus_kit.middleware import RequestContextMiddleware
from motus_kit.redis_store import create_redis
from motus_kit.settings import ServiceSettings


def build_service(
    *,
    service: str,
    title: str,
    settings: ServiceSettings,
    prefix: str,
    routers: Sequence[APIRouter] = (),
    resources: Callable[[FastAPI], AbstractAsyncContextManager] | None = None,
    openapi_url: str = "/openapi.json",
) -> FastAPI:
    """`prefix` is the path HAProxy routes to this service; health answers there and at the root.

    `resources(app)` opens what the service needs beyond its Redis for the app's lifetime.
    `openapi_url` must be under `prefix` for HAProxy to route it there (the game's is at the root)."""
    configure_logging(service, settings.instance, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The pool connects lazily: a service starts even while its Redis is down,
        # reports not-ready, and recovers by itself when Redis comes back.
        app.state.redis = create_redis(settings.redis_url, settings.redis_timeout_seconds)
        try:
            async with resources(app) if resources else nullcontext():
                yield
        finally:
            await app.state.redis.aclose()

    # The OpenAPI schema is served; the Swagger and ReDoc pages are not, since they
    # load their scripts from a CDN.
    app = FastAPI(
        title=title,
        lifespan=lifespan,
        redirect_slashes=False,
        docs_url=None,
        redoc_url=None,
        openapi_url=openapi_url,
    )
    app.state.settings = settings
    app.state.service = service
    app.state.lifecycle = Lifecycle()
    prefixes = ("",) if prefix in ("", "/") else ("", prefix.rstrip("/"))
    app.include_router(health_router(prefixes))
    for router in routers:
        app.include_router(router)
    install_error_handlers(app)
    install_metrics(app)
    app.add_middleware(RequestContextMiddleware, instance=settings.instance)
    return app
