"""Apps that add the platform's layers one at a time, for bench/layers.py: what each
costs a request on this machine. Served by `python -m motus_kit.serve` like a replica."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from redis.asyncio import Redis

from motus.schemas import GuessIn, GuessOut
from motus_kit.lifecycle import Lifecycle
from motus_kit.service import NO_TELEMETRY, build_service
from motus_kit.settings import ServiceSettings
from tests.support.apps import closed_redis_url

# A guess's answer, as the game builds it (one try played).
ANSWER = {
    "puzzle": 29,
    "date": "2026-11-29",
    "length": 7,
    "first_letter": "A",
    "tries_left": 5,
    "status": "playing",
    "attempts": [
        {"word": "ABCDEFG", "marks": ["correct", "absent", "absent", "present", "absent", "absent", "absent"]}
    ],
    "known": ["A", None, None, None, None, None, None],
    "keyboard": {"A": "correct", "B": "absent"},
    "answer": None,
    "share": None,
    "next_puzzle_at": datetime(2026, 11, 29, 23, tzinfo=UTC),
    "server_time": datetime(2026, 11, 29, 12, tzinfo=UTC),
    "replayed": False,
}


async def _one(request: Request) -> int:
    return 1


One = Annotated[int, Depends(_one)]


def _router() -> APIRouter:
    router = APIRouter()

    @router.post("/layers/plain")
    async def plain(request: Request) -> dict[str, bool]:
        await request.body()
        return {"ok": True}

    @router.post("/layers/body")
    async def body(guess: GuessIn) -> dict[str, bool]:
        return {"ok": True}

    @router.post("/layers/model")
    async def model(guess: GuessIn) -> GuessOut:
        return GuessOut(**ANSWER)

    @router.post("/layers/deps")
    async def deps(guess: GuessIn, a: One, b: One, c: One, d: One, response: Response) -> GuessOut:
        return GuessOut(**ANSWER)

    return router


class _Settings:
    drain_seconds = 0.0


def framework() -> FastAPI:
    """FastAPI alone, as the replicas configure it."""
    app = FastAPI(telemetry=NO_TELEMETRY, openapi_url=None)
    app.include_router(_router())
    app.state.lifecycle, app.state.settings = Lifecycle(), _Settings()
    return app


def kit() -> FastAPI:
    """The same routes in a replica's shell (motus_kit.service): request ids, security
    headers, the access line, metrics, error handlers. Its Redis is never asked."""
    settings = ServiceSettings(instance="layers-1", redis_url=closed_redis_url(), redis_timeout_seconds=0.5)
    return build_service(service="layers", title="layers", settings=settings, prefix="/layers", routers=[_router()])


def kit_without_request_context() -> FastAPI:
    app = kit()
    app.user_middleware = [m for m in app.user_middleware if "RequestContext" not in m.cls.__name__]
    return app


def kit_without_metrics() -> FastAPI:
    """The request-context middleware records the request metrics; here it records none."""
    app = kit()
    for middleware in app.user_middleware:
        if "metrics" in middleware.kwargs:
            middleware.kwargs["metrics"] = None
    return app


# --- the floor: one Redis command per request, with and without the framework ---------
# The least a guess can cost on the mandated stack (uvicorn, redis-py): a guess is one
# round trip to Redis. LAYERS_REDIS_URL is set by bench/layers.py (its own redis-server).
_BODY = b'{"ok":true}'


def redis_floor() -> FastAPI:
    """FastAPI, the body read, one redis-py command (a GET), a fixed answer."""
    redis = Redis.from_url(os.environ["LAYERS_REDIS_URL"])
    app = FastAPI(telemetry=NO_TELEMETRY, openapi_url=None)

    @app.post("/layers/redis")
    async def one_command(request: Request) -> Response:
        await request.body()
        await redis.get("layers")
        return Response(_BODY, media_type="application/json")

    app.state.lifecycle, app.state.settings = Lifecycle(), _Settings()
    return app


def raw_asgi(with_redis: bool = False):
    """No framework at all: an ASGI callable that reads the body, (sends one redis-py
    command,) and answers. What serving a guess outside FastAPI could at best reach."""
    redis = Redis.from_url(os.environ["LAYERS_REDIS_URL"]) if with_redis else None
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(_BODY)).encode())]

    async def app(scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        more = True
        while more:
            more = (await receive()).get("more_body", False)
        if redis is not None:
            await redis.get("layers")
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": _BODY})

    # What motus_kit.serve reads from an app (its draining on SIGTERM).
    app.state = SimpleNamespace(lifecycle=Lifecycle(), settings=_Settings())
    return app


def raw_asgi_redis():
    return raw_asgi(with_redis=True)
