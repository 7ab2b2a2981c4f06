"""Settings every service reads from its environment, one prefix per service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from motus_kit.redis_store import StoreOptions


def instance_field(default: str):
    # Shown in the X-Motus-Instance header, the logs and the page footer.
    return Field(default=default, pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")


def redis_url_field(default: str):
    # redis:// for one node; redis+sentinel:// for a store replicated under Sentinel
    # (motus_kit.redis_store says the form).
    return Field(default=default, pattern=r"^(rediss?|redis\+sentinel)://")


def _refuse_placeholder(value: SecretStr) -> SecretStr:
    # Long enough is not enough: "xxxxxxxx..." or "changemechangeme..." are placeholders.
    if len(set(value.get_secret_value())) < 12:
        raise ValueError(
            "looks like a placeholder; generate one: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    return value


# A secret from the environment: no default, at least 32 characters, not a placeholder,
# and never shown by repr() or in a validation error.
Secret = Annotated[SecretStr, Field(min_length=32), AfterValidator(_refuse_placeholder)]


class ServiceSettings(BaseSettings):
    """Fields shared by the three services; subclasses only set the env prefix and defaults.

    Defaults fit the local stack (`motus-stack up` with no base port), so a service
    started by hand during development needs no variable at all.
    """

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    instance: str = instance_field("local")
    redis_url: str = redis_url_field("redis://127.0.0.1:6379/0")
    # Connect and command timeout towards Redis: a dead store must give a 503 quickly,
    # not hold a request until the client gives up.
    redis_timeout_seconds: float = Field(default=1.0, gt=0, le=30)
    # With a redis+sentinel:// URL: the Sentinels' user for the services (it may only
    # ask where the primary is), and how long a command keeps retrying while Sentinel
    # promotes a replica before the request gets a 503.
    redis_sentinel_username: str = "discovery"
    redis_sentinel_password: SecretStr | None = None
    redis_failover_seconds: float = Field(default=6.0, gt=0, le=60)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Unset: JSON lines on stdout (compose, a service run by hand). Set by the local
    # launcher: the process writes and rotates this file itself (motus_kit.logs.OwnLogFile).
    log_file: Path | None = None
    # After SIGTERM, how long readiness reports 503 before the server stops accepting.
    # It must exceed HAProxy's detection time (2 checks x 500 ms) so no new request
    # is sent to a replica that is about to close its socket.
    drain_seconds: float = Field(default=1.5, ge=0, le=60)

    def store_options(self, extra_timeout_seconds: float = 0.0) -> StoreOptions:
        password = self.redis_sentinel_password
        return StoreOptions(
            url=self.redis_url,
            timeout_seconds=self.redis_timeout_seconds + extra_timeout_seconds,
            sentinel_username=self.redis_sentinel_username if password else None,
            sentinel_password=password.get_secret_value() if password else None,
            failover_seconds=self.redis_failover_seconds,
        )


S = TypeVar("S", bound=ServiceSettings)


class SettingsError(SystemExit):
    """Bad configuration: the process stops at once with a message naming each variable."""


def load_settings(cls: type[S]) -> S:
    try:
        return cls()
    except ValidationError as exc:
        prefix = cls.model_config.get("env_prefix", "")
        lines = [f"  {prefix}{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()]
        raise SettingsError(f"{cls.__name__}: invalid configuration\n" + "\n".join(lines)) from None
