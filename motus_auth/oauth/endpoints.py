"""The provider's endpoints beyond authorize and token, as authlib endpoint classes:
revocation (RFC 7009), introspection (RFC 7662), userinfo (OpenID Connect Core) and
RP-initiated logout. authlib runs the protocol (client authentication, parameters,
errors); these classes only say where tokens live.

They are registered on the server (server.py) and reached through
`server.create_endpoint_response(name, request)`, whose errors all go through the
server's one handle_error_response.
"""

from __future__ import annotations

from typing import ClassVar

from authlib.consts import default_json_headers
from authlib.oauth2.rfc6749 import ResourceProtector
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6750 import BearerTokenValidator, InvalidTokenError
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oidc.core import UserInfoEndpoint
from authlib.oidc.rpinitiated import EndSessionEndpoint

from motus_auth.oauth import principal
from motus_auth.oauth.access_tokens import AccessToken
from motus_auth.oauth.clients import AUTH_METHODS
from motus_auth.oauth.grants import user_info
from motus_auth.oauth.tokens import RefreshToken
from motus_kit.jwt_verify import Expected, TokenKind, TokenRejected, verify

# The fields of an access token an introspecting client is told (RFC 7662 section 2.2).
_INTROSPECTED = ("sub", "scope", "client_id", "exp", "iat", "iss", "aud", "jti")


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)

    def query_token(self, token_string, token_type_hint):
        return self.server.find_token(token_string)

    def authenticate_token(self, request, client):
        # Another client's token, or none at all, is answered like a revoked one (200):
        # a client learns nothing about tokens not its own. (authlib would say invalid_grant.)
        self.check_params(request, client)
        token = self.query_token(request.form["token"], request.form.get("token_type_hint"))
        return token if token and token.check_client(client) else None

    def revoke_token(self, token, request):
        # Revoking one token of a login revokes all of them (RFC 7009 section 2.1 allows it).
        self.server.tokens.revoke_family(token.family)


class Introspection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)

    def query_token(self, token_string, token_type_hint):
        return self.server.find_token(token_string)

    def check_permission(self, token, client, request):
        return token.check_client(client)

    def introspect_token(self, token):
        if isinstance(token, RefreshToken):
            return {
                "active": True,
                "token_type": "refresh_token",
                "client_id": token.client_id,
                "sub": token.user_id,
                "scope": token.scope,
            }
        return {"active": True, "token_type": "Bearer", **{k: token.claims[k] for k in _INTROSPECTED}}


class _PlayerAccessTokens(BearerTokenValidator):
    """Access tokens that stand for a player: a client-credentials token has no user."""

    def __init__(self, server) -> None:
        super().__init__()
        self.server = server

    def authenticate_token(self, token_string):
        return self.server.access_token(token_string)

    def validate_token(self, token, scopes, request):
        if token is not None and not token.for_a_player:
            raise InvalidTokenError("The access token does not stand for a user")
        super().validate_token(token, scopes, request)


class UserInfo(UserInfoEndpoint):
    def __init__(self, server) -> None:
        protector = ResourceProtector()
        protector.register_token_validator(_PlayerAccessTokens(server))
        super().__init__(server, protector)

    def __call__(self, request):
        # authlib's version asks the protector for "the current request" (a Flask
        # global); here the request is passed, and the rest is the same.
        token: AccessToken = self.resource_protector.validate_request(["openid"], request)
        user = principal.load(self.server.sync_redis, token.claims["sub"], 0, "")
        if user is None:
            raise InvalidTokenError("The account no longer exists")
        return 200, dict(self.generate_user_info(user, token.get_scope())), default_json_headers

    def generate_user_info(self, user, scope):
        return user_info(user, scope)


class EndSession(EndSessionEndpoint):
    """RP-initiated logout: authlib validates the request (hint, client, redirect URI);
    the route ends the provider session, which lives in the async store and in a cookie."""

    def get_server_jwks(self):
        return self.server.signing_keys.public_set(True)

    def _validate_id_token_hint(self, id_token_hint: str) -> dict:
        # The platform's one token rule (motus_kit.jwt_verify) rather than authlib's:
        # ours, an id_token (not an access token), expired or not. authlib then checks
        # the audience against client_id.
        expected = Expected(self.server.issuer, None, TokenKind.ID, check_expiry=False)
        try:
            return verify(id_token_hint, self.get_server_jwks(), expected)
        except TokenRejected as exc:
            raise InvalidRequestError(f"id_token_hint: {exc}") from None

    def end_session(self, end_session_request):
        pass  # done by the route (motus_auth/routes/oauth.py), see the class docstring
