"""One rule for every JWT the provider signs, wherever it is checked: the game's
id_tokens, the score service's access tokens, the provider's own userinfo,
introspection, revocation and logout hints.

RS256 only (a header saying "none" or HS256 is refused before any signature check
could be fooled by it); issuer; audience; expiry and not-before with the same
leeway everywhere; and the kind of token from its header (RFC 9068): an access
token says `typ: at+jwt`, an id_token must not, so neither passes for the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

ALGORITHMS = ["RS256"]
# The audience of every access token: the platform's APIs (score service, userinfo).
API_AUDIENCE = "motus-api"
# Clock skew tolerated between the provider and whoever checks its tokens.
LEEWAY_SECONDS = 30
_ACCESS_TYPES = ("at+jwt", "application/at+jwt")
_LOGOUT_TYPES = ("logout+jwt", "application/logout+jwt")


class TokenKind(StrEnum):
    ACCESS = "access"  # RFC 9068: header typ at+jwt
    ID = "id"  # OpenID Connect id_token: any typ but at+jwt or logout+jwt (the provider writes JWT)
    LOGOUT = "logout"  # OpenID Connect Back-Channel Logout 1.0: header typ logout+jwt


class TokenRejected(Exception):
    """The token is not one to trust: forged, altered, for someone else, of the wrong kind."""


class TokenExpired(TokenRejected):
    """Intact and ours, but past its expiry (beyond the leeway)."""


@dataclass(frozen=True)
class Expected:
    issuer: str
    # None only where the caller checks the audience itself (a logout hint, whose
    # client is known only once authlib has read the request).
    audience: str | None
    kind: TokenKind
    nonce: str | None = None  # an id_token answering a login: the nonce that login sent
    # A logout hint names a session; it may have expired long ago (OIDC RP-Initiated Logout).
    check_expiry: bool = True


def verify(token: str, keys: KeySet, expected: Expected) -> dict:
    """The token's claims if it passes every check; TokenRejected (or TokenExpired) if not."""
    try:
        decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError, TypeError) as exc:
        raise TokenRejected(f"signature: {type(exc).__name__}") from None
    typ = str(decoded.header.get("typ", "")).lower()
    kind = TokenKind.ACCESS if typ in _ACCESS_TYPES else TokenKind.LOGOUT if typ in _LOGOUT_TYPES else TokenKind.ID
    if kind is not expected.kind:
        raise TokenRejected(f"not an {expected.kind.value} token (typ {typ or 'absent'})")
    claims: dict = {"iss": {"essential": True, "value": expected.issuer}, "sub": {"essential": True}}
    if expected.audience is not None:
        claims["aud"] = {"essential": True, "value": expected.audience}
    if expected.check_expiry:
        claims["exp"] = {"essential": True}
    if expected.nonce is not None:
        claims["nonce"] = {"essential": True, "value": expected.nonce}
    registry = (jwt.JWTClaimsRegistry if expected.check_expiry else _NoExpiry)(leeway=LEEWAY_SECONDS, **claims)
    try:
        registry.validate(decoded.claims)
    except ExpiredTokenError:
        raise TokenExpired("expired") from None
    except (JoseError, ValueError, TypeError) as exc:
        raise TokenRejected(f"claims: {exc}") from None
    return dict(decoded.claims)


class _NoExpiry(jwt.JWTClaimsRegistry):
    def validate_exp(self, value: int) -> None:
        pass
