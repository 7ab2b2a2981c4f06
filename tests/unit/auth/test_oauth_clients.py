import json

import pytest

from motus_auth.oauth import clients

SECRET = "a-client-secret-of-more-than-32-characters"


def _write(tmp_path, entries) -> clients.Path:
    path = tmp_path / "clients.json"
    path.write_text(json.dumps({"clients": entries}))
    return path


def _game(**changes):
    entry = {
        "client_id": "motus-game",
        "redirect_uris": ["http://127.0.0.1:8080/login/callback"],
        "token_endpoint_auth_method": "client_secret_basic",
        "secret_env": "TEST_CLIENT_SECRET",
    }
    return {**entry, **changes}


def test_confidential_client_reads_its_secret_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_CLIENT_SECRET", SECRET)
    client = clients.load(_write(tmp_path, [_game()]))["motus-game"]
    assert client.check_client_secret(SECRET) and not client.check_client_secret(SECRET + "x")
    assert SECRET not in repr(client)


def test_redirect_uri_matches_exactly():
    client = clients.Client("c", "c", ("http://a/cb",), (), "openid", "none")
    assert client.check_redirect_uri("http://a/cb")
    for other in ("http://a/cb/", "http://a/cb?x=1", "http://a/CB", "http://a/cb#f"):
        assert not client.check_redirect_uri(other)


def test_no_implicit_and_no_password_grant():
    client = clients.Client("c", "c", ("http://a/cb",), (), "openid", "none")
    assert not client.check_response_type("token") and not client.check_grant_type("password")
    assert client.check_response_type("code") and client.check_grant_type("refresh_token")
    assert not client.check_grant_type("client_credentials")  # no service_scope


def test_each_grant_takes_its_scopes_from_its_own_list(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_CLIENT_SECRET", SECRET)
    entry = _game(scope="openid profile score:read", service_scope="score:record")
    client = clients.load(_write(tmp_path, [entry]))["motus-game"]
    assert client.check_grant_type("client_credentials")
    # Code flow: a player's token never gets a service scope, even when the client asks.
    assert client.get_allowed_scope("openid profile score:read score:record") == "openid profile score:read"
    assert client.get_allowed_scope(None) == ""
    # Client credentials: the whole service_scope by default, nothing from `scope`.
    assert client.get_service_scope(None) == client.get_service_scope("") == "score:record"
    assert client.get_service_scope("score:record") == "score:record"
    for outside in ("score:read", "openid", "score:record openid"):
        assert client.get_service_scope(outside) is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_game(secret_env="TEST_UNSET_SECRET"), "TEST_UNSET_SECRET is not set"),
        (_game(secret_env=None), "needs secret_env or secret_file"),
        (_game(token_endpoint_auth_method="private_key_jwt"), "token_endpoint_auth_method"),
        (_game(scope="openid admin"), "unknown scope"),
        (_game(service_scope="score:admin"), "unknown scope"),
        (_game(scope="openid score:record"), ": scope may only hold"),
        (_game(service_scope="score:record openid"), "service_scope may only hold"),
        (
            _game(token_endpoint_auth_method="none", secret_env=None, service_scope="score:record"),
            "public client .* cannot have a service_scope",
        ),
        ({"client_id": "x"}, "missing"),
    ],
)
def test_bad_client_declarations_are_refused_clearly(tmp_path, monkeypatch, entry, message):
    monkeypatch.setenv("TEST_CLIENT_SECRET", SECRET)
    entry = {k: v for k, v in entry.items() if v is not None}
    with pytest.raises(clients.ClientConfigError, match=message):
        clients.load(_write(tmp_path, [entry]))


def test_short_secret_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_CLIENT_SECRET", "short")
    with pytest.raises(clients.ClientConfigError, match="at least 32"):
        clients.load(_write(tmp_path, [_game()]))
