"""Dependency aliases of the game's routes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request, Response

from motus import keys, session
from motus.settings import GameSettings
from motus.store import GameStore, SessionStore
from motus_kit.deps import RedisDep


def _settings(request: Request) -> GameSettings:
    return request.app.state.settings


GameSettingsDep = Annotated[GameSettings, Depends(_settings)]


async def _player(request: Request, response: Response, redis: RedisDep, settings: GameSettingsDep) -> str:
    """The player behind this browser; a new anonymous one gets a session cookie."""
    secret = settings.session_secret.get_secret_value()
    store = SessionStore(redis)
    session_id = session.unsign(request.cookies.get(session.COOKIE), secret)
    if session_id:
        player = await store.player(session_id)
        if player:
            return player
    session_id, player = session.new_session_id(), uuid.uuid4().hex
    await store.create(session_id, player)
    response.set_cookie(
        session.COOKIE,
        session.sign(session_id, secret),
        max_age=keys.SESSION_TTL_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.headers.get("x-forwarded-proto") == "https",
        path="/",
    )
    return player


def _games(redis: RedisDep) -> GameStore:
    return GameStore(redis)


PlayerDep = Annotated[str, Depends(_player)]
GameStoreDep = Annotated[GameStore, Depends(_games)]
