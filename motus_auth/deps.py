"""Dependency aliases of the auth routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from motus_auth.metrics import AuthMetrics
from motus_auth.settings import AuthSettings
from motus_auth.store import Accounts, LoginFailures, ProviderSessions


async def _settings(request: Request) -> AuthSettings:
    return request.app.state.settings


async def _accounts(request: Request) -> Accounts:
    return request.app.state.stores.accounts


async def _sessions(request: Request) -> ProviderSessions:
    return request.app.state.stores.sessions


async def _failures(request: Request) -> LoginFailures:
    return request.app.state.stores.failures


async def _metrics(request: Request) -> AuthMetrics:
    return request.app.state.auth_metrics


AuthSettingsDep = Annotated[AuthSettings, Depends(_settings)]
AccountsDep = Annotated[Accounts, Depends(_accounts)]
SessionsDep = Annotated[ProviderSessions, Depends(_sessions)]
FailuresDep = Annotated[LoginFailures, Depends(_failures)]
AuthMetricsDep = Annotated[AuthMetrics, Depends(_metrics)]
