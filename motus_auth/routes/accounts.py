"""Register, log in, log out: the provider's own pages (French, forms with CSRF tokens)."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from motus_auth import passwords, throttle, usernames, web
from motus_auth.deps import AccountsDep, AuthMetricsDep, FailuresDep, HashSlotsDep, SessionsDep
from motus_auth.hashing import Busy
from motus_auth.oauth import backchannel

router = APIRouter(prefix="/auth", tags=["accounts"])

CSRF_FAILED = "Le formulaire a expiré. Rechargez la page et réessayez."
BAD_CREDENTIALS = "Nom d'utilisateur ou mot de passe incorrect."


def _busy(busy: Busy) -> tuple[list[str], int, dict[str, str]]:
    # The replica's password-hashing budget is spent (motus_auth/hashing.py): come back shortly.
    message = f"Le service de connexion est très sollicité. Réessayez dans {busy.retry_after} secondes."
    return [message], 503, {"Retry-After": str(busy.retry_after)}


async def _form(request: Request) -> dict[str, str]:
    # Small forms only; credentials never come in a URL (GET with a password is ignored).
    form = await request.form(max_files=0, max_fields=8)
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.get("/register", response_class=HTMLResponse, summary="Registration form")
async def register_form(request: Request, next: str | None = None) -> Response:
    return web.render(request, "register.html", {"next": web.safe_next(next), "username": "", "errors": []})


@router.post("/register", response_class=HTMLResponse, summary="Create an account")
async def register(
    request: Request, accounts: AccountsDep, sessions: SessionsDep, metrics: AuthMetricsDep, hashing: HashSlotsDep
) -> Response:
    form = await _form(request)
    username, password = form.get("username", "").strip(), form.get("password", "")
    next_url = web.safe_next(form.get("next"))
    context = {"next": next_url, "username": username}
    if not web.csrf_ok(request, form.get("csrf_token")):
        metrics.registrations.labels("csrf_failed").inc()
        return web.render(request, "register.html", {**context, "errors": [CSRF_FAILED]}, 403)
    errors = [e for e in (usernames.problem(username), passwords.problem(password, username)) if e]
    if password != form.get("password_confirm", ""):
        errors.append("Les deux mots de passe ne sont pas identiques.")
    outcome = "invalid"
    if not errors:
        try:
            password_hash = await hashing.run(passwords.hash_password, password)
        except Busy as busy:
            errors, status, headers = _busy(busy)
            response = web.render(request, "register.html", {**context, "errors": errors}, status)
            response.headers.update(headers)
            return response
        user = await accounts.create(username, usernames.canonical(username), password_hash)
        if user is None:
            outcome = "taken"
            errors.append("Ce nom d'utilisateur est déjà pris.")
        else:
            metrics.registrations.labels("created").inc()
            session = secrets.token_urlsafe(32)
            await sessions.create(session, user.id)
            return web.redirect_signed_in(request, session, next_url)
    metrics.registrations.labels(outcome).inc()
    return web.render(request, "register.html", {**context, "errors": errors}, 422)


@router.get("/login", response_class=HTMLResponse, summary="Login form")
async def login_form(request: Request, next: str | None = None) -> Response:
    return web.render(request, "login.html", {"next": web.safe_next(next), "username": "", "errors": []})


@router.post("/login", response_class=HTMLResponse, summary="Log in")
async def login(
    request: Request,
    accounts: AccountsDep,
    sessions: SessionsDep,
    failures: FailuresDep,
    metrics: AuthMetricsDep,
    hashing: HashSlotsDep,
) -> Response:
    form = await _form(request)
    username, password = form.get("username", "").strip(), form.get("password", "")
    next_url = web.safe_next(form.get("next"))

    def page(errors: list[str], status: int, headers: dict[str, str] | None = None) -> Response:
        response = web.render(request, "login.html", {"next": next_url, "username": username, "errors": errors}, status)
        response.headers.update(headers or {})
        return response

    if not web.csrf_ok(request, form.get("csrf_token")):
        metrics.logins.labels("csrf_failed").inc()
        return page([CSRF_FAILED], 403)
    account, ip = usernames.canonical(username), web.client_ip(request)
    # A locked address is told so without queueing for a hashing slot.
    wait = await failures.locked_for(account, ip)
    if wait:
        metrics.logins.labels("locked").inc()
        return page([throttle.retry_message(wait)], 429, {"Retry-After": str(wait)})
    try:
        # The hashing slot first: an attempt refused for lack of one is not counted.
        async with hashing.slot() as in_slot:
            wait = await failures.reserve(account, ip)
            if wait:
                metrics.logins.labels("locked").inc()
                return page([throttle.retry_message(wait)], 429, {"Retry-After": str(wait)})
            user = await accounts.by_username(account)
            # Verify against a dummy hash for unknown names: same time, no way to tell which
            # names exist. In a hashing thread: the replica keeps serving meanwhile.
            stored = user.password_hash if user else passwords.dummy_hash()
            ok = await in_slot(passwords.verify, stored, password)
            if ok and user and passwords.needs_rehash(user.password_hash):
                await accounts.set_password_hash(user.id, await in_slot(passwords.hash_password, password))
    except Busy as busy:
        return page(*_busy(busy))
    if not (user and ok):
        metrics.logins.labels("wrong_password" if user else "unknown_user").inc()
        wait = await failures.locked_for(account, ip)
        if wait:
            metrics.lockouts.inc()
            return page([throttle.retry_message(wait)], 429, {"Retry-After": str(wait)})
        return page([BAD_CREDENTIALS], 401)
    metrics.logins.labels("success").inc()
    await failures.succeeded(account, ip)
    # A login over an existing one (prompt=login, max_age, another account) replaces it.
    previous = web.session_id(request)
    if previous:
        await sessions.end(previous)
    session = secrets.token_urlsafe(32)
    await sessions.create(session, user.id)
    return web.redirect_signed_in(request, session, next_url)


@router.post("/logout", summary="Log out of the provider")
async def logout(request: Request, sessions: SessionsDep) -> Response:
    form = await _form(request)
    if not web.csrf_ok(request, form.get("csrf_token")):
        return web.render(request, "account.html", {"user": None, "errors": [CSRF_FAILED]}, 403)
    session = web.session_id(request)
    found = await sessions.get(session) if session else None
    if session:
        await sessions.end(session)
    if found:
        # Logged out of the clients too (the game), and the account's tokens revoked.
        await backchannel.logged_out(request.app.state.oauth, found[0])
    return web.redirect_signed_out(web.safe_next(form.get("next") or "/auth/login"))


@router.get("/account", response_class=HTMLResponse, summary="Who is logged in")
async def account(request: Request, accounts: AccountsDep, sessions: SessionsDep) -> Response:
    session = web.session_id(request)
    found = await sessions.get(session) if session else None
    user = await accounts.by_id(found[0]) if found else None
    if user is None:
        return RedirectResponse("/auth/login?next=/auth/account", status_code=303)
    return web.render(request, "account.html", {"user": user, "errors": []})
