"""The user a grant acts for, as authlib's callbacks see it."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from motus_auth.store import username_of


@dataclass(frozen=True)
class Principal:
    user_id: str
    username: str
    auth_time: int
    # Every token issued from one login shares it; see tokens.py.
    family: str

    def get_user_id(self) -> str:
        return self.user_id


def load(client: redis.Redis, user_id: str, auth_time: int, family: str) -> Principal | None:
    username = username_of(client, user_id)
    return Principal(user_id, username, auth_time, family) if username else None
