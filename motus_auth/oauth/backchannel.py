"""OpenID Connect Back-Channel Logout 1.0, the provider's side: a player who logs out
here is logged out of every client that asked to be told (the game), and every token
family of the account is revoked.

The logout token is a JWT signed like the id_tokens, `typ: logout+jwt`, for one
client (aud), naming the account (sub), with a one-time jti and the back-channel
event. It is posted to the client's backchannel_logout_uri, which for the game is
HAProxy's internal frontend: the provider never holds a replica's address.
Best effort, bounded: two tries of two seconds per client; a client that cannot be
told is logged (its sessions then end at their own expiry, its tokens are revoked
all the same).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

import httpx2
from joserfc import jwt

from motus_auth.oauth.clients import Client
from motus_auth.oauth.signing_keys import ALG, SigningKeys
from motus_kit.peers import create_peer_client

log = logging.getLogger("motus.auth.logout")
EVENT = "http://schemas.openid.net/event/backchannel-logout"
# The token only has to cross one HAProxy hop: two minutes covers any clock skew.
LOGOUT_TOKEN_SECONDS = 120
_TRIES = 2


def logout_token(signing_keys: SigningKeys, issuer: str, client_id: str, subject: str) -> str:
    keys = signing_keys.private_set()
    key = next(iter(keys))
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": client_id,
        "sub": subject,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_SECONDS,
        "jti": uuid.uuid4().hex,
        "events": {EVENT: {}},
    }
    return jwt.encode({"alg": ALG, "kid": key.kid, "typ": "logout+jwt"}, claims, keys)


async def notify(clients: dict[str, Client], signing_keys: SigningKeys, issuer: str, subject: str) -> dict[str, bool]:
    """Tell every client with a back-channel URI that `subject` logged out: {client_id: told}."""
    targets = [c for c in clients.values() if c.backchannel_logout_uri]
    if not targets:
        return {}
    async with create_peer_client("", timeout_seconds=2.0) as http:
        told = await asyncio.gather(*(_tell(http, signing_keys, issuer, c, subject) for c in targets))
    return {c.client_id: ok for c, ok in zip(targets, told, strict=True)}


async def _tell(http: httpx2.AsyncClient, signing_keys: SigningKeys, issuer: str, client: Client, subject: str) -> bool:
    token = await asyncio.to_thread(logout_token, signing_keys, issuer, client.client_id, subject)
    for attempt in range(1, _TRIES + 1):
        try:
            resp = await http.post(client.backchannel_logout_uri, data={"logout_token": token})
            if resp.status_code == 200:
                return True
            log.warning("back-channel logout refused", extra={"client": client.client_id, "status": resp.status_code})
            return False  # the client read the token and said no: another try would say the same
        except httpx2.HTTPError as exc:
            if attempt == _TRIES:
                log.warning("back-channel logout not delivered", extra={"client": client.client_id,
                                                                       "reason": type(exc).__name__})  # fmt: skip
    return False


async def logged_out(server, user_id: str) -> None:
    """What follows a logout at the provider: the account's token families revoked, then
    every client told. `server` is the app's MotusAuthorizationServer."""
    await asyncio.to_thread(server.tokens.revoke_user, user_id)
    await notify(server.clients, server.signing_keys, server.issuer, user_id)
