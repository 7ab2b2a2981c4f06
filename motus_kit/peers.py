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


def create_peer_client(base_url: str, timeout_seconds: float = 5.0) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        base_url=base_url,
        timeout=timeout_seconds,
        event_hooks={"request": [_forward_request_id]},
        # Calls between our own services, on loopback or the compose network.
        follow_redirects=False,
    )
