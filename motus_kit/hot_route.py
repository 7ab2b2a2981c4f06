"""One route served ahead of the framework's exception middleware and router.

A replica's hottest request (the game's guess) pays for Starlette's exception
middleware, FastAPI's exit-stack middleware, the router's match over every route and
the endpoint wrapper: about 15 % of a replica's CPU per guess, measured with py-spy.
`HotRoute` sits just inside the request-context middleware (request id, headers,
access line, metrics, body limit, last-resort 500 all still apply) and answers that
one path and method itself, turning exceptions into responses with the app's own
handlers, so every answer is the one the router would have given.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]


class HotRoute:
    def __init__(self, app: ASGIApp, route: Route, method: str) -> None:
        self.app = app
        self.route = route
        self.path = route.path
        self.method = method
        self.endpoint: Endpoint = route.endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] != self.method:
            await self.app(scope, receive, send)
            return
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
