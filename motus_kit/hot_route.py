"""Routes answered ahead of the framework's middleware stack and router.

A replica's hottest request (the game's guess) pays for FastAPI's and Starlette's
entry, their server-error and exception middleware, FastAPI's exit-stack middleware,
the router's match over every route and the endpoint wrapper: about a fifth of a
replica's CPU per guess, measured with py-spy. `HotRoutesApp` looks the request's
method and path up first and hands a hot one to its own request-context middleware
(request id, headers, access line, metrics, body limit, last-resort 500 all still
apply, the same metrics object counts it) around `HotRoute`, which calls the endpoint
and turns its exceptions into responses with the app's own handlers, so every answer
is the one the router would have given.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]


class HotRoutesApp(FastAPI):
    """A FastAPI app that serves `hot[(method, path)]` before anything else."""

    hot: dict[tuple[str, str], ASGIApp]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hot = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            hot = self.hot.get((scope["method"], scope["path"]))
            if hot is not None:
                scope["app"] = self  # what Starlette sets: request.app, the error handlers
                await hot(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


class HotRoute:
    """One route's endpoint as an ASGI app, its exceptions answered by the app's handlers."""

    def __init__(self, route: Route) -> None:
        self.route = route
        self.endpoint: Endpoint = route.endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # What the router would have set: the metrics label the request by its route.
        scope["route"] = self.route
        scope["endpoint"] = self.endpoint
        scope["path_params"] = {}
        request = Request(scope, receive, send)
        try:
            response = await self.endpoint(request)
        except Exception as exc:
            handler = _handler_for(scope["app"].exception_handlers, exc)
            if handler is None:
                raise  # the request-context middleware answers 500 and logs it
            response = await handler(request, exc)
        await response(scope, receive, send)


def _handler_for(handlers: dict, exc: Exception) -> Callable | None:
    # As Starlette's ExceptionMiddleware looks one up: the closest class in the MRO.
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None
