"""The game as an OpenID Connect client of the auth service (authorization code + PKCE).

Browsers are sent to the provider's public endpoints; the game itself talks to the
provider only through HAProxy's internal frontend (token exchange, keys).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode, urlsplit

import httpx2

from motus.settings import GameSettings
from motus_kit.jwks import KeyCache, KeysUnavailable
from motus_kit.jwt_verify import Expected, TokenKind, TokenRejected, verify


class LoginFailed(Exception):
    """The provider refused (a bad or revoked grant) or its answer cannot be trusted."""


class ProviderUnavailable(Exception):
    """The provider could not answer (down, overloaded, unreachable): try again later."""


@dataclass(frozen=True)
class LoginRequest:
    state: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def authorize_url(settings: GameSettings, login: LoginRequest, signup: bool = False) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": settings.client_id,
            "redirect_uri": settings.redirect_uri,
            # score:read lets the game show the player's statistics on their behalf.
            "scope": "openid profile score:read",
            "state": login.state,
            "nonce": login.nonce,
            "code_challenge": _challenge(login.verifier),
            "code_challenge_method": "S256",
        }
    )
    authorize = f"{settings.auth_issuer}/authorize?{query}"
    if not signup:
        return authorize
    # A new player starts at the registration page, which then continues the same login.
    path = urlsplit(authorize)
    return f"{settings.auth_issuer}/register?" + urlencode({"next": f"{path.path}?{path.query}"})


def end_session_url(settings: GameSettings, id_token: str | None) -> str:
    params = {"client_id": settings.client_id, "post_logout_redirect_uri": f"{settings.public_url}/"}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{settings.auth_issuer}/end-session?" + urlencode(params)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    id_token: str
    expires_at: int

    @classmethod
    def from_response(cls, body: dict) -> Tokens:
        try:
            return cls(body["access_token"], body["refresh_token"], body.get("id_token", ""), _expiry(body))
        except KeyError as exc:
            raise LoginFailed(f"token response without {exc}") from None


def _expiry(body: dict) -> int:
    return int(time.time()) + int(body.get("expires_in", 0))


class Provider:
    def __init__(self, settings: GameSettings, http: httpx2.AsyncClient) -> None:
        self.settings = settings
        self.http = http
        self._keys = KeyCache(http)

    async def _token_request(self, form: dict[str, str]) -> dict:
        secret = self.settings.client_secret.get_secret_value()
        try:
            resp = await self.http.post("/auth/token", data=form, auth=(self.settings.client_id, secret))
        except httpx2.HTTPError as exc:
            raise ProviderUnavailable(f"token endpoint unreachable: {type(exc).__name__}") from None
        if resp.status_code >= 500:
            raise ProviderUnavailable(f"token endpoint answered {resp.status_code}")
        if resp.status_code != 200:
            raise LoginFailed(f"token endpoint answered {resp.status_code}: {resp.text[:200]}")
        return resp.json()

    async def exchange(self, code: str, login: LoginRequest) -> tuple[Tokens, dict]:
        body = await self._token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.settings.redirect_uri,
                "code_verifier": login.verifier,
            }
        )
        tokens = Tokens.from_response(body)
        return tokens, await self.id_token_claims(tokens.id_token, login.nonce)

    async def refresh(self, refresh_token: str) -> Tokens:
        body = await self._token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})
        return Tokens.from_response(body)

    async def client_token(self, scope: str) -> tuple[str, int]:
        """A token for the game itself (client credentials): its access token and expiry."""
        body = await self._token_request({"grant_type": "client_credentials", "scope": scope})
        try:
            return body["access_token"], _expiry(body)
        except KeyError:
            raise LoginFailed("token response without access_token") from None

    async def logout_claims(self, logout_token: str) -> dict:
        """A back-channel logout token's claims once checked (OpenID Connect Back-Channel
        Logout 1.0, 2.6): ours, for this client, typ logout+jwt, unexpired, naming an
        account, carrying the logout event and no nonce; else LoginFailed."""
        try:
            keys = await self._keys.for_token(logout_token)
        except KeysUnavailable:
            raise ProviderUnavailable("jwks unreachable") from None
        expected = Expected(self.settings.auth_issuer, self.settings.client_id, TokenKind.LOGOUT)
        try:
            claims = verify(logout_token, keys, expected)
        except TokenRejected as exc:
            raise LoginFailed(f"logout_token: {exc}") from None
        events = claims.get("events")
        if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_LOGOUT_EVENT), dict):
            raise LoginFailed("logout_token: no back-channel logout event")
        if "nonce" in claims or not isinstance(claims.get("jti"), str) or "exp" not in claims:
            raise LoginFailed("logout_token: a nonce, or no jti or exp")
        return claims

    async def id_token_claims(self, id_token: str, nonce: str) -> dict:
        """The id_token's claims once checked (motus_kit.jwt_verify, with this login's nonce); else LoginFailed."""
        try:
            # A key we have not seen yet may be a rotation: the cache fetches the keys again.
            keys = await self._keys.for_token(id_token)
        except KeysUnavailable:
            raise ProviderUnavailable("jwks unreachable") from None
        expected = Expected(self.settings.auth_issuer, self.settings.client_id, TokenKind.ID, nonce=nonce)
        try:
            return verify(id_token, keys, expected)
        except TokenRejected as exc:
            raise LoginFailed(f"id_token: {exc}") from None


BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
