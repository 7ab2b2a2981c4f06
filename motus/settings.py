from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from motus_kit.settings import ServiceSettings, instance_field, redis_url_field


class GameSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GAME_")

    # Defaults match the local stack's first replica, so a hand-started process just works.
    instance: str = instance_field("motus-1")
    redis_url: str = redis_url_field("redis://127.0.0.1:6391/0")
    # Signs the session cookie. No default: `motus-stack` generates one per stack,
    # compose requires it from the environment.
    session_secret: SecretStr = Field(min_length=32)

    @field_validator("session_secret")
    @classmethod
    def _not_a_placeholder(cls, value: SecretStr) -> SecretStr:
        # Long enough is not enough: "xxxxxxxx..." or "changemechangeme..." are placeholders.
        if len(set(value.get_secret_value())) < 12:
            raise ValueError(
                "looks like a placeholder; generate one: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return value
