"""Failed logins lock the account, with a message saying when to retry, and the lock lifts.

Runs an auth app in this process against the stack's real redis-auth, with a
1-second first lock so the test can watch it lift; the policy itself is the
same code the replicas run.
"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from motus_auth.app import create_app
from motus_auth.settings import AuthSettings
from tests.support.accounts import PASSWORD, login, new_username, register

pytestmark = pytest.mark.integration


@pytest.fixture
def client(healthy_stack, monkeypatch):
    secret = healthy_stack.topology.secrets["AUTH_CLIENT_SECRET_MOTUS_GAME"]
    monkeypatch.setenv("AUTH_CLIENT_SECRET_MOTUS_GAME", secret)
    settings = AuthSettings(
        clients_file=healthy_stack.topology.clients_file,
        instance="auth-test",
        redis_url=healthy_stack.topology.redis_url("redis-auth"),
        secret_key="test-secret-0123456789-abcdefghijklmnopqrstuv",
        login_lock_seconds=1,
    )
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c


def test_five_failures_lock_the_account_then_the_lock_lifts(client):
    name = new_username()
    assert register(client, name).status_code == 303
    client.cookies.clear()
    for _ in range(4):
        assert login(client, name, "mauvais mot de passe").status_code == 401
    locked = login(client, name, "mauvais mot de passe")
    assert locked.status_code == 429
    assert "Réessayez dans" in locked.text and locked.headers["retry-after"] == "1"
    # Even the right password is refused while locked.
    assert login(client, name, PASSWORD).status_code == 429
    time.sleep(1.2)
    ok = login(client, name, PASSWORD)
    assert ok.status_code == 303
    # Success clears the account's count: one typo later is a plain 401 again.
    client.cookies.clear()
    assert login(client, name, "mauvais mot de passe").status_code == 401


def test_lock_is_per_account(client):
    victim, other = new_username(), new_username()
    register(client, victim)
    register(client, other)
    client.cookies.clear()
    for _ in range(5):
        login(client, victim, "mauvais mot de passe")
    assert login(client, victim, PASSWORD).status_code == 429
    assert login(client, other, PASSWORD).status_code == 303
