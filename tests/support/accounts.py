"""Browser-like helpers for the provider's forms: fetch the form, post it with its CSRF token."""

from __future__ import annotations

import re
import uuid

import httpx2

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: httpx2.Client, page: str) -> str:
    resp = client.get(page)
    assert resp.status_code == 200, resp.text
    return _TOKEN.search(resp.text).group(1)


def new_username() -> str:
    return f"joueur-{uuid.uuid4().hex[:12]}"


PASSWORD = "la tortue verte 1987"


def register(client: httpx2.Client, username: str, password: str = PASSWORD, confirm: str | None = None):
    token = csrf_token(client, "/auth/register")
    form = {"username": username, "password": password, "password_confirm": confirm or password, "csrf_token": token}
    return client.post("/auth/register", data=form)


def login(client: httpx2.Client, username: str, password: str = PASSWORD, next_url: str = "/auth/account"):
    token = csrf_token(client, "/auth/login")
    return client.post(
        "/auth/login", data={"username": username, "password": password, "csrf_token": token, "next": next_url}
    )
