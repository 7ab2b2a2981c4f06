"""The OAuth 2.0 / OpenID Connect provider through HAProxy: the flow, and one refusal per rule."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

import redis
from motus_auth.oauth import signing_keys
from motus_auth.oauth.tokens import digest
from motus_kit.jwt_verify import LEEWAY_SECONDS
from tests.support.accounts import PASSWORD, csrf_token, login, new_username, register
from tests.support.oauth import (
    CLI,
    AuthRequest,
    authorize,
    code_from,
    exchange,
    refresh,
    signed_in_browser,
    userinfo,
)
from tests.support.tokens import claims_now, forge, sealer

pytestmark = pytest.mark.integration


@pytest.fixture
def base(healthy_stack) -> str:
    return healthy_stack.topology.public_url


@pytest.fixture
def browser(base):
    client, _ = signed_in_browser(base)
    yield client
    client.close()


@pytest.fixture
def auth_redis(healthy_stack):
    client = redis.Redis.from_url(healthy_stack.topology.redis_url("redis-auth"), decode_responses=True)
    yield client
    client.close()


def _tokens(base: str, browser, request: AuthRequest | None = None) -> dict:
    request = request or AuthRequest()
    resp = exchange(base, code_from(authorize(browser, request), request), request)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _claims(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def _error_redirect(resp: httpx2.Response, request: AuthRequest) -> dict:
    assert resp.status_code in (302, 303), resp.text
    location = resp.headers["location"]
    assert location.startswith(request.redirect_uri + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


# --- the flow ---------------------------------------------------------------------


def test_whole_flow_with_each_step_on_another_replica(base, healthy_stack):
    request = AuthRequest()
    with httpx2.Client(base_url=base, timeout=10) as browser:
        # Not logged in: authorize (auth-1) sends the browser to the login page.
        browser.cookies.set("MOTUS_AUTH", "auth-1")
        first = authorize(browser, request)
        assert first.status_code == 303 and first.headers["x-motus-instance"] == "auth-1"
        login_url = first.headers["location"]
        assert login_url.startswith("/auth/login?next=")
        # Register and log in on auth-2, which sends the browser back to authorize.
        browser.cookies.set("MOTUS_AUTH", "auth-2")
        name = new_username()
        token = csrf_token(browser, "/auth/register")
        next_url = parse_qs(urlsplit(login_url).query)["next"][0]
        form = {"username": name, "password": PASSWORD, "password_confirm": PASSWORD, "csrf_token": token}
        back = browser.post("/auth/register", data={**form, "next": next_url})
        assert back.status_code == 303 and back.headers["x-motus-instance"] == "auth-2"
        assert back.headers["location"] == next_url
        # The authorize request again, on auth-1: now a code comes back.
        browser.cookies.set("MOTUS_AUTH", "auth-1")
        granted = browser.get(back.headers["location"])
        assert granted.headers["x-motus-instance"] == "auth-1"
        code = code_from(granted, request)
        params = parse_qs(urlsplit(granted.headers["location"]).query)
        assert params["iss"] == [f"{base}/auth"]  # RFC 9207
    # The token exchange on auth-2, userinfo on auth-1.
    exchanged = httpx2.post(
        f"{base}/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.redirect_uri,
            "client_id": request.client_id,
            "code_verifier": request.verifier,
        },
        cookies={"MOTUS_AUTH": "auth-2"},
        timeout=10,
    )
    assert exchanged.status_code == 200 and exchanged.headers["x-motus-instance"] == "auth-2"
    assert exchanged.headers["cache-control"] == "no-store"
    tokens = exchanged.json()
    info = httpx2.get(
        f"{base}/auth/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        cookies={"MOTUS_AUTH": "auth-1"},
        timeout=10,
    )
    assert info.status_code == 200 and info.headers["x-motus-instance"] == "auth-1"
    assert info.json()["preferred_username"] == name


def test_id_token_and_access_token_claims(base, browser):
    request = AuthRequest()
    tokens = _tokens(base, browser, request)
    keys = KeySet.import_key_set(httpx2.get(f"{base}/auth/jwks", timeout=10).json())
    id_token = jwt.decode(tokens["id_token"], keys, algorithms=["RS256"]).claims
    assert id_token["iss"] == f"{base}/auth" and id_token["aud"] == ["motus-cli"]
    assert id_token["nonce"] == request.nonce and "at_hash" in id_token and "auth_time" in id_token
    decoded = jwt.decode(tokens["access_token"], keys, algorithms=["RS256"])
    assert decoded.header["typ"] == "at+jwt"  # RFC 9068
    access = decoded.claims
    assert {"iss", "sub", "aud", "exp", "iat", "scope", "client_id", "jti"} <= set(access)
    assert access["exp"] - access["iat"] <= 15 * 60
    assert access["client_id"] == "motus-cli" and access["sub"] == id_token["sub"]


def test_discovery_lists_every_endpoint(base):
    doc = httpx2.get(f"{base}/auth/.well-known/openid-configuration", timeout=10).json()
    for key in (
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "revocation_endpoint",
        "introspection_endpoint",
        "end_session_endpoint",
    ):
        assert doc[key].startswith(doc["issuer"] + "/")
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["response_types_supported"] == ["code"]
    assert doc["authorization_response_iss_parameter_supported"] is True


def test_both_replicas_publish_the_same_keys(base):
    seen = [httpx2.get(f"{base}/auth/jwks", cookies={"MOTUS_AUTH": r}, timeout=10).json() for r in ("auth-1", "auth-2")]
    assert seen[0] == seen[1] and seen[0]["keys"]
    assert all("d" not in key for key in seen[0]["keys"])  # public parts only


def test_refresh_rotates_and_reuse_revokes_the_family(base, browser):
    tokens = _tokens(base, browser)
    rotated = refresh(base, tokens["refresh_token"])
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    # The old refresh token comes back (stolen, say): refused, and the whole family dies.
    assert refresh(base, tokens["refresh_token"]).status_code == 400
    assert refresh(base, new["refresh_token"]).status_code == 400
    assert userinfo(base, new["access_token"]).status_code == 401


def test_revocation_and_introspection(base, browser):
    tokens = _tokens(base, browser)
    form = {"client_id": "motus-cli"}
    active = httpx2.post(f"{base}/auth/introspect", data={**form, "token": tokens["access_token"]}, timeout=10)
    assert active.json()["active"] is True and active.json()["client_id"] == "motus-cli"
    revoked = httpx2.post(f"{base}/auth/revoke", data={**form, "token": tokens["refresh_token"]}, timeout=10)
    assert revoked.status_code == 200
    after = httpx2.post(f"{base}/auth/introspect", data={**form, "token": tokens["access_token"]}, timeout=10)
    assert after.json() == {"active": False}
    assert userinfo(base, tokens["access_token"]).status_code == 401


def test_rp_initiated_logout_redirects_only_to_a_registered_uri(base):
    with httpx2.Client(base_url=base, timeout=10) as browser:
        register(browser, new_username())
        request = AuthRequest()
        hint = exchange(base, code_from(authorize(browser, request), request), request).json()["id_token"]
        params = {"client_id": "motus-cli", "state": "xyz", "id_token_hint": hint}
        bad = browser.get("/auth/end-session", params={**params, "post_logout_redirect_uri": "https://evil.example/"})
        assert bad.status_code == 200 and "location" not in bad.headers and "déconnecté" in bad.text
        assert browser.get("/auth/account").status_code == 303  # logged out, without going anywhere


def test_logout_link_without_a_valid_hint_only_asks(base):
    with httpx2.Client(base_url=base, timeout=10) as browser:
        register(browser, new_username())
        for hint in (None, "not-a-token"):
            params = {"client_id": "motus-game", "post_logout_redirect_uri": f"{base}/"}
            if hint:
                params["id_token_hint"] = hint
            page = browser.get("/auth/end-session", params=params)
            assert page.status_code == 200 and "Se déconnecter ?" in page.text
            assert browser.get("/auth/account").status_code == 200  # still logged in


def test_key_rotation_keeps_old_tokens_valid(base, browser, auth_redis, healthy_stack):
    before = _tokens(base, browser)
    signing_keys.rotate(auth_redis, sealer(healthy_stack))
    kids = [k["kid"] for k in httpx2.get(f"{base}/auth/jwks", timeout=10).json()["keys"]]
    assert len(kids) == 2
    assert userinfo(base, before["access_token"]).status_code == 200
    after = _tokens(base, browser)
    header = json.loads(base64.urlsafe_b64decode(after["access_token"].split(".")[0] + "=="))
    assert header["kid"] == kids[0]


# --- one refusal per RFC 9700 rule ------------------------------------------------------


def test_unknown_client_gets_an_error_page_not_a_redirect(browser):
    resp = authorize(browser, AuthRequest(client_id="who-is-this"))
    assert resp.status_code == 400 and "location" not in resp.headers
    assert "refusée" in resp.text


@pytest.mark.parametrize(
    "redirect_uri",
    ["http://127.0.0.1:8765/callback/extra", "http://127.0.0.1:8765/callback?x=1", "https://evil.example/callback"],
)
def test_redirect_uri_must_match_exactly_and_no_redirect_happens(browser, redirect_uri):
    resp = authorize(browser, AuthRequest(redirect_uri=redirect_uri))
    assert resp.status_code == 400 and "location" not in resp.headers


@pytest.mark.parametrize("method", [None, "plain"])
def test_pkce_s256_is_required(browser, method):
    request = AuthRequest(method=method)
    error = _error_redirect(authorize(browser, request), request)
    assert error["error"] == "invalid_request" and error["state"] == request.state


def test_wrong_code_verifier_is_refused(base, browser):
    request = AuthRequest()
    code = code_from(authorize(browser, request), request)
    resp = exchange(base, code, request, verifier="x" * 50)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"


def test_missing_code_verifier_is_refused(base, browser):
    request = AuthRequest()
    code = code_from(authorize(browser, request), request)
    assert exchange(base, code, request, verifier=None).status_code == 400


def test_nonce_is_required(browser):
    request = AuthRequest()
    request.nonce = ""
    resp = browser.get("/auth/authorize?" + request.query().replace("&nonce=", ""))
    assert _error_redirect(resp, request)["error"] == "invalid_request"


def test_code_replay_fails_and_revokes_what_it_issued(base, browser):
    request = AuthRequest()
    code = code_from(authorize(browser, request), request)
    tokens = exchange(base, code, request).json()
    assert userinfo(base, tokens["access_token"]).status_code == 200
    replay = exchange(base, code, request)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert userinfo(base, tokens["access_token"]).status_code == 401
    assert refresh(base, tokens["refresh_token"]).status_code == 400


def test_expired_code_is_refused(base, browser, auth_redis):
    request = AuthRequest()
    code = code_from(authorize(browser, request), request)
    key = f"auth:v1:code:{digest(code)}"
    record = json.loads(auth_redis.get(key))
    record["issued_at"] -= 120  # as if the 60 s had passed
    auth_redis.set(key, json.dumps(record), keepttl=True)
    assert auth_redis.ttl(key) <= 60  # and Redis drops it after 60 s anyway
    assert exchange(base, code, request).status_code == 400


@pytest.mark.parametrize(("response_type", "error"), [("token", "unsupported_response_type")])
def test_implicit_flow_is_not_offered(browser, response_type, error):
    request = AuthRequest(extra={"response_type": response_type})
    resp = authorize(browser, request)
    assert resp.status_code in (302, 303, 400)
    assert error in resp.headers.get("location", "") or "refusée" in resp.text


def test_password_grant_is_not_offered(base):
    form = {"grant_type": "password", "username": "x", "password": "y", "client_id": "motus-cli"}
    resp = httpx2.post(f"{base}/auth/token", data=form, timeout=10)
    assert resp.status_code == 400 and resp.json()["error"] == "unsupported_grant_type"


def test_confidential_client_with_a_wrong_secret_is_refused(base, healthy_stack):
    form = {"grant_type": "authorization_code", "code": "whatever", "redirect_uri": f"{base}/login/callback"}
    resp = httpx2.post(f"{base}/auth/token", data=form, auth=("motus-game", "not-the-secret-" * 3), timeout=10)
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_client"


def test_userinfo_refuses_bad_tokens(base, browser, healthy_stack):
    stack = healthy_stack
    good = _tokens(base, browser)["access_token"]
    header, payload, signature = good.split(".")
    claims = _claims(good)
    tampered_claims = {**claims, "sub": "someone-else"}
    tampered = ".".join(
        [header, base64.urlsafe_b64encode(json.dumps(tampered_claims).encode()).decode().rstrip("="), signature]
    )
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"at+jwt"}').decode().rstrip("=")
    alg_none = f"{none_header}.{payload}."
    # Past the leeway every service grants for clock skew (motus_kit.jwt_verify).
    expired = forge(stack, claims_now(stack, sub=claims["sub"], exp=int(time.time()) - LEEWAY_SECONDS - 10))
    wrong_audience = forge(stack, claims_now(stack, sub=claims["sub"], aud=["another-api"]))
    wrong_issuer = forge(stack, claims_now(stack, sub=claims["sub"], iss="http://evil.example/auth"))
    for bad in (tampered, alg_none, expired, wrong_audience, wrong_issuer, "not-a-jwt"):
        resp = userinfo(base, bad)
        assert resp.status_code == 401, bad
        assert resp.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    # The control: a token forged with every claim right passes, so the refusals above
    # are about what changed, not about forging.
    assert userinfo(base, forge(stack, claims_now(stack, sub=claims["sub"]))).status_code == 200


def test_unknown_scope_is_refused_back_at_the_client(browser):
    request = AuthRequest(scope="openid admin")
    error = _error_redirect(authorize(browser, request), request)
    assert error["error"] == "invalid_scope" and error["state"] == request.state


def test_error_redirects_name_the_issuer_too(base, browser):
    request = AuthRequest(method=None)
    error = _error_redirect(authorize(browser, request), request)
    assert error["iss"] == f"{base}/auth"


def test_concurrent_refreshes_with_one_token_leave_one_winner_at_most(base, browser):
    import concurrent.futures

    tokens = _tokens(base, browser)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(lambda _: refresh(base, tokens["refresh_token"]).status_code, range(8)))
    assert statuses.count(200) <= 1 and statuses.count(400) >= 7


def test_a_code_cannot_be_redeemed_by_another_client(base, browser, healthy_stack):
    request = AuthRequest()
    code = code_from(authorize(browser, request), request)
    secret = healthy_stack.topology.secrets["AUTH_CLIENT_SECRET_MOTUS_GAME"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": request.redirect_uri}
    form["code_verifier"] = request.verifier
    resp = httpx2.post(f"{base}/auth/token", data=form, auth=("motus-game", secret), timeout=10)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"


def test_confidential_client_cannot_pretend_to_be_public(base):
    form = {"grant_type": "refresh_token", "refresh_token": "x", "client_id": "motus-game"}
    resp = httpx2.post(f"{base}/auth/token", data=form, timeout=10)
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_client"


def test_prompt_login_and_max_age_ask_for_the_password_again_without_ending_the_session_first(base):
    with httpx2.Client(base_url=base, timeout=10) as browser:
        name = new_username()
        register(browser, name)
        for extra in ({"prompt": "login"}, {"max_age": "0"}):
            time.sleep(1.1)  # max_age=0: the login is now older than zero seconds
            resp = authorize(browser, AuthRequest(extra=extra))
            location = resp.headers["location"]
            assert resp.status_code == 303 and location.startswith("/auth/login?next=")
            assert "prompt" not in location and "max_age" not in location  # no loop after the fresh login
            # A link alone logs nobody out (it used to: logout CSRF with a plain GET).
            assert browser.get("/auth/account").status_code == 200
            old = browser.cookies["motus_auth_session"]
            assert login(browser, name).status_code == 303
            # The new login replaced the old session: its cookie no longer works.
            with httpx2.Client(base_url=base, cookies={"motus_auth_session": old}, timeout=10) as stale:
                assert stale.get("/auth/account").status_code == 303


def _id_token_of(base: str, browser: httpx2.Client) -> str:
    request = AuthRequest()
    return exchange(base, code_from(authorize(browser, request), request), request).json()["id_token"]


def test_logout_with_someone_elses_id_token_only_asks(base):
    with httpx2.Client(base_url=base, timeout=10) as attacker, httpx2.Client(base_url=base, timeout=10) as victim:
        register(attacker, new_username())
        register(victim, new_username())
        hint = _id_token_of(base, attacker)  # a valid id_token of the client, for its own account
        page = victim.get("/auth/end-session", params={"client_id": "motus-cli", "id_token_hint": hint})
        assert page.status_code == 200 and "Se déconnecter ?" in page.text
        assert victim.get("/auth/account").status_code == 200  # still logged in
        # The victim's own hint logs the victim out at once.
        mine = victim.get(
            "/auth/end-session", params={"client_id": "motus-cli", "id_token_hint": _id_token_of(base, victim)}
        )
        assert mine.status_code == 200 and victim.get("/auth/account").status_code == 303


def test_prompt_none_gives_a_code_silently_or_login_required(base, browser):
    request = AuthRequest(extra={"prompt": "none"})
    code_from(authorize(browser, request), request)  # logged in: a code, silently
    with httpx2.Client(base_url=base, timeout=10) as stranger:
        request = AuthRequest(extra={"prompt": "none"})
        assert _error_redirect(authorize(stranger, request), request)["error"] == "login_required"


def test_a_configured_signing_key_is_used_and_the_previous_one_kept(
    healthy_stack, base, browser, tmp_path, monkeypatch
):
    from fastapi.testclient import TestClient
    from joserfc.jwk import RSAKey

    from motus_auth.app import create_app
    from motus_auth.settings import AuthSettings

    before = _tokens(base, browser)
    key = RSAKey.generate_key(2048, private=True)
    pem = tmp_path / "signing.pem"
    pem.write_bytes(key.as_pem(private=True))
    monkeypatch.setenv("AUTH_CLIENT_SECRET_MOTUS_GAME", healthy_stack.topology.secrets["AUTH_CLIENT_SECRET_MOTUS_GAME"])
    settings = AuthSettings(
        instance="auth-test",
        redis_url=healthy_stack.topology.redis_url("redis-auth"),
        # A second replica of the provider: the same secret (it seals the signing keys).
        secret_key=healthy_stack.saved_secrets()["AUTH_SECRET_KEY"],
        issuer=f"{base}/auth",
        clients_file=healthy_stack.topology.clients_file,
        signing_key_file=pem,
    )
    for _ in range(2):  # a second replica starting with the same file changes nothing
        with TestClient(create_app(settings)) as client:
            kids = [k["kid"] for k in client.get("/auth/jwks").json()["keys"]]
    key.ensure_kid()
    assert kids[0] == key.kid and len(kids) == 2
    assert userinfo(base, before["access_token"]).status_code == 200  # signed with the previous key
    header = json.loads(base64.urlsafe_b64decode(_tokens(base, browser)["access_token"].split(".")[0] + "=="))
    assert header["kid"] == key.kid


@pytest.mark.parametrize("bad", ['"', "\\", "é", "\x00"], ids=["quote", "backslash", "non-ascii", "nul"])
@pytest.mark.parametrize("field", ["redirect_uri", "response_type", "scope", "client_id"])
def test_unprintable_authorize_parameters_get_a_400_page_not_a_500(browser, field, bad):
    # authlib could not build its error for these (a 500 and an ~8 KB traceback per request).
    request = AuthRequest()
    value = {"redirect_uri": request.redirect_uri, "response_type": "code", "scope": "openid", "client_id": CLI}[field]
    resp = authorize(browser, AuthRequest(extra={field: value + bad}))
    assert resp.status_code == 400 and "location" not in resp.headers, resp.text[:300]
    assert "caractères non permis" in resp.text and field in resp.text


def test_a_quote_in_state_is_still_carried_back(browser):
    request = AuthRequest(state='a"b\\c')
    resp = authorize(browser, request)
    assert resp.status_code in (302, 303) and "state=a%22b%5Cc" in resp.headers["location"]


def _game_client(stack) -> tuple[str, str]:
    return "motus-game", stack.topology.secrets["AUTH_CLIENT_SECRET_MOTUS_GAME"]


def test_a_code_presented_by_another_client_is_refused_and_stays_its_owners(base, browser, healthy_stack):
    request = AuthRequest()
    code = code_from(authorize(browser, request), request)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": request.redirect_uri,
            "code_verifier": request.verifier}  # fmt: skip
    stolen = httpx2.post(f"{base}/auth/token", data=form, auth=_game_client(healthy_stack), timeout=10)
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    # Not burnt: its own client still exchanges it, and nothing was revoked.
    mine = exchange(base, code, request)
    assert mine.status_code == 200, mine.text
    assert userinfo(base, mine.json()["access_token"]).status_code == 200


def test_a_refresh_token_presented_by_another_client_is_refused_and_stays_its_owners(base, browser, healthy_stack):
    tokens = _tokens(base, browser)
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    stolen = httpx2.post(f"{base}/auth/token", data=form, auth=_game_client(healthy_stack), timeout=10)
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    renewed = refresh(base, tokens["refresh_token"])
    assert renewed.status_code == 200, renewed.text
    assert userinfo(base, renewed.json()["access_token"]).status_code == 200


@pytest.mark.parametrize(
    ("query", "body", "description"),
    [
        ("", "grant_type=client_credentials&grant_type=client_credentials", "Parameter repeated: grant_type."),
        ("?grant_type=client_credentials", "", "Parameters must be sent in the request body, not in the URL."),
        ("?client_secret=leaked", "grant_type=client_credentials", "Parameters must be sent in the request body"),
    ],
    ids=["repeated", "in-the-url", "secret-in-the-url"],
)
def test_the_token_endpoint_takes_each_parameter_once_and_only_in_the_body(base, healthy_stack, query, body,
                                                                           description):  # fmt: skip
    resp = httpx2.post(
        f"{base}/auth/token{query}", content=body, auth=_game_client(healthy_stack), timeout=10,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_request"
    assert resp.json()["error_description"].startswith(description)


@pytest.mark.parametrize(
    "client", [("motus-game", "not the secret"), ("no-such-client", "x")], ids=["wrong", "unknown"]
)
def test_client_authentication_failures_all_look_the_same(base, client):
    resp = httpx2.post(f"{base}/auth/token", data={"grant_type": "client_credentials"}, auth=client, timeout=10)
    assert resp.status_code == 401
    assert resp.json() == {"error": "invalid_client", "error_description": "Client authentication failed."}
    assert resp.headers["www-authenticate"] == f'Basic realm="{base}/auth", error="invalid_client"'


@pytest.mark.parametrize("parameter", ["request", "request_uri"])
def test_request_objects_are_refused_not_ignored(browser, parameter):
    request = AuthRequest(extra={parameter: "eyJhbGciOiJub25lIn0.e30."})
    resp = authorize(browser, request)
    assert resp.status_code in (302, 303)
    params = parse_qs(urlsplit(resp.headers["location"]).query)
    assert params["error"] == [f"{parameter}_not_supported"] and "code" not in params


def test_access_tokens_carry_their_login_family_only_sealed(base, browser, auth_redis):
    first = _tokens(base, browser)
    renewed = refresh(base, first["refresh_token"]).json()
    keys = KeySet.import_key_set(httpx2.get(f"{base}/auth/jwks", timeout=10).json())
    claims = [jwt.decode(t["access_token"], keys, algorithms=["RS256"]).claims for t in (first, renewed)]
    # One login, two tokens: two different opaque values, neither the stored family id.
    assert claims[0]["fam"] != claims[1]["fam"]
    families = {json.loads(auth_redis.get(k))["family"] for k in auth_redis.scan_iter("auth:v1:refresh:*")}
    assert not any(family in json.dumps(c) for family in families for c in claims)
    # And the provider still reads it: a replayed refresh token revokes both tokens.
    assert refresh(base, first["refresh_token"]).status_code == 400
    assert userinfo(base, renewed["access_token"]).status_code == 401
