"""Dependency aliases of the score routes: the store and the caller behind the token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from motus_kit.deps import from_state
from motus_score import access
from motus_score.access import Caller
from motus_score.store import ScoreStore


async def _optional_caller(request: Request, authorization: Annotated[str | None, Header()] = None) -> Caller | None:
    # Leaderboards are public; a token, when sent, adds the caller's own row. A bad
    # token is still refused (RFC 6750): silently ignoring it would hide the mistake.
    token = access.bearer_token(authorization)
    if token is None:
        return None
    state = request.app.state
    return await access.authenticate(token, state.keys, state.settings.auth_issuer)


async def _caller(caller: Annotated[Caller | None, Depends(_optional_caller)]) -> Caller:
    return access.required(caller)


ScoreStoreDep = Annotated[ScoreStore, Depends(from_state("stores"))]
CallerDep = Annotated[Caller, Depends(_caller)]
OptionalCallerDep = Annotated[Caller | None, Depends(_optional_caller)]
