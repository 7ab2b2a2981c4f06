"""Dependency aliases of the auth routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from motus_auth.hashing import HashSlots
from motus_auth.metrics import AuthMetrics
from motus_auth.settings import AuthSettings
from motus_auth.store import Accounts, LoginFailures, ProviderSessions
from motus_kit.deps import from_state

AuthSettingsDep = Annotated[AuthSettings, Depends(from_state("settings"))]
AccountsDep = Annotated[Accounts, Depends(from_state("stores", "accounts"))]
SessionsDep = Annotated[ProviderSessions, Depends(from_state("stores", "sessions"))]
FailuresDep = Annotated[LoginFailures, Depends(from_state("stores", "failures"))]
AuthMetricsDep = Annotated[AuthMetrics, Depends(from_state("auth_metrics"))]
HashSlotsDep = Annotated[HashSlots, Depends(from_state("hash_slots"))]
