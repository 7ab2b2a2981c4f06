"""Builds a Motus service app: the parts every service shares, wired in one place."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext

from fastapi import APIRouter, FastAPI
from redis.asyncio import Redis
from starlette.routing import Route

from motus_kit.errors import install_error_handlers
from motus_kit.health import health_router
from motus_kit.hot_route import HotRoute, HotRoutesApp
from motus_kit.lifecycle import Lifecycle
from motus_kit.logs import configure_logging
from motus_kit.metrics import install_metrics
from motus_kit.middleware import RequestContextMiddleware
from motus_kit.redis_store import close_redis, create_redis
from motus_kit.settings import ServiceSettings

NO_TELEMETRY = {"tracing": False, "metrics": False, "logs": False}


def build_service(
    *,
    service: str,
    title: str,
    settings: ServiceSettings,
    prefix: str,
    routers: Sequence[APIRouter] = (),
    resources: Callable[[FastAPI], AbstractAsyncContextManager] | None = None,
    stores: Callable[[Redis], object] | None = None,
    openapi_url: str = "/openapi.json",
    hot_routes: Sequence[tuple[Route, str]] = (),
) -> FastAPI:
    """`prefix` is the path HAProxy routes to this service; health answers there and at the root.

    `resources(app)` opens what the service needs beyond its Redis for the app's lifetime;
    `stores(redis)` builds the service's store objects once, as `app.state.stores`.
    `openapi_url` must be under `prefix` for HAProxy to route it there (the game's is at the root).
    `hot_routes`, (route, method) pairs, are answered ahead of the router (`motus_kit.hot_route`);
    each keeps a documented FastAPI route of the same path for the schema."""
    configure_logging(service, settings.instance, settings.log_level, settings.log_file)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The pool connects lazily: a service starts even while its Redis is down,
        # reports not-ready, and recovers by itself when Redis comes back.
        app.state.redis = create_redis(settings.store_options())
        # Built once, not per request: they hold registered Lua scripts.
        app.state.stores = stores(app.state.redis) if stores else None
        try:
            async with resources(app) if resources else nullcontext():
                yield
        finally:
            await close_redis(app.state.redis)

    # The OpenAPI schema is served; the Swagger and ReDoc pages are not, since they
    # load their scripts from a CDN.
    app = HotRoutesApp(
        title=title,
        lifespan=lifespan,
        # FastAPI's OpenTelemetry hooks ask the global providers and the environment on
        # every request (6 % of a replica's time, measured); metrics go to Prometheus.
        telemetry=NO_TELEMETRY,
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
    metrics = install_metrics(app)
    app.add_middleware(RequestContextMiddleware, instance=settings.instance, metrics=metrics)
    # Each hot route in its own request context: its id, headers, access line and
    # metrics (the same series) as any other request.
    for route, method in hot_routes:
        app.hot[(method, route.path)] = RequestContextMiddleware(HotRoute(route), settings.instance, metrics)
    return app
