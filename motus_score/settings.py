from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from motus_kit.settings import ServiceSettings, instance_field, redis_url_field


class ScoreSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCORE_")

    # Defaults match the local stack's first replica, so a hand-started process just works.
    instance: str = instance_field("score-1")
    redis_url: str = redis_url_field("redis://127.0.0.1:6392/0")
    # The issuer access tokens must name (the provider's public address), and where to
    # fetch its keys: HAProxy's internal frontend, never the auth replicas directly.
    auth_issuer: str = Field(default="http://127.0.0.1:8080/auth", pattern=r"^https?://[^/]+/auth$")
    peers_url: str = Field(default="http://127.0.0.1:8081", pattern=r"^https?://[^/]+$")
    # The OAuth clients whose own tokens (client credentials, score:record) may record
    # results: the game. Comma-separated.
    recorder_clients: str = Field(default="motus-game", pattern=r"^[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*$")

    @property
    def recorders(self) -> frozenset[str]:
        return frozenset(self.recorder_clients.split(","))
