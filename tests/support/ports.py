"""Free loopback ports chosen at run time, so tests never collide with a running stack."""

from __future__ import annotations

import random
import socket

from motus_stack.preflight import port_is_free
from motus_stack.topology import PORT_SPAN


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_base_port(tries: int = 200) -> int:
    """A base port whose whole block (base .. base + PORT_SPAN) is free right now."""
    rng = random.Random()
    for _ in range(tries):
        # Below the kernel's ephemeral range (32768+), where outgoing connections take ports.
        base = rng.randrange(20000, 32000 - PORT_SPAN)
        if all(port_is_free("127.0.0.1", base + off) for off in range(PORT_SPAN)):
            return base
    raise RuntimeError("no free block of ports found")
