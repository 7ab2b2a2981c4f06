"""The provider's own pages through HAProxy: register, log in, log out, and their refusals."""

from __future__ import annotations

import httpx2
import pytest

from tests.support.accounts import PASSWORD, csrf_token, login, new_username, register

pytestmark = pytest.mark.integration


@pytest.fixture
def client(healthy_stack):
    with httpx2.Client(base_url=healthy_stack.topology.public_url, timeout=10) as c:
        yield c


def test_register_then_account_page_names_the_user(client):
    name = new_username()
    resp = register(client, name)
    assert resp.status_code == 303 and resp.headers["location"] == "/auth/account"
    cookie = resp.headers["set-cookie"]
    assert "motus_auth_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = client.get("/auth/account")
    assert page.status_code == 200 and name in page.text


@pytest.mark.parametrize(
    ("username", "password", "confirm", "message"),
    [
        ("ab", PASSWORD, None, "entre 3 et 32"),
        ("élodie", PASSWORD, None, "sans accent"),
        (None, "court", None, "au moins 10"),
        (None, "azertyuiop", None, "trop courant"),
        ("marcel-2026", "marcel-2026-secret", None, "nom d'utilisateur"),
        (None, PASSWORD, "la tortue bleue 1987", "pas identiques"),
    ],
)
def test_registration_refusals_are_explained(client, username, password, confirm, message):
    resp = register(client, username or new_username(), password, confirm)
    assert resp.status_code == 422
    assert message in resp.text


def test_username_taken_whatever_the_case(client):
    name = new_username()
    assert register(client, name).status_code == 303
    with httpx2.Client(base_url=str(client.base_url), timeout=10) as other:
        resp = register(other, name.upper())
    assert resp.status_code == 422 and "déjà pris" in resp.text


