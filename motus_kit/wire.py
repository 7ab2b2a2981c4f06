"""A uvicorn HTTP protocol whose responses reach the socket in one write.

uvicorn writes a response's head and its body with two separate socket writes. A
replica killed between the two (SIGKILL, OOM, a crash) leaves HAProxy holding a
200 head without a body: the response has begun, so HAProxy can no longer retry
it elsewhere and the client sees a broken connection. Measured here: about one
failed request in eight SIGKILLs under load.

Holding the writes made during one turn of the event loop and sending them
together closes that window: a dying replica has either sent the whole response
(head and body) or nothing at all, and "nothing" is an empty response HAProxy
retries on the other replica.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class _CoalescingTransport:
    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not data:
            return
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(bytes(data))

    def _flush(self) -> None:
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str):
        # Everything else (flow control, extra info, is_closing...) is the real transport's.
        return getattr(self._transport, name)


class _Coalescing:
    loop: asyncio.AbstractEventLoop

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_CoalescingTransport(transport, self.loop))  # type: ignore[misc]


class CoalescingH11Protocol(_Coalescing, H11Protocol):
    """The pure-Python parser (h11): kept for the tests that compare the two."""


class CoalescingHttpToolsProtocol(_Coalescing, HttpToolsProtocol):
    """The one the replicas run: llhttp's C parser, measured twice as fast (bench/throughput.py)."""
