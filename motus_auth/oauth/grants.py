"""The grants the provider allows, and the extensions that harden them.

The authorization code flow (with PKCE S256, required for every client) and refresh
tokens for players; client credentials for a confidential client acting in its own
name, limited to its service_scope. No implicit, no password grant (RFC 9700
section 2.1.2, 2.4).
"""

from __future__ import annotations

import secrets
import time
from typing import ClassVar

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError, InvalidScopeError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode, UserInfo

from motus_auth import keys
from motus_auth.oauth import principal
from motus_auth.oauth.clients import AUTH_METHODS, CONFIDENTIAL_AUTH_METHODS
from motus_auth.oauth.tokens import TokenStore


class S256Required(CodeChallenge):
    """PKCE for every client, confidential ones included, and only S256.

    authlib's own CodeChallenge(required=True) forces PKCE on public clients only
    and accepts "plain", which RFC 9700 section 2.1.1 advises against.
    """

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge with code_challenge_method=S256.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is accepted.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant, result):
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier'.")
        super().validate_code_verifier(grant, result)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)
    AUTHORIZATION_CODE_LENGTH = 48

    @property
    def tokens(self) -> TokenStore:
        return self.server.tokens

    def generate_authorization_code(self) -> str:
        return secrets.token_urlsafe(32)

    def save_authorization_code(self, code, request):
        data = request.payload.data
        self.tokens.save_code(
            code,
            {
                "client_id": request.client.get_client_id(),
                "redirect_uri": request.payload.redirect_uri,
                "scope": request.payload.scope,
                "user_id": request.user.user_id,
                "nonce": data.get("nonce"),
                "auth_time": request.user.auth_time,
                "code_challenge": data.get("code_challenge"),
                "code_challenge_method": data.get("code_challenge_method"),
            },
        )

    def query_authorization_code(self, code, client):
        # Claimed on first sight: one-time even if the exchange then fails (wrong verifier...).
        found = self.tokens.claim_code(code, client.get_client_id())
        if found is None or found.client_id != client.get_client_id() or found.is_expired():
            return None
        return found

    def delete_authorization_code(self, authorization_code):
        pass  # already marked used by query_authorization_code; it expires by itself

    def authenticate_user(self, authorization_code):
        return principal.load(
            self.server.sync_redis, authorization_code.user_id, authorization_code.auth_time, authorization_code.family
        )


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)
    # Rotation: every refresh returns a new refresh token and retires the old one.
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        # Claimed on first sight, like codes: one of two racing refreshes gets a 400.
        return self.server.tokens.claim_refresh(refresh_token, self.request.client.get_client_id())

    def authenticate_user(self, refresh_token):
        return principal.load(
            self.server.sync_redis, refresh_token.user_id, refresh_token.auth_time, refresh_token.family
        )

    def revoke_old_credential(self, refresh_token):
        pass  # already marked used by authenticate_refresh_token


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    """A token for the client itself (sub = client_id), e.g. the game's relay recording results.

    Only confidential clients (no "none" here; the clients file refuses a service_scope
    on a public client) and only scopes from their service_scope. No refresh token:
    the client can always ask again with its secret.
    """

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(CONFIDENTIAL_AUTH_METHODS)

    def validate_requested_scope(self):
        super().validate_requested_scope()
        # authlib would narrow the request silently; asking for more than the client
        # holds is an error here, so a misconfigured relay learns it at once.
        if self.client.get_service_scope(self.request.payload.scope) is None:
            raise InvalidScopeError("The client may only ask for scopes in its service_scope.")


class MotusOpenIDCode(OpenIDCode):
    """id_tokens signed with the provider's current key; a nonce is required and one-time."""

    def __init__(self, issuer: str, signing_keys, tokens: TokenStore) -> None:
        super().__init__(require_nonce=True)
        self.issuer = issuer
        self.signing_keys = signing_keys
        self.tokens = tokens

    def exists_nonce(self, nonce, request):
        return self.tokens.nonce_seen(request.payload.client_id, nonce)

    def resolve_client_private_key(self, client):
        return self.signing_keys.private_set()

    def get_client_algorithm(self, client):
        return "RS256"

    def get_encode_header(self, client):
        key = next(iter(self.signing_keys.private_set()))
        return {"alg": "RS256", "kid": key.kid, "typ": "JWT"}

    def get_client_claims(self, client):
        now = int(time.time())
        return {"iss": self.issuer, "aud": [client.get_client_id()], "iat": now, "exp": now + keys.ID_TOKEN_SECONDS}

    def generate_user_info(self, user, scope):
        return user_info(user, scope)


def user_info(user, scope: str) -> UserInfo:
    info = UserInfo(sub=user.user_id)
    if "profile" in scope.split():
        info["preferred_username"] = user.username
        info["name"] = user.username
    return info
