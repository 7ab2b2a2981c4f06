"""The HTTP client a service uses to call another one, always through HAProxy's
internal frontend: services never hold each other's addresses."""

from __future__ import annotations

import httpx2

from motus_kit.logs import request_id_var


async def _forward_request_id(request: httpx2.Request) -> None:
    # The same request id across services: one grep follows a player's click
    # through the game, HAProxy and the auth service.
    rid = request_id_var.get()
    if rid != "-":
        request.headers.setdefault("X-Request-ID", rid)


# Longer than a peer's own wait for its store during a failover (6 s, then a 503): a
# caller that gave up first would leave the peer to finish the work for nobody. For a
# refresh-token rotation that is worse than lost work: the new token is stored, the
# caller keeps the old one, and its next refresh looks like a stolen token replayed
# (the family is revoked, the player logged out). Found by test_game_api's provider
# outage test once the stores waited out failovers.
PEER_TIMEOUT_SECONDS = 10.0


def create_peer_client(base_url: str, timeout_seconds: float = PEER_TIMEOUT_SECONDS) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        base_url=base_url,
        timeout=timeout_seconds,
        event_hooks={"request": [_forward_request_id]},
        # Calls between our own services, on loopback or the compose network.
        follow_redirects=False,
    )
