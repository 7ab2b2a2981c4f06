"""What the auth pages share: the CSRF cookie, the session cookie, safe redirects, rendering."""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from motus_auth import csrf
from motus_kit import signing

SESSION_COOKIE = "motus_auth_session"
_SESSION_PURPOSE = "auth-session"
# Where a form may send the browser afterwards: a path on this site only. "//evil"
# and "/\\evil" are other hosts to a browser, so both are refused.
_SAFE_NEXT = re.compile(r"^/(?![/\\])[\x21-\x7e]*$")
DEFAULT_NEXT = "/auth/account"


def safe_next(value: str | None) -> str:
    return value if value and len(value) <= 2000 and _SAFE_NEXT.match(value) else DEFAULT_NEXT


def secret(request: Request) -> str:
    return request.app.state.settings.secret_key.get_secret_value()


def _secure(request: Request) -> bool:
    # From the issuer, as the game decides from its public URL: the provider is served
    # over https exactly when its public identifier says so. (X-Forwarded-Proto, read
    # before, was always "http" behind a TLS terminator: HAProxy overwrote it.)
    return request.app.state.settings.issuer.startswith("https://")


def render(request: Request, template: str, context: dict, status: int = 200) -> HTMLResponse:
    """A page with its form's CSRF token; sets the CSRF cookie on first visit."""
    cookie = request.cookies.get(csrf.COOKIE)
    fresh = not cookie
    if fresh:
        cookie = csrf.new_cookie_value()
    page = request.app.state.templates.TemplateResponse(
        request,
        template,
        {
            **context,
            "csrf_token": csrf.token_for(cookie, secret(request)),
            "instance": request.app.state.settings.instance,
        },
        status_code=status,
    )
    if fresh:
        page.set_cookie(csrf.COOKIE, cookie, httponly=True, samesite="strict", secure=_secure(request), path="/auth")
    # Pages with forms and tokens: never from a cache.
    page.headers["Cache-Control"] = "no-store"
    return page


def csrf_ok(request: Request, token: str | None) -> bool:
    return csrf.valid(request.cookies.get(csrf.COOKIE), token, secret(request))


def session_id(request: Request) -> str | None:
    return signing.unsign(request.cookies.get(SESSION_COOKIE), secret(request), _SESSION_PURPOSE)


def redirect_signed_in(request: Request, session: str, to: str) -> RedirectResponse:
    # 303 after a POST (RFC 9700): the browser follows with a GET, never re-posting credentials.
    response = RedirectResponse(to, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signing.sign(session, secret(request), _SESSION_PURPOSE),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/auth",
    )
    return response


def redirect_signed_out(to: str) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/auth")
    return response


def client_ip(request: Request) -> str:
    # HAProxy appends the peer address to X-Forwarded-For; uvicorn's proxy_headers has
    # already put it in request.client (replicas are only reachable through HAProxy).
    return request.client.host if request.client else "unknown"
