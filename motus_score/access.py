"""Who is calling: the bearer access token checked locally (RFC 6750, RFC 9068).

The token itself is checked by motus_kit.jwt_verify (the rule every service
shares); then the scope each route needs. Refusals carry a WWW-Authenticate header
saying why.
"""

from __future__ import annotations

from dataclasses import dataclass

from motus_kit.errors import ApiError
from motus_kit.jwks import KeyCache, KeysUnavailable
from motus_kit.jwt_verify import API_AUDIENCE, Expected, TokenExpired, TokenKind, TokenRejected, verify

READ = "score:read"  # a player reading their own statistics
RECORD = "score:record"  # the game recording finished games (client credentials)


@dataclass(frozen=True)
class Caller:
    subject: str  # the player's id, or the client id for a client-credentials token
    client_id: str
    scopes: frozenset[str]


def _unauthorized(code: str, message: str, error: str | None = None) -> ApiError:
    challenge = 'Bearer realm="motus"'
    if error:
        challenge += f', error="{error}"'
    return ApiError(401, code, message, headers={"WWW-Authenticate": challenge})


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        # RFC 6750 section 3.1: a malformed request is a 400 invalid_request.
        raise ApiError(
            400,
            "invalid_request",
            "En-tête Authorization attendu : « Bearer <jeton> ».",
            headers={"WWW-Authenticate": 'Bearer realm="motus", error="invalid_request"'},
        )
    return token.strip()


def required(caller: Caller | None) -> Caller:
    if caller is None:
        raise _unauthorized("token_required", "Un jeton d'accès est nécessaire (Authorization: Bearer …).")
    return caller


async def authenticate(token: str, keys: KeyCache, issuer: str) -> Caller:
    try:
        key_set = await keys.for_token(token)
    except KeysUnavailable:
        raise ApiError(
            503,
            "auth_unavailable",
            "Le service d'authentification est injoignable ; réessayez dans un instant.",
            headers={"Retry-After": "2"},
        ) from None
    try:
        claims = verify(token, key_set, Expected(issuer, API_AUDIENCE, TokenKind.ACCESS))
    except TokenExpired:
        raise _unauthorized("invalid_token", "Jeton d'accès expiré.", "invalid_token") from None
    except TokenRejected:
        raise _unauthorized("invalid_token", "Jeton d'accès invalide.", "invalid_token") from None
    return Caller(str(claims["sub"]), str(claims.get("client_id", "")), frozenset(str(claims.get("scope", "")).split()))


def require_recorder(caller: Caller, recorders: frozenset[str]) -> None:
    """score:record, and the token is a configured client's own (client credentials):
    the scope alone would let any client the provider ever grants it record results."""
    require_scope(caller, RECORD)
    if caller.subject != caller.client_id or caller.client_id not in recorders:
        raise ApiError(403, "not_a_recorder", "Seul le jeu peut enregistrer des résultats.")


def require_scope(caller: Caller, scope: str) -> None:
    if scope not in caller.scopes:
        raise ApiError(
            403,
            "insufficient_scope",
            f"Ce jeton n'a pas le droit « {scope} ».",
            headers={"WWW-Authenticate": f'Bearer realm="motus", error="insufficient_scope", scope="{scope}"'},
        )
