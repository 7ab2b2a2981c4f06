"""Play first, log in later: a visitor plays today's word as a guest, through HAProxy, on
both replicas, and at login the guest's game moves into the account (or the account's
own game stands). Real Redis, real HAProxy, the real OAuth login."""

from __future__ import annotations

import html

import httpx2
import pytest

import redis
from motus import keys
from tests.support.game_login import log_in, sign_up_and_log_in
from tests.support.players import Player, guest_id, wrong_words
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

REPLICAS = ("motus-1", "motus-2")


@pytest.fixture
def game_store(healthy_stack):
    store = redis.Redis.from_url(healthy_stack.topology.redis_url("redis-game"), decode_responses=True)
    yield store
    store.close()


@pytest.fixture
def score_store(healthy_stack):
    store = redis.Redis.from_url(healthy_stack.topology.redis_url("redis-score"), decode_responses=True)
    yield store
    store.close()


def _guest(stack, replica: str = "motus-1") -> Player:
    guest = Player(stack.topology.public_url, logged_in=False)
    guest.client.cookies.set("MOTUS_GAME", replica)
    return guest


def _outbox_writes(store: redis.Redis) -> int:
    # Every entry ever appended (the relays delete delivered ones, so the length is no count).
    return int(store.xinfo_stream(keys.OUTBOX)["entries-added"])


def _guest_keys(store: redis.Redis) -> set[str]:
    return set(store.scan_iter(f"{keys.GUEST_GAME_PREFIX}*", count=1000)) | set(
        store.scan_iter(f"{keys.PREFIX}:session:*", count=1000)
    )


@pytest.mark.parametrize("replica", REPLICAS)
def test_a_visitor_gets_the_game_itself_and_the_store_gets_nothing_before_a_try(healthy_stack, game_store, replica):
    before = _guest_keys(game_store)
    with _guest(healthy_stack, replica) as visitor:
        page = visitor.client.get("/")
        assert page.status_code == 200 and page.headers["x-motus-instance"] == replica
        # The same page and scripts as a player's, with an invitation to log in.
        assert 'id="game"' in page.text and "/static/game.js" in page.text and 'data-guest="true"' in page.text
        assert 'data-testid="login"' in page.text and 'data-testid="signup"' in page.text
        today = visitor.today()
        assert today.status_code == 200, today.text
        body = today.json()
        assert body["status"] == "playing" and body["attempts"] == [] and body["answer"] is None
        assert "motus_guest" not in today.headers.get("set-cookie", "")
        assert "motus_guest" not in page.headers.get("set-cookie", "")
    assert _guest_keys(game_store) == before


@pytest.mark.parametrize("replica", REPLICAS)
def test_a_guest_plays_under_a_signed_cookie_its_game_kept_two_days(healthy_stack, game_store, puzzle, replica):
    other = REPLICAS[1 - REPLICAS.index(replica)]
    first, second = wrong_words(puzzle, 2)
    with _guest(healthy_stack, replica) as guest:
        resp = guest.guess(1, first)
        assert resp.status_code == 200 and resp.headers["x-motus-instance"] == replica, resp.text
        [cookie] = [c for c in resp.headers.get_list("set-cookie") if c.startswith("motus_guest=")]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # the test stack is plain http; behind https it is Secure
        key = keys.guest_game(guest_id(guest.client), puzzle.number)
        assert 47 * 3600 < game_store.ttl(key) <= 48 * 3600
        # The same rules, the game server-side: the other replica carries on with it.
        guest.client.cookies.set("MOTUS_GAME", other)
        resp = guest.guess(2, second)
        assert resp.status_code == 200 and resp.headers["x-motus-instance"] == other
        assert [a["word"] for a in resp.json()["attempts"]] == [first.upper(), second.upper()]
        assert puzzle.answer not in resp.text.lower() and resp.json()["spelling"] is None
        assert resp.headers.get_list("set-cookie") == [] or all(
            not c.startswith("motus_guest=") for c in resp.headers.get_list("set-cookie")
        )


def test_a_guest_s_finished_game_is_recorded_nowhere_and_statistics_invite_to_log_in(healthy_stack, game_store, puzzle):
    with _guest(healthy_stack) as guest:
        writes = _outbox_writes(game_store)
        won = guest.guess(1, puzzle.answer)
        assert won.status_code == 200 and won.json()["status"] == "won"
        assert won.json()["answer"] == puzzle.answer.upper() and won.json()["definition_url"]
        assert _outbox_writes(game_store) == writes  # a guest has no results
        stats = guest.client.get("/api/game/stats")
        assert stats.status_code == 401 and stats.json()["code"] == "login_required"
        assert "connectez-vous" in stats.json()["message"].lower()


def test_a_forged_guest_cookie_is_a_new_guest_and_the_real_one_keeps_its_game(healthy_stack, game_store, puzzle):
    w1, w2 = wrong_words(puzzle, 2)
    with _guest(healthy_stack) as guest:
        guest.guess(1, w1)
        real = guest.client.cookies["motus_guest"]
    forged = real.split(".")[0] + ".AAAA"
    with httpx2.Client(base_url=healthy_stack.topology.public_url, cookies={"motus_guest": forged}, timeout=10) as c:
        assert c.get("/api/game/today").json()["attempts"] == []
        resp = c.post("/api/game/guess", json={"attempt": 1, "word": w2})
        [issued] = [v for v in resp.headers.get_list("set-cookie") if v.startswith("motus_guest=")]
        assert resp.status_code == 200 and not issued.startswith(f"motus_guest={forged}")
    game = game_store.get(keys.guest_game(real.split(".")[0], puzzle.number))
    assert w1 in game and w2 not in game


