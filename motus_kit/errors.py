"""One error shape for every service: a stable machine code and a French message.

Every failure a client can meet answers JSON `{"code": ..., "message": ...}` with a
meaningful status, so a person reading it (or a script) knows what happened.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from motus_kit.replication import NotReplicated

log = logging.getLogger("motus.errors")

_STATUS_CODES = {
    400: ("bad_request", "La requête est mal formée."),
    401: ("unauthorized", "Authentification requise."),
    403: ("forbidden", "Accès refusé."),
    404: ("not_found", "Cette adresse n'existe pas."),
    405: ("method_not_allowed", "Cette méthode n'est pas permise à cette adresse."),
    409: ("conflict", "Cette requête entre en conflit avec l'état actuel."),
    413: ("too_large", "La requête est trop volumineuse."),
    415: ("unsupported_media_type", "Ce type de contenu n'est pas accepté."),
    429: ("too_many_requests", "Trop de requêtes : réessayez dans un instant."),
}

NOT_REPLICATED = (
    "not_replicated",
    "Votre demande est arrivée mais n'est pas encore en lieu sûr. Renvoyez-la : elle ne sera pas comptée deux fois.",
)
STORE_UNAVAILABLE = (
    "store_unavailable",
    "Le stockage de ce service est momentanément indisponible. Réessayez dans quelques secondes.",
)


class ErrorOut(BaseModel):
    """The body of every error response."""

    code: str = Field(description="Stable machine-readable code, e.g. wrong_length.")
    message: str = Field(description="What went wrong, in French, for a person.")
    fields: list[str] | None = Field(default=None, description="The offending fields, for invalid_request.")


def error_responses(descriptions: dict[int, str]) -> dict[int, dict]:
    """OpenAPI `responses=` entries documenting the error body for each status."""
    return {status: {"model": ErrorOut, "description": text} for status, text in descriptions.items()}


class ApiError(Exception):
    """A refusal a route raises on purpose: its status, a stable code, a message for a person
    (and, for invalid_request, the offending fields)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        fields: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers, self.fields = status, code, message, headers, fields


def error_body(code: str, message: str, **extra: object) -> dict[str, object]:
    return {"code": code, "message": message, **extra}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    # Starlette's own details are English and technical ("There was an error parsing
    # the body"): the client gets our French message for the status instead. Routes
    # that want their own words raise ApiError.
    code, message = _STATUS_CODES.get(exc.status_code, ("error", "La requête n'a pas pu aboutir."))
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    extra = {"fields": exc.fields} if exc.fields else {}
    return JSONResponse(error_body(exc.code, exc.message, **extra), status_code=exc.status, headers=exc.headers)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(err.get("type") == "json_invalid" for err in errors):
        return error_response(400, "invalid_json", "Le corps de la requête n'est pas du JSON valide.")
    fields = [".".join(str(p) for p in err.get("loc", ()) if p != "body") for err in errors]
    body = error_body("invalid_request", "Certains champs sont absents ou invalides.", fields=fields)
    return JSONResponse(body, status_code=422)


async def _store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # Not a bug in the request: the service's own Redis is down or slow. 503 lets
    # HAProxy and clients retry later, and the process keeps running.
    log.warning("store unavailable", extra={"error": type(exc).__name__, "detail": str(exc)[:200]})
    return error_response(503, *STORE_UNAVAILABLE, headers={"Retry-After": "2"})


async def _not_replicated(request: Request, exc: Exception) -> JSONResponse:
    # The write reached the primary but no replica confirmed it in time: it could
    # still vanish in a failover, so it is not acknowledged. Sending it again is safe.
    log.warning("write not acknowledged by a replica: %s", exc)
    return error_response(503, *NOT_REPLICATED, headers={"Retry-After": "1"})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(RedisConnectionError, _store_unavailable)
    app.add_exception_handler(RedisTimeoutError, _store_unavailable)
    app.add_exception_handler(NotReplicated, _not_replicated)
