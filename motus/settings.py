from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from motus_kit.settings import Secret, ServiceSettings, instance_field, redis_url_field


class GameSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GAME_")

    # Defaults match the local stack's first replica, so a hand-started process just works.
    instance: str = instance_field("motus-1")
    redis_url: str = redis_url_field("redis://127.0.0.1:6391/0")
    # Signs the session cookie. `motus-stack` generates one per stack; compose
    # requires it from the environment.
    session_secret: Secret
