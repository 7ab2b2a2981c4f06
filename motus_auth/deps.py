"""Dependency aliases of the auth routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from motus_auth.metrics import AuthMetrics
from motus_auth.settings import AuthSettings
from motus_auth.store import Accounts, LoginFailures, ProviderSessions
from motus_kit.deps import RedisDep


def _settings(request: Request) -> AuthSettings:
    return request.app.state.settings


def _accounts(redis: RedisDep) -> Accounts:
    return Accounts(redis)


def _sessions(redis: RedisDep) -> ProviderSessions:
    return ProviderSessions(redis)


def _failures(redis: RedisDep, request: Request) -> LoginFailures:
    return LoginFailures(redis, request.app.state.settings.login_lock_seconds)


def _metrics(request: Request) -> AuthMetrics:
    return request.app.state.auth_metrics


AuthSettingsDep = Annotated[AuthSettings, Depends(_settings)]
AccountsDep = Annotated[Accounts, Depends(_accounts)]
SessionsDep = Annotated[ProviderSessions, Depends(_sessions)]
FailuresDep = Annotated[LoginFailures, Depends(_failures)]
AuthMetricsDep = Annotated[AuthMetrics, Depends(_metrics)]
