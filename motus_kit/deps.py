"""Dependency aliases shared by the services' routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis

from motus_kit.settings import ServiceSettings


def _redis(request: Request) -> Redis:
    return request.app.state.redis


def _settings(request: Request) -> ServiceSettings:
    return request.app.state.settings


RedisDep = Annotated[Redis, Depends(_redis)]
SettingsDep = Annotated[ServiceSettings, Depends(_settings)]
