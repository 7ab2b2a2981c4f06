"""Per-request plumbing: request id, instance header, one JSON access line, the request
metrics, last-resort 500."""

from __future__ import annotations

import logging
import os
import re
import time

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from motus_kit.errors import error_body
from motus_kit.logs import request_id_var
from motus_kit.metrics import RequestMetrics

access_log = logging.getLogger("motus.access")
error_log = logging.getLogger("motus.errors")

INSTANCE_HEADER = "X-Motus-Instance"
# On every response, pages and JSON alike: no framing (clickjacking), no MIME
# sniffing, no full URL leaked to other sites, and only our own scripts and styles
# (the pages load nothing from elsewhere; a script injected inline would not run).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
_SECURITY_RAW = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
# HAProxy sets X-Request-ID (a UUID); a client may send its own. Anything odd is
# replaced rather than copied into our logs.
_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Every body this platform accepts (a guess, a login form, a token request) is a few
# hundred bytes; anything much bigger is refused before it is read into memory.
MAX_BODY_BYTES = 64 * 1024
# Probes run twice a second per replica and Prometheus scrapes every few seconds:
# logged only when they fail.
_PROBE_SUFFIXES = ("/healthz", "/readyz", "/metrics")


class _BodyTooLarge(Exception):
    pass


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _REQUEST_ID_OK.match(candidate):
                return candidate
            break
    # Only direct requests (HAProxy always sends one): 32 hex characters, like a UUID's.
    return os.urandom(16).hex()


class RequestContextMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware) so it adds no task per request and sees every response."""

    def __init__(self, app: ASGIApp, instance: str, metrics: RequestMetrics | None = None) -> None:
        self.app = app
        self.instance = instance
        self.metrics = metrics
        self._instance_raw = instance.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _request_id(scope)
        token = request_id_var.set(rid)
        start = time.perf_counter()
        status = 500
        started = False

        too_large = False  # the body outgrew the limit while the app was reading it
        replacing = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started, replacing
            if message["type"] == "http.response.start" and too_large:
                # FastAPI reads the body itself and turns any failure while reading (our
                # _BodyTooLarge, for a chunked body that declared no length) into its own
                # 400: the client is told what really happened instead.
                replacing = True
                message = _json_start(413, _TOO_LARGE)
            elif message["type"] == "http.response.body" and replacing:
                if message.get("more_body"):
                    return  # the framework's body, in parts: ours goes with the last one
                message = {"type": "http.response.body", "body": _TOO_LARGE}
            if message["type"] == "http.response.start":
                status = message["status"]
                started = True
                # Raw header tuples, appended: a response that set one of the security
                # headers itself (none does today) keeps its own.
                raw = list(message.get("headers", ()))
                present = {name.lower() for name, _ in raw}
                raw += [pair for pair in _SECURITY_RAW if pair[0] not in present]
                raw += [(b"x-motus-instance", self._instance_raw), (b"x-request-id", rid.encode("latin-1"))]
                message = {**message, "headers": raw}
            await send(message)

        received = 0

        async def receive_bounded() -> Message:
            # Also catches a chunked body, which declares no length up front.
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY_BYTES:
                    too_large = True
                    raise _BodyTooLarge
            return message

        try:
            if _declared_length(scope) > MAX_BODY_BYTES:
                raise _BodyTooLarge
            await self.app(scope, receive_bounded, send_with_headers)
        except _BodyTooLarge:
            status = 413
            if not started:
                await _send_body(send_with_headers, 413, _TOO_LARGE)
        except Exception:
            # A bug must cost one request, never the process, and still answer in our format.
            error_log.exception("unhandled error", extra={"path": scope.get("path", "")})
            status = 500
            if not started:
                message = "Une erreur interne est survenue. Elle a été enregistrée."
                await _send_json(send_with_headers, 500, error_body("internal_error", message))
        finally:
            if self.metrics is not None:
                self.metrics.record(scope, status, start)
            path = scope.get("path", "")
            level = logging.DEBUG if path.endswith(_PROBE_SUFFIXES) and status < 400 else logging.INFO
            access_log.log(
                level,
                "request",
                extra={
                    "method": scope.get("method", ""),
                    # scope["path"] never holds the query string: codes and emails stay out of logs.
                    "path": path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                },
            )
            request_id_var.reset(token)


def _json(payload: dict) -> bytes:
    # Rendered exactly as the error handlers' JSONResponse renders it: one shape, byte for byte.
    return JSONResponse(payload).body


_TOO_LARGE = _json(error_body("too_large", "La requête est trop volumineuse."))


def _json_start(status: int, body: bytes) -> Message:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return {"type": "http.response.start", "status": status, "headers": headers}


async def _send_body(send: Send, status: int, body: bytes) -> None:
    await send(_json_start(status, body))
    await send({"type": "http.response.body", "body": body})


async def _send_json(send: Send, status: int, payload: dict) -> None:
    await _send_body(send, status, _json(payload))
