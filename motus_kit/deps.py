"""Dependency aliases shared by the services' routes, and the way to make more.

Every dependency is `async def`, even the trivial ones: FastAPI runs a plain `def`
dependency in a worker thread, and that hand-off cost more than the request's own
work (measured: a third of a replica's time under load went to thread wake-ups).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from redis.asyncio import Redis

from motus_kit.settings import ServiceSettings


def from_state(*path: str) -> Callable[[Request], Awaitable[Any]]:
    """A dependency returning what the app keeps at app.state.<path...>, built once at start-up."""

    async def get(request: Request) -> Any:
        value = request.app.state
        for name in path:
            value = getattr(value, name)
        return value

    return get


async def _now() -> datetime:
    return datetime.now(UTC)


RedisDep = Annotated[Redis, Depends(from_state("redis"))]
SettingsDep = Annotated[ServiceSettings, Depends(from_state("settings"))]
NowDep = Annotated[datetime, Depends(_now)]
