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


class Player:
    """The player behind this browser, if it has a session yet.

    A session is created only when a player actually plays (`ensure`), so a
    crawler or a probe that only reads never leaves a key in Redis.
    """

    def __init__(self, request: Request, response: Response, store: SessionStore, secret: str) -> None:
        self._request, self._response, self._store, self._secret = request, response, store, secret
        self.id: str | None = None

    async def load(self) -> Player:
        session_id = session.unsign(self._request.cookies.get(session.COOKIE), self._secret)
        if session_id:
            self.id = await self._store.player(session_id)
        return self

    async def ensure(self) -> str:
        if self.id:
            return self.id
        session_id, self.id = session.new_session_id(), uuid.uuid4().hex
        await self._store.create(session_id, self.id)
        self._response.set_cookie(
            session.COOKIE,
            session.sign(session_id, self._secret),
            max_age=keys.SESSION_TTL_SECONDS,
            httponly=True,
            samesite="lax",
            secure=self._request.headers.get("x-forwarded-proto") == "https",
            path="/",
        )
        return self.id


async def _player(request: Request, response: Response, redis: RedisDep, settings: GameSettingsDep) -> Player:
    return await Player(request, response, SessionStore(redis), settings.session_secret.get_secret_value()).load()


def _games(redis: RedisDep) -> GameStore:
    return GameStore(redis)


PlayerDep = Annotated[Player, Depends(_player)]
GameStoreDep = Annotated[GameStore, Depends(_games)]
