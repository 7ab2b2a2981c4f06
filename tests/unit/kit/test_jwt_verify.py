"""motus_kit.jwt_verify: the one rule the game, the score service and the provider apply."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from motus_kit.jwt_verify import (
    API_AUDIENCE,
    LEEWAY_SECONDS,
    Expected,
    TokenExpired,
    TokenKind,
    TokenRejected,
    verify,
)

ISSUER = "http://127.0.0.1:8080/auth"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
KEYS = KeySet([KEY])
ACCESS = Expected(ISSUER, API_AUDIENCE, TokenKind.ACCESS)
ID = Expected(ISSUER, "motus-game", TokenKind.ID, nonce="n-1")


def _claims(**changes) -> dict:
    now = int(time.time())
    return {"iss": ISSUER, "sub": "u1", "aud": [API_AUDIENCE], "exp": now + 300, "iat": now, **changes}


def _token(claims: dict, typ: str | None = "at+jwt", key=KEY, alg: str = "RS256") -> str:
    header = {"alg": alg, "kid": "k1", **({"typ": typ} if typ else {})}
    return jwt.encode(header, claims, key)


def test_a_good_access_token_passes_with_its_claims():
    assert verify(_token(_claims(scope="score:read")), KEYS, ACCESS)["scope"] == "score:read"


def test_a_good_id_token_passes_with_its_nonce():
    claims = _claims(aud=["motus-game"], nonce="n-1")
    assert verify(_token(claims, typ="JWT"), KEYS, ID)["sub"] == "u1"
    assert verify(_token(claims, typ=None), KEYS, ID)["sub"] == "u1"  # typ is optional on id_tokens


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        # An id_token is not an access token, and an access token is not an id_token.
        (_token(_claims(), typ="JWT"), ACCESS),
        (_token(_claims(), typ=None), ACCESS),
        (_token(_claims(aud=["motus-game"], nonce="n-1"), typ="at+jwt"), ID),
        # Someone else's issuer or audience.
        (_token(_claims(iss="http://evil/auth")), ACCESS),
        (_token(_claims(aud=["another-api"])), ACCESS),
        (_token(_claims(aud=["motus-game"], nonce="other")), ID),
        # No subject.
        (_token({k: v for k, v in _claims().items() if k != "sub"}), ACCESS),
        # Signed with another key, or not signed with RSA at all.
        (_token(_claims(), key=RSAKey.generate_key(2048, parameters={"kid": "k1"})), ACCESS),
        (_token(_claims(), key=OctKey.generate_key(256), alg="HS256"), ACCESS),
        ("not.a.token", ACCESS),
    ],
)
def test_anything_else_is_rejected(token, expected):
    with pytest.raises(TokenRejected):
        verify(token, KEYS, expected)


def test_expiry_has_the_same_leeway_everywhere():
    now = int(time.time())
    assert verify(_token(_claims(exp=now - LEEWAY_SECONDS + 5)), KEYS, ACCESS)
    with pytest.raises(TokenExpired):
        verify(_token(_claims(exp=now - LEEWAY_SECONDS - 5)), KEYS, ACCESS)


def test_a_logout_hint_may_have_expired():
    old = _token(_claims(aud=["motus-game"], exp=int(time.time()) - 86400), typ="JWT")
    hint = Expected(ISSUER, "motus-game", TokenKind.ID, check_expiry=False)
    assert verify(old, KEYS, hint)["sub"] == "u1"
    with pytest.raises(TokenExpired):
        verify(old, KEYS, Expected(ISSUER, "motus-game", TokenKind.ID))