def test_new_guests_are_rate_limited_per_client_address(healthy_stack, puzzle):
    # From addresses of their own, so the rest of the suite (127.0.0.1) is not affected.
    limit = 120  # GAME_GUEST_ADMISSIONS_PER_HOUR's default
    [word] = wrong_words(puzzle, 1)
    base = healthy_stack.topology.public_url
    statuses = []
    with httpx2.Client(base_url=base, transport=httpx2.HTTPTransport(local_address="127.0.0.9"), timeout=10) as c:
        for _ in range(limit + 1):
            c.cookies.clear()
            statuses.append(c.post("/api/game/guess", json={"attempt": 1, "word": word}))
        refused = statuses[-1]
        # A refused try before it reaches the game answers the same (no guest is created).
        c.cookies.clear()
        refused_word = c.post("/api/game/guess", json={"attempt": 1, "word": "x" * puzzle.length})
    assert [r.status_code for r in statuses[:limit]] == [200] * limit
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_guests"
    assert 0 < int(refused.headers["retry-after"]) <= 3600 and "Connectez-vous" in refused.json()["message"]
    assert "motus_guest" not in refused.headers.get("set-cookie", "")
    assert refused_word.status_code == 422
    with httpx2.Client(base_url=base, transport=httpx2.HTTPTransport(local_address="127.0.0.10"), timeout=10) as c:
        assert c.post("/api/game/guess", json={"attempt": 1, "word": word}).status_code == 200


def _results(score_store: redis.Redis, subject: str) -> dict[str, str]:
    return score_store.hgetall(f"score:v1:results:{subject}")


def _subject(game_store: redis.Redis, client: httpx2.Client) -> str:
    return game_store.hget(keys.session(client.cookies["motus_session"].split(".")[0]), "subject")


def test_at_login_a_finished_guest_game_moves_into_the_account_recorded_once(
    healthy_stack, game_store, score_store, puzzle
):
    # A guest's tries on motus-1, the login on motus-2.
    w1, w2 = wrong_words(puzzle, 2)
    with _guest(healthy_stack, "motus-1") as guest:
        for n, word in enumerate((w1, w2, puzzle.answer), start=1):
            assert guest.guess(n, word).headers["x-motus-instance"] == "motus-1"
        gid = guest_id(guest.client)
        writes = _outbox_writes(game_store)
        guest.client.cookies.set("MOTUS_GAME", "motus-2")
        events = []
        guest.client.event_hooks["response"] = [lambda r: events.append(r)]
        sign_up_and_log_in(guest.client)
        callback = next(r for r in events if r.url.path == "/login/callback")
        assert callback.headers["x-motus-instance"] == "motus-2"
        assert callback.headers["location"] == "/?partie=reprise"
        assert "motus_guest" not in guest.client.cookies  # the browser is the account's now
        home = guest.client.get("/?partie=reprise")
        assert "enregistrée dans votre compte" in home.text
        # The same tries and status, from either replica; the guest's copy is gone.
        for replica in REPLICAS:
            guest.client.cookies.set("MOTUS_GAME", replica)
            today = guest.today().json()
            assert today["status"] == "won" and [a["word"] for a in today["attempts"]] == [
                w.upper() for w in (w1, w2, puzzle.answer)
            ]
        assert not game_store.exists(keys.guest_game(gid, puzzle.number))
        assert _outbox_writes(game_store) == writes + 1
        stats = wait_until(
            lambda: (s := guest.client.get("/api/game/stats").json()) and not s["pending"] and s,
            timeout=20,
            what="the adopted result recorded",
        )
        assert stats["played"] == 1 and stats["distribution"]["3"] == 1
        assert list(_results(score_store, _subject(game_store, guest.client))) == [str(puzzle.number)]


def test_a_guest_game_in_progress_moves_and_goes_on_in_the_account(healthy_stack, game_store, puzzle):
    w1, w2 = wrong_words(puzzle, 2)
    with _guest(healthy_stack, "motus-2") as guest:
        guest.guess(1, w1)
        guest.client.cookies.set("MOTUS_GAME", "motus-1")
        sign_up_and_log_in(guest.client)
        resp = guest.guess(2, w2)
        assert resp.status_code == 200, resp.text
        assert [a["word"] for a in resp.json()["attempts"]] == [w1.upper(), w2.upper()]


def test_when_the_account_has_today_s_game_it_stands_and_the_guest_s_is_dropped(
    healthy_stack, game_store, score_store, puzzle
):
    w1, w2, w3 = wrong_words(puzzle, 3)
    base = healthy_stack.topology.public_url
    with Player(base) as account:
        assert account.guess(1, w1).status_code == 200
        with _guest(healthy_stack, "motus-1") as guest:
            # The guest even finished: its result must not reach the account.
            for n, word in enumerate((w2, w3, puzzle.answer), start=1):
                guest.guess(n, word)
            gid = guest_id(guest.client)
            writes = _outbox_writes(game_store)
            guest.client.cookies.set("MOTUS_GAME", "motus-2")
            final = log_in(guest.client, account.name)
            assert final.status_code == 200 and "celle jouée en invité n'a pas été reprise" in html.unescape(final.text)
            today = guest.today().json()
            assert today["status"] == "playing" and [a["word"] for a in today["attempts"]] == [w1.upper()]
            assert not game_store.exists(keys.guest_game(gid, puzzle.number))
            assert _outbox_writes(game_store) == writes  # never two results for one puzzle
        assert account.today().json()["attempts"] == today["attempts"]
        assert _results(score_store, _subject(game_store, account.client)) == {}
