"""Checking the provider's own JWT access tokens (userinfo, introspection, revocation)."""

from __future__ import annotations

from dataclasses import dataclass

from joserfc.jwk import KeySet

from motus_kit import jwt_verify
from motus_kit.jwt_verify import API_AUDIENCE, Expected, TokenKind, TokenRejected


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

    def is_expired(self) -> bool:
        return False  # checked by verify(): an expired token is never an AccessToken

    def is_revoked(self) -> bool:
        return False  # the family is checked when the token is looked up (server.access_token)


def verify(token: str, keys: KeySet, issuer: str) -> AccessToken | None:
    """The token's claims if it is one of our access tokens, intact, unexpired and for
    our APIs (motus_kit.jwt_verify); else None."""
    try:
        return AccessToken(jwt_verify.verify(token, keys, Expected(issuer, API_AUDIENCE, TokenKind.ACCESS)))
    except TokenRejected:
        return None
