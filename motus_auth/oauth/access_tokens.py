"""Checking the provider's own JWT access tokens (userinfo, introspection, revocation)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from joserfc.jwk import KeySet

from motus_auth.oauth.signing_keys import Sealer
from motus_kit import jwt_verify
from motus_kit.jwt_verify import API_AUDIENCE, Expected, TokenKind, TokenRejected


@dataclass(frozen=True)
class AccessToken:
    claims: dict
    family: str | None = None  # the login's token family, opened from the sealed "fam" claim

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


# The associated data of the sealed "fam" claim: a value sealed for another use never opens as one.
FAMILY_PURPOSE = b"access-token-family"
_PLAIN_FAMILY = re.compile(r"[0-9a-f]{32}")


def verify(token: str, keys: KeySet, issuer: str, sealer: Sealer) -> AccessToken | None:
    """The token's claims if it is one of our access tokens, intact, unexpired and for
    our APIs (motus_kit.jwt_verify); else None."""
    try:
        claims = jwt_verify.verify(token, keys, Expected(issuer, API_AUDIENCE, TokenKind.ACCESS))
    except TokenRejected:
        return None
    sealed = claims.get("fam")
    if not isinstance(sealed, str):
        return AccessToken(claims)
    # Tokens issued before "fam" was sealed carried the id in clear: honoured until they expire.
    family = sealer.open_text(sealed, FAMILY_PURPOSE) or (sealed if _PLAIN_FAMILY.fullmatch(sealed) else None)
    return AccessToken(claims, family)