def test_login_logout_login(client, healthy_stack):
    name = new_username()
    register(client, name)
    client.cookies.clear()
    assert client.get("/auth/account").status_code == 303  # not logged in
    resp = login(client, name.upper())  # usernames are case-insensitive
    assert resp.status_code == 303
    assert name in client.get("/auth/account").text
    token = csrf_token(client, "/auth/account")
    out = client.post("/auth/logout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/auth/login"
    assert client.get("/auth/account").status_code == 303


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    name = new_username()
    register(client, name)
    client.cookies.clear()
    wrong = login(client, name, "pas le bon mot de passe")
    unknown = login(client, new_username(), "pas le bon mot de passe")
    assert wrong.status_code == unknown.status_code == 401
    assert "incorrect" in wrong.text and "incorrect" in unknown.text


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_form_without_a_valid_csrf_token_is_refused(client, token):
    csrf_token(client, "/auth/register")  # the browser has the CSRF cookie
    form = {"username": new_username(), "password": PASSWORD, "password_confirm": PASSWORD}
    if token is not None:
        form["csrf_token"] = token
    resp = client.post("/auth/register", data=form)
    assert resp.status_code == 403 and "expiré" in resp.text


def test_session_cookie_works_on_either_replica(client):
    name = new_username()
    register(client, name)
    for replica in ("auth-1", "auth-2"):
        client.cookies.set("MOTUS_AUTH", replica)
        page = client.get("/auth/account")
        assert page.headers["x-motus-instance"] == replica and name in page.text


def test_next_cannot_send_the_browser_to_another_site(client):
    token = csrf_token(client, "/auth/register")
    form = {"username": new_username(), "password": PASSWORD, "password_confirm": PASSWORD, "csrf_token": token}
    resp = client.post("/auth/register", data={**form, "next": "//evil.example/steal"})
    assert resp.status_code == 303 and resp.headers["location"] == "/auth/account"


def test_auth_pages_are_not_cached_and_not_frameable(client):
    resp = client.get("/auth/login")
    assert resp.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
    assert resp.headers["referrer-policy"]


def test_password_never_in_logs(client, healthy_stack):
    secret = "un secret tres particulier 42"
    register(client, new_username(), secret)
    for name in ("haproxy", "auth-1", "auth-2"):
        assert all(secret not in line for line in healthy_stack.tail(name, 2000))


def _denied_by_haproxy(stack) -> float:
    text = httpx2.get(stack.topology.stats_url + "/metrics", timeout=5).text
    [line] = [
        line for line in text.splitlines() if line.startswith('haproxy_frontend_requests_denied_total{proxy="public"}')
    ]
    return float(line.rsplit(" ", 1)[1])


def test_haproxy_limits_credential_posts_per_address(healthy_stack):
    # From 127.0.0.2, so the rest of the suite (127.0.0.1) is not affected.
    transport = httpx2.HTTPTransport(local_address="127.0.0.2")
    limit = healthy_stack.topology.credential_rate
    denied_before = _denied_by_haproxy(healthy_stack)
    with httpx2.Client(base_url=healthy_stack.topology.public_url, transport=transport, timeout=10) as other:
        statuses = [
            other.post("/auth/login", data={"username": "x", "password": "y"}).status_code for _ in range(limit + 5)
        ]
        assert set(statuses[:limit]) == {403}  # no CSRF token: refused by the service
        blocked = other.post("/auth/login", data={"username": "x", "password": "y"})
        assert blocked.status_code == 429 and blocked.json()["code"] == "too_many_requests"
        assert blocked.headers["retry-after"] == "60"
        assert other.get("/auth/login").status_code == 200  # pages still load
    # Each refusal is counted where the security dashboard reads it.
    refused = statuses.count(429) + 1
    assert _denied_by_haproxy(healthy_stack) - denied_before == refused
    # Another address is not affected.
    with httpx2.Client(base_url=healthy_stack.topology.public_url, timeout=10) as client:
        assert client.post("/auth/login", data={"username": "x", "password": "y"}).status_code == 403


@pytest.mark.parametrize("path", ["/auth/regist%65r", "/auth/logi%6e", "/auth/tok%65n"])
def test_haproxy_limit_sees_through_percent_encoding(healthy_stack, path):
    transport = httpx2.HTTPTransport(local_address="127.0.0.4" if "regist" in path else "127.0.0.5")
    limit = healthy_stack.topology.credential_rate
    with httpx2.Client(base_url=healthy_stack.topology.public_url, transport=transport, timeout=10) as other:
        for _ in range(limit):
            other.post("/auth/login", data={"username": "x", "password": "y"})
        resp = other.post(path, data={"username": "x", "password": "y"})
        assert resp.status_code == 429


def test_concurrent_wrong_passwords_cannot_overrun_the_account_lock(healthy_stack):
    import concurrent.futures

    base = healthy_stack.topology.public_url
    transport = httpx2.HTTPTransport(local_address="127.0.0.6")
    with httpx2.Client(base_url=base, transport=transport, timeout=30) as client:
        name = new_username()
        register(client, name)
        client.cookies.delete("motus_auth_session")
        token = csrf_token(client, "/auth/login")
        form = {"username": name, "password": "pas le bon mot de passe", "csrf_token": token}
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(lambda _: client.post("/auth/login", data=form).status_code, range(20)))
    # Five attempts may check the password (the fifth triggers the lock); none more.
    assert statuses.count(401) + statuses.count(429) == 20
    assert statuses.count(401) <= 4


def test_starting_logins_in_a_loop_is_limited_too(healthy_stack):
    transport = httpx2.HTTPTransport(local_address="127.0.0.7")
    limit = healthy_stack.topology.credential_rate
    with httpx2.Client(base_url=healthy_stack.topology.public_url, transport=transport, timeout=10) as other:
        statuses = [other.get("/login").status_code for _ in range(limit + 1)]
    assert statuses[:limit] == [303] * limit and statuses[-1] == 429
