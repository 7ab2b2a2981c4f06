from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from motus_kit.settings import Secret, ServiceSettings, instance_field, redis_url_field

_URL = r"^https?://[^/]+$"


class GameSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GAME_")

    # Defaults match the local stack's first replica, so a hand-started process just works.
    instance: str = instance_field("motus-1")
    redis_url: str = redis_url_field("redis://127.0.0.1:6391/0")
    # Signs the session cookie. `motus-stack` generates one per stack; compose
    # requires it from the environment.
    session_secret: Secret
    # Where browsers reach the platform (HAProxy's public frontend): the base of the
    # login callback registered with the provider.
    public_url: str = Field(default="http://127.0.0.1:8080", pattern=_URL)
    # The provider's issuer, as it signs tokens; browsers are sent to its endpoints.
    auth_issuer: str = Field(default="http://127.0.0.1:8080/auth", pattern=r"^https?://[^/]+/auth$")
    # HAProxy's internal frontend: the only address this service calls other services at.
    peers_url: str = Field(default="http://127.0.0.1:8081", pattern=_URL)
    client_id: str = "motus-game"
    # The game is a confidential OAuth client; the same secret as the provider's
    # AUTH_CLIENT_SECRET_MOTUS_GAME.
    client_secret: Secret

    # New guests (visitors playing before they log in) one client address may start in
    # an hour: a class behind one school address plays, a script looping cannot fill
    # redis-game. Refused ones are asked to log in or wait (429 too_many_guests).
    guest_admissions_per_hour: int = Field(default=120, ge=1, le=1_000_000)

    # A finished game another replica took for delivery and has not touched for this
    # long is taken over: that replica died. Its own retries stay well below it.
    outbox_claim_idle_seconds: float = Field(default=30, ge=1, le=3600)
    # The longest wait between two delivery attempts while the score tier is down.
    relay_backoff_cap_seconds: float = Field(default=5, ge=0.5, le=300)

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/login/callback"
