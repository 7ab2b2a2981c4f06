"""The authorization server: authlib's core wired to our clients, stores and keys."""

from __future__ import annotations

import secrets

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidScopeError
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from authlib.oauth2.rfc9207 import IssuerParameter
from starlette.responses import JSONResponse, RedirectResponse, Response

from motus_auth import keys
from motus_auth.metrics import AuthMetrics
from motus_auth.oauth import access_tokens, endpoints, grants
from motus_auth.oauth.access_tokens import AccessToken
from motus_auth.oauth.clients import SCOPES, Client
from motus_auth.oauth.signing_keys import SigningKeys
from motus_auth.oauth.tokens import TokenStore
from motus_kit.jwt_verify import API_AUDIENCE


class AccessTokens(JWTBearerTokenGenerator):
    """RFC 9068 JWT access tokens: iss, sub, aud, exp, scope, client_id, jti, plus the family."""

    def __init__(self, issuer: str, signing_keys: SigningKeys) -> None:
        super().__init__(
            issuer=issuer,
            # Refresh tokens are opaque random strings; only their hash is stored (tokens.py).
            refresh_token_generator=lambda **_: secrets.token_urlsafe(48),
            expires_generator=lambda client, grant_type: keys.ACCESS_TOKEN_SECONDS,
        )
        self.signing_keys = signing_keys

    def get_jwks(self):
        return self.signing_keys.private_set()

    def get_audiences(self, client, user, scope):
        return [API_AUDIENCE]

    def get_auth_time(self, user):
        return user.auth_time if user else None

    def get_extra_claims(self, client, grant_type, user, scope):
        # "fam" lets userinfo and introspection honour a family revoked after a replay.
        # Sealed, with a fresh nonce each time: opaque to whoever holds the token, and two
        # tokens of one login cannot be linked by it.
        if not user:
            return {}
        return {"fam": self.signing_keys.sealer.seal_text(user.family, access_tokens.FAMILY_PURPOSE)}


class ServiceAccessTokens(AccessTokens):
    """Client-credentials tokens: the same JWTs, scoped by the client's service_scope.

    authlib narrows every token's scope through the generator's get_allowed_scope;
    the default one uses the client's player scopes, which must never apply here
    (nor service scopes to a player's token).
    """

    def __init__(self, issuer: str, signing_keys: SigningKeys) -> None:
        super().__init__(issuer, signing_keys)
        self.refresh_token_generator = None  # never a refresh token for a client acting alone

    @staticmethod
    def get_allowed_scope(client, scope):
        allowed = client.get_service_scope(scope)
        if not allowed:
            raise InvalidScopeError()
        return allowed


class Issuer(IssuerParameter):
    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    def get_issuer(self) -> str:
        return self.issuer

    def add_issuer_parameter(self, authorization_server, response):
        # authlib edits `response.location`, a Flask attribute; ours is a header.
        location = response.headers.get("location")
        if location:
            response.headers["location"] = add_params_to_uri(location, {"iss": self.issuer})


class MotusAuthorizationServer(AuthorizationServer):
    def __init__(
        self, issuer: str, clients: dict[str, Client], sync_redis, signing_keys: SigningKeys, metrics: AuthMetrics
    ) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.issuer = issuer
        self.clients = clients
        self.sync_redis = sync_redis
        self.signing_keys = signing_keys
        self.metrics = metrics
        self.tokens = TokenStore(sync_redis, on_reuse=metrics.reuse_detected)
        self.register_token_generator("default", AccessTokens(issuer, signing_keys))
        self.register_token_generator("client_credentials", ServiceAccessTokens(issuer, signing_keys))
        self.register_grant(
            grants.AuthorizationCodeGrant,
            [grants.S256Required(required=True), grants.MotusOpenIDCode(issuer, signing_keys, self.tokens)],
        )
        self.register_grant(grants.RefreshTokenGrant)
        self.register_grant(grants.ClientCredentialsGrant)
        self.register_extension(Issuer(issuer))
        for endpoint in (endpoints.Revocation, endpoints.Introspection, endpoints.UserInfo, endpoints.EndSession):
            self.register_endpoint(endpoint)

    def access_token(self, value: str) -> AccessToken | None:
        """One of our access tokens, intact, unexpired, of a login not revoked; else None."""
        sealer = self.signing_keys.sealer
        found = access_tokens.verify(value, self.signing_keys.public_set(), self.issuer, sealer)
        if found is None:
            # A key rotated on the other replica: read the keys again, once.
            found = access_tokens.verify(value, self.signing_keys.public_set(True), self.issuer, sealer)
        if found and found.family and self.tokens.family_revoked(found.family):
            return None
        return found

    def find_token(self, value: str):
        """A refresh token as stored, or an access token: what revocation and introspection act on."""
        return self.tokens.peek_refresh(value) or self.access_token(value)

    def query_client(self, client_id):
        return self.clients.get(client_id)

    def save_token(self, token, request):
        # Every grant ends here once its token is made: the one place to count them.
        self.metrics.token_issued(request.payload.grant_type)
        if "refresh_token" in token:
            user = request.user
            self.tokens.save_refresh(
                token["refresh_token"],
                request.client.get_client_id(),
                user.user_id,
                token.get("scope", ""),
                user.auth_time,
                user.family,
            )

    def create_oauth2_request(self, request) -> OAuth2Request:
        return request  # already built from the Starlette request (see requests.py)

    def create_json_request(self, request):
        return request

    def handle_response(self, status, body, headers) -> Response:
        headers = dict(headers)
        if isinstance(body, dict) and body.get("error") == "invalid_client":
            # One plain answer whatever went wrong: authlib's descriptions told a caller
            # which client ids exist and how each one authenticates.
            body = {"error": "invalid_client", "error_description": "Client authentication failed."}
            if "WWW-Authenticate" in headers:
                headers["WWW-Authenticate"] = f'Basic realm="{self.issuer}", error="invalid_client"'
        if status in (301, 302, 303):
            return RedirectResponse(
                headers.pop("Location"), status_code=303 if status == 302 else status, headers=headers
            )
        return JSONResponse(body, status_code=status, headers=headers)

    def send_signal(self, name, *args, **kwargs):
        pass
