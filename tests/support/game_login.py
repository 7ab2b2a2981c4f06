"""Logging a player into the game through the real flow: game -> provider -> game."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx2

from tests.support.accounts import PASSWORD, csrf_token, new_username


def follow_redirects(client: httpx2.Client, resp: httpx2.Response, limit: int = 10) -> httpx2.Response:
    for _ in range(limit):
        if resp.status_code not in (302, 303):
            return resp
        location = resp.headers["location"]
        # Everything is one origin (HAProxy): keep paths relative so cookies and base_url apply.
        parts = urlsplit(location)
        resp = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
    raise AssertionError("too many redirects")


def sign_up_and_log_in(client: httpx2.Client, username: str | None = None) -> str:
    """Register a new account from the game's 'Créer un compte' and come back logged in."""
    username = username or new_username()
    start = client.get("/login", params={"signup": "true"})
    register_page = urlsplit(start.headers["location"])
    next_url = parse_qs(register_page.query)["next"][0]
    token = csrf_token(client, f"{register_page.path}?{register_page.query}")
    form = {"username": username, "password": PASSWORD, "password_confirm": PASSWORD, "csrf_token": token}
    final = follow_redirects(client, client.post("/auth/register", data={**form, "next": next_url}))
    assert final.status_code == 200 and "player-name" in final.text, final.text[:500]
    return username


def log_in(client: httpx2.Client, username: str, password: str = PASSWORD) -> httpx2.Response:
    start = client.get("/login")  # -> the provider's authorize endpoint
    login_redirect = client.get(_path(start.headers["location"]))  # -> its login page
    login_page = urlsplit(login_redirect.headers["location"])
    next_url = parse_qs(login_page.query)["next"][0]
    token = csrf_token(client, f"{login_page.path}?{login_page.query}")
    form = {"username": username, "password": password, "csrf_token": token, "next": next_url}
    return follow_redirects(client, client.post("/auth/login", data=form))


def _path(location: str) -> str:
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def callback_url(browser: httpx2.Client, username: str, password: str = PASSWORD) -> str:
    """Log in at the provider and stop just before the game's callback: its URL."""
    authorize = urlsplit(browser.get("/login").headers["location"])
    login_page = browser.get(f"{authorize.path}?{authorize.query}").headers["location"]
    token = csrf_token(browser, login_page)
    next_url = parse_qs(urlsplit(login_page).query)["next"][0]
    form = {"username": username, "password": password, "csrf_token": token, "next": next_url}
    return browser.get(browser.post("/auth/login", data=form).headers["location"]).headers["location"]
