"""Checking the provider's own JWT access tokens (userinfo, introspection, revocation)."""

from __future__ import annotations

from dataclasses import dataclass

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from motus_auth.oauth.server import API_AUDIENCE


@dataclass(frozen=True)
class AccessToken:
    claims: dict

    @property
    def family(self) -> str | None:
        return self.claims.get("fam")

    @property
    def for_a_player(self) -> bool:
        # RFC 9068 section 2.2: a token with no resource owner (client credentials) has
        # the client itself as subject. Player ids are random hex, never a client id.
        return self.claims.get("sub") != self.claims.get("client_id")

    def check_client(self, client) -> bool:
        return client.get_client_id() == self.claims.get("client_id")

    def get_scope(self) -> str:
        return self.claims.get("scope", "")


def verify(token: str, keys: KeySet, issuer: str) -> AccessToken | None:
    """The token's claims if it is ours, intact, unexpired and for our APIs; else None.

    Only RS256: a token whose header says "none" or HS256 is refused before any
    signature check could be fooled by it.
    """
    try:
        decoded = jwt.decode(token, keys, algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": API_AUDIENCE},
            exp={"essential": True},
            sub={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError, TypeError):
        return None
    return AccessToken(decoded.claims)
