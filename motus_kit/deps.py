"""Dependency aliases shared by the services' routes.

Every dependency is `async def`, even the trivial ones: FastAPI runs a plain `def`
dependency in a worker thread, and that hand-off cost more than the request's own
work (measured: a third of a replica's time under load went to thread wake-ups).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis

from motus_kit.settings import ServiceSettings


async def _redis(request: Request) -> Redis:
    return request.app.state.redis


async def _settings(request: Request) -> ServiceSettings:
    return request.app.state.settings


RedisDep = Annotated[Redis, Depends(_redis)]
SettingsDep = Annotated[ServiceSettings, Depends(_settings)]
