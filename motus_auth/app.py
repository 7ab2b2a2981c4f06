"""Auth service app factory: the provider's accounts and its OAuth2 / OpenID Connect endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from redis.exceptions import RedisError

from motus_auth.hashing import HashSlots
from motus_auth.metrics import AuthMetrics
from motus_auth.oauth import clients, signing_keys
from motus_auth.oauth.server import MotusAuthorizationServer
from motus_auth.oauth.signing_keys import SigningKeys
from motus_auth.routes import accounts, oauth
from motus_auth.settings import AuthSettings
from motus_auth.store import stores_over
from motus_kit.about import about_router
from motus_kit.redis_store import close_sync_redis, create_sync_redis
from motus_kit.service import build_service
from motus_kit.settings import SettingsError, load_settings

PREFIX = "/auth"
HERE = Path(__file__).parent


def create_app(settings: AuthSettings | None = None) -> FastAPI:
    settings = settings or load_settings(AuthSettings)
    try:
        known_clients = clients.load(settings.clients_file)
    except clients.ClientConfigError as exc:
        raise SettingsError(f"AUTH_CLIENTS_FILE: {exc}") from None

    @asynccontextmanager
    async def oauth_server(app: FastAPI) -> AsyncIterator[None]:
        # authlib's callbacks are synchronous and run in worker threads: they get a
        # synchronous Redis client of their own, never the event loop's.
        sync_redis = create_sync_redis(settings.store_options())
        sealer = signing_keys.Sealer(settings.secret_key.get_secret_value())
        if settings.signing_key_file:
            signing_keys.install(sync_redis, settings.signing_key_file.read_bytes(), sealer)
        try:
            # A key sealed under another secret stops the replica here, saying why.
            signing_keys.ensure(sync_redis, sealer)
        except signing_keys.SealedElsewhere as exc:
            raise SettingsError(f"AUTH_SECRET_KEY: {exc}") from None
        except RedisError:
            pass  # redis-auth not up yet: the replica starts not ready and checks on first use
        app.state.oauth = MotusAuthorizationServer(
            settings.issuer, known_clients, sync_redis, SigningKeys(sync_redis, sealer), app.state.auth_metrics
        )
        try:
            yield
        finally:
            close_sync_redis(sync_redis)

    app = build_service(
        service="auth",
        title="Motus auth",
        settings=settings,
        prefix=PREFIX,
        routers=[accounts.router, oauth.router, about_router(PREFIX)],
        resources=oauth_server,
        stores=stores_over(settings.login_lock_seconds),
    )
    app.state.auth_metrics = AuthMetrics(app.state.metrics_registry)
    app.state.hash_slots = HashSlots(
        settings.hash_memory_budget_mib, settings.hash_queue, settings.hash_wait_seconds, app.state.metrics_registry
    )
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
