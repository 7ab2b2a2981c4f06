"""Failed logins lock the account, with a message saying when to retry, and the lock lifts.

Runs an auth app in this process against the stack's real redis-auth, with a
1-second first lock so the test can watch it lift; the policy itself is the
same code the replicas run.
"""

from __future__ import annotations

import contextlib
import time

import httpx2
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
        secret_key=healthy_stack.saved_secrets()["AUTH_SECRET_KEY"],
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


def _from(stack, address: str) -> httpx2.Client:
    # A client at its own loopback address, through HAProxy, which tells the provider
    # the connection's source (X-Forwarded-For, overwritten).
    return httpx2.Client(
        base_url=stack.topology.public_url, transport=httpx2.HTTPTransport(local_address=address), timeout=10
    )


def test_a_guesser_locks_only_its_own_address_and_the_owner_still_gets_in(healthy_stack):
    # Usernames are public (leaderboards): five wrong passwords from one address used
    # to lock the account for everyone, its owner included.
    name = new_username()
    with _from(healthy_stack, "127.0.1.1") as owner, _from(healthy_stack, "127.0.1.2") as guesser:
        assert register(owner, name).status_code == 303
        owner.cookies.clear()
        statuses = [login(guesser, name, f"mauvais mot de passe {i}").status_code for i in range(7)]
        assert statuses[:4] == [401] * 4 and set(statuses[4:]) == {429}
        assert login(guesser, name, PASSWORD).status_code == 429  # locked out, right password or not
        assert login(owner, name, PASSWORD).status_code == 303


def test_a_besieged_account_slows_down_failing_addresses_but_not_a_new_one(healthy_stack):
    name = new_username()
    with contextlib.ExitStack() as clients:
        owner = clients.enter_context(_from(healthy_stack, "127.0.2.100"))
        guessers = [clients.enter_context(_from(healthy_stack, f"127.0.2.{i}")) for i in range(1, 11)]
        assert register(owner, name).status_code == 303
        owner.cookies.clear()
        # Twenty failures from ten addresses, two each: none of them locked on its own.
        for guesser in guessers:
            assert {login(guesser, name, "mauvais mot de passe").status_code for _ in range(2)} == {401}
        # Now the addresses that failed share one check every 10 s.
        first = login(guessers[0], name, "encore raté").status_code
        second = login(guessers[1], name, "encore raté")
        assert first == 401 and second.status_code == 429
        assert 1 <= int(second.headers["retry-after"]) <= 10
        # The owner's address has not failed on this account: not slowed down.
        assert login(owner, name, PASSWORD).status_code == 303
