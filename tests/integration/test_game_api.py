"""The game through HAProxy on a private stack: the rules as a player meets them."""

from __future__ import annotations

import concurrent.futures
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2
import pytest

import redis
from motus import keys
from motus.game import rules
from motus.schemas import GameOut, GuessOut
from tests.support.game_login import callback_url, log_in, sign_up_and_log_in
from tests.support.players import Player, wrong_words

pytestmark = pytest.mark.integration


def _never_shows(answer: str, resp: httpx2.Response) -> None:
    assert answer.lower() not in resp.text.lower(), resp.text
    assert answer.lower() not in str(resp.headers).lower(), resp.headers


def test_new_player_sees_the_puzzle_but_not_the_answer(player, puzzle):
    resp = player.today()
    assert resp.status_code == 200
    body = resp.json()
    assert (body["puzzle"], body["length"], body["first_letter"]) == (
        puzzle.number,
        puzzle.length,
        puzzle.first_letter.upper(),
    )
    assert body["status"] == "playing" and body["tries_left"] == 6 and body["attempts"] == []
    assert body["answer"] is None and body["share"] is None
    assert body["known"] == [puzzle.first_letter.upper()] + [None] * (puzzle.length - 1)
    assert resp.headers["cache-control"] == "no-store"
    _never_shows(puzzle.answer, resp)


def test_login_sets_an_httponly_samesite_session_cookie(healthy_stack):
    with httpx2.Client(base_url=healthy_stack.topology.public_url, timeout=10) as client:
        events = []
        client.event_hooks["response"] = [lambda r: events.extend(r.headers.get_list("set-cookie"))]
        sign_up_and_log_in(client)
    [game_cookie] = [c for c in events if c.startswith("motus_session=")]
    assert "HttpOnly" in game_cookie and "SameSite=lax" in game_cookie and "Path=/" in game_cookie


def test_win_reveals_answer_and_share_text(player, puzzle):
    [wrong] = wrong_words(puzzle, 1)
    first = player.guess(1, wrong)
    assert first.status_code == 200
    _never_shows(puzzle.answer, first)
    assert first.json()["attempts"][0]["marks"] == [m.value for m in rules.mark(wrong, puzzle.answer)]
    won = player.guess(2, puzzle.answer.upper()).json()
    assert won["status"] == "won" and won["answer"] == puzzle.answer.upper() and won["tries_left"] == 0
    assert won["share"].startswith(f"MOTUS #{puzzle.number} 2/6\n")
    assert player.today().json()["status"] == "won"
    # Over is over: no seventh try, no try after a win.
    refused = player.guess(3, wrong_words(puzzle, 2)[1])
    assert refused.status_code == 409 and refused.json()["code"] == "game_over"


def test_lose_after_six_wrong_tries_then_answer_shown(player, puzzle):
    words = wrong_words(puzzle, 6)
    for n, word in enumerate(words, start=1):
        resp = player.guess(n, word)
        assert resp.status_code == 200, resp.text
        if n < 6:
            _never_shows(puzzle.answer, resp)
            assert resp.json()["tries_left"] == 6 - n
    body = resp.json()
    assert body["status"] == "lost" and body["answer"] == puzzle.answer.upper()
    assert body["share"].startswith(f"MOTUS #{puzzle.number} X/6")


def test_once_a_game_is_lost_every_new_try_is_game_over(player, puzzle):
    words = wrong_words(puzzle, 7)
    for n, word in enumerate(words[:6], start=1):
        assert player.guess(n, word).status_code == 200
    # A seventh try, another word for the sixth: the game is over, as after a win.
    for attempt, word in ((7, words[6]), (6, words[6]), (7, "x")):
        resp = player.guess(attempt, word)
        assert resp.status_code == 409 and resp.json()["code"] == "game_over", (attempt, resp.text)
    # The same word again for the sixth is still a harmless replay.
    again = player.guess(6, words[5])
    assert again.status_code == 200 and again.json()["replayed"] is True


def test_after_a_win_another_word_for_a_played_try_is_game_over(player, puzzle):
    first = wrong_words(puzzle, 2)
    assert player.guess(1, first[0]).status_code == 200
    assert player.guess(2, puzzle.answer).json()["status"] == "won"
    for attempt, word in ((1, first[1]), (2, first[1])):
        resp = player.guess(attempt, word)
        assert resp.status_code == 409 and resp.json()["code"] == "game_over"


@pytest.mark.parametrize(
    ("make_word", "code"),
    [
        (lambda p: p.answer[:-1], "wrong_length"),
        (lambda p: p.answer + "s", "wrong_length"),
        (lambda p: ("b" if p.first_letter != "b" else "c") + p.answer[1:], "wrong_first_letter"),
        (lambda p: p.first_letter + "z" * (p.length - 1), "unknown_word"),
        (lambda p: p.first_letter + "-" * (p.length - 1), "not_a_word"),
    ],
)
def test_refused_guess_costs_no_try(player, puzzle, make_word, code):
    resp = player.guess(1, make_word(puzzle))
    assert resp.status_code == 422
    body = resp.json()
    assert body["code"] == code and body["message"]
    today = player.today().json()
    assert today["tries_left"] == 6 and today["attempts"] == []
    # The same attempt number is still free.
    assert player.guess(1, wrong_words(puzzle, 1)[0]).status_code == 200


def test_replaying_an_attempt_is_idempotent_and_another_word_is_409(player, puzzle):
    w1, w2 = wrong_words(puzzle, 2)
    first = player.guess(1, w1).json()
    replay = player.guess(1, w1.upper())
    assert replay.status_code == 200 and replay.json()["replayed"] is True
    assert replay.json()["attempts"] == first["attempts"]
    conflict = player.guess(1, w2)
    assert conflict.status_code == 409 and conflict.json()["code"] == "attempt_conflict"
    skipped = player.guess(3, w2)
    assert skipped.status_code == 409 and skipped.json()["code"] == "attempt_out_of_order"
    assert len(player.today().json()["attempts"]) == 1


def test_concurrent_tries_for_one_attempt_record_exactly_one(healthy_stack, player, puzzle):
    # Eight tabs on two replicas send attempt 2 with different words at the same time.
    words = wrong_words(puzzle, 9)
    player.guess(1, words.pop())  # one session, shared by every "tab"
    cookies = dict(player.client.cookies)
    base = healthy_stack.topology.public_url

    def tab(i: int) -> int:
        replica = "motus-1" if i % 2 else "motus-2"
        with httpx2.Client(base_url=base, cookies={**cookies, "MOTUS_GAME": replica}, timeout=10) as c:
            return c.post("/api/game/guess", json={"attempt": 2, "word": words[i]}).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(tab, range(8)))
    assert statuses == [200] + [409] * 7
    assert len(player.today().json()["attempts"]) == 2


def test_puzzle_number_from_yesterday_is_refused(player, puzzle):
    resp = player.guess(1, wrong_words(puzzle, 1)[0], puzzle=puzzle.number - 1)
    assert resp.status_code == 409 and resp.json()["code"] == "puzzle_changed"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"attempt": 0, "word": "x"}, 422),
        ({"attempt": 7, "word": "x"}, 422),
        ({"attempt": "un", "word": "x"}, 422),
        ({"word": "x"}, 422),
        ({"attempt": 1, "word": "x" * 41}, 422),
        ({"attempt": 1}, 422),
    ],
)
def test_malformed_guess_is_a_clear_422(player, body, status):
    resp = player.client.post("/api/game/guess", json=body)
    assert resp.status_code == status
    assert resp.json()["code"] == "invalid_request" and resp.json()["fields"]


def test_non_json_body_is_415(player):
    resp = player.client.post(
        "/api/game/guess", content=b'{"attempt":1,"word":"x"}', headers={"content-type": "text/plain"}
    )
    assert resp.status_code == 415 and resp.json()["code"] == "unsupported_media_type"


def test_forged_session_cookie_is_not_logged_in(healthy_stack, player, puzzle):
    player.guess(1, wrong_words(puzzle, 1)[0])
    real = player.client.cookies["motus_session"]
    forged = real.split(".")[0] + ".AAAA"
    with httpx2.Client(base_url=healthy_stack.topology.public_url, cookies={"motus_session": forged}, timeout=10) as c:
        resp = c.get("/api/game/today")
    assert resp.status_code == 401 and resp.json()["code"] == "login_required"


def test_both_replicas_serve_the_same_puzzle(player, puzzle):
    seen = {}
    for replica in ("motus-1", "motus-2"):
        player.client.cookies.set("MOTUS_GAME", replica)
        resp = player.today()
        assert resp.headers["x-motus-instance"] == replica
        body = resp.json()
        seen[replica] = (body["puzzle"], body["length"], body["first_letter"], body["date"])
    assert (
        seen["motus-1"]
        == seen["motus-2"]
        == (puzzle.number, puzzle.length, puzzle.first_letter.upper(), puzzle.day.isoformat())
    )


def test_game_follows_the_player_across_replicas(player, puzzle):
    words = wrong_words(puzzle, 3)
    for n, (word, replica) in enumerate(zip(words, ("motus-1", "motus-2", "motus-1"), strict=True), start=1):
        player.client.cookies.set("MOTUS_GAME", replica)
        resp = player.guess(n, word)
        assert resp.status_code == 200 and resp.headers["x-motus-instance"] == replica
        assert len(resp.json()["attempts"]) == n


def test_game_survives_sigkill_of_the_replica_that_served_it(healthy_stack, player, puzzle):
    w1, w2, w3 = wrong_words(puzzle, 3)
    player.guess(1, w1)
    served = player.guess(2, w2).headers["x-motus-instance"]
    healthy_stack.kill([served])
    resp = player.guess(3, w3)
    assert resp.status_code == 200
    assert resp.headers["x-motus-instance"] != served
    assert [a["word"] for a in resp.json()["attempts"]] == [w.upper() for w in (w1, w2, w3)]


def test_game_survives_a_restart_of_the_game_store(healthy_stack, player, puzzle):
    w1, w2 = wrong_words(puzzle, 2)
    player.guess(1, w1)
    healthy_stack.kill(["redis-game"])  # a crash, not a clean shutdown
    healthy_stack.start(["redis-game"])
    healthy_stack.wait_ready(timeout=15)
    resp = player.guess(2, w2)
    assert resp.status_code == 200, resp.text
    assert [a["word"] for a in resp.json()["attempts"]] == [w1.upper(), w2.upper()]


def test_openapi_documents_the_game_api(healthy_stack):
    spec = httpx2.get(healthy_stack.topology.public_url + "/openapi.json", timeout=10).json()
    assert {"/api/game/today", "/api/game/guess"} <= set(spec["paths"])
    responses = spec["paths"]["/api/game/guess"]["post"]["responses"]
    assert {"200", "409", "415", "422"} <= set(responses)


def test_answer_is_in_no_page_script_or_error(healthy_stack, player, puzzle):
    base = healthy_stack.topology.public_url
    for path in ("/", "/static/game.js", "/static/theme.js", "/static/style.css", "/openapi.json"):
        _never_shows(puzzle.answer, httpx2.get(base + path, timeout=10))
    w1, w2 = wrong_words(puzzle, 2)
    player.guess(1, w1)
    for resp in (player.guess(1, w2), player.guess(2, "zz"), player.guess(3, w2), player.guess(2, puzzle.answer[:-1])):
        assert resp.status_code in (409, 422)
        _never_shows(puzzle.answer, resp)


def test_game_is_keyed_by_the_account_not_the_browser(healthy_stack, player, puzzle):
    player.guess(1, wrong_words(puzzle, 1)[0])
    with httpx2.Client(base_url=healthy_stack.topology.public_url, timeout=10) as other_browser:
        log_in(other_browser, player.name)
        today = other_browser.get("/api/game/today").json()
    assert len(today["attempts"]) == 1


def test_oversized_body_is_413_and_nothing_is_read(player):
    resp = player.client.post(
        "/api/game/guess",
        content=b'{"attempt":1,"word":"' + b"a" * 200_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert resp.status_code == 413 and resp.json()["code"] == "too_large"


@pytest.mark.parametrize("body", [b'{"attempt":1,', b"[[[[", b"\xff\xfe"])
def test_broken_json_is_a_french_400(player, body):
    resp = player.client.post("/api/game/guess", content=body, headers={"content-type": "application/json"})
    assert resp.status_code == 400
    assert resp.json() == {"code": "invalid_json", "message": "Le corps de la requête n'est pas du JSON valide."}


@pytest.mark.parametrize("attempt", ["1", 1.0, True])
def test_attempt_must_be_a_real_integer(player, attempt):
    resp = player.client.post("/api/game/guess", json={"attempt": attempt, "word": "abcdef"})
    assert resp.status_code == 422 and resp.json()["fields"] == ["attempt"]


def test_openapi_documents_the_error_body(healthy_stack):
    spec = httpx2.get(healthy_stack.topology.public_url + "/openapi.json", timeout=10).json()
    refused = spec["paths"]["/api/game/guess"]["post"]["responses"]["422"]
    assert refused["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert set(spec["components"]["schemas"]["ErrorOut"]["properties"]) == {"code", "message", "fields"}
    # A visitor who is not logged in gets a 401: documented where it can happen.
    assert "401" in spec["paths"]["/api/game/today"]["get"]["responses"]
    assert "401" in spec["paths"]["/api/game/guess"]["post"]["responses"]


def test_access_token_is_refreshed_by_the_calls_that_need_it_only(healthy_stack, player):

    store = redis.Redis.from_url(healthy_stack.topology.redis_url("redis-game"), decode_responses=True)
    try:
        [key] = [k for k in store.scan_iter("game:v1:session:*") if store.hget(k, "name") == player.name]
        before = store.hgetall(key)
        store.hset(key, "expires_at", "0")  # as if the access token were about to expire
        # Playing needs no token: the provider is not asked, whatever its state.
        assert player.today().status_code == 200
        assert store.hget(key, "refresh_token") == before["refresh_token"]
        # The statistics are read with the player's token: renewed first.
        assert player.client.get("/api/game/stats").status_code == 200
        after = store.hgetall(key)
        assert after["access_token"] != before["access_token"]
        assert after["refresh_token"] != before["refresh_token"]  # rotated at the provider
        assert int(after["expires_at"]) > 0
    finally:
        store.close()


def assert_not_logged_in(browser) -> None:
    # A visitor still plays today's game as a guest; only an account has statistics.
    resp = browser.get("/api/game/stats")
    assert resp.status_code == 401
    assert resp.json()["code"] == "login_required"


@pytest.mark.parametrize("tamper", ["state", "iss"])
def test_login_callback_refuses_a_forged_or_foreign_answer(healthy_stack, tamper):
    base = healthy_stack.topology.public_url
    with httpx2.Client(base_url=base, timeout=10) as first:
        name = sign_up_and_log_in(first)
    with httpx2.Client(base_url=base, timeout=10) as browser:
        callback = urlsplit(callback_url(browser, name))
        params = {k: v[0] for k, v in parse_qs(callback.query).items()}
        params[tamper] = "forged" if tamper == "state" else "http://evil.example/auth"
        resp = browser.get(f"{callback.path}?{urlencode(params)}")
        assert resp.status_code == 400
        assert "motus_session" not in resp.headers.get("set-cookie", "")
        assert_not_logged_in(browser)


def test_a_login_started_in_one_browser_cannot_be_finished_in_another(healthy_stack):
    # Login CSRF: the attacker starts a login with their own account and sends the
    # callback URL to a victim; the victim's browser must not end up logged in as them.
    base = healthy_stack.topology.public_url
    with httpx2.Client(base_url=base, timeout=10) as first:
        name = sign_up_and_log_in(first)
    with httpx2.Client(base_url=base, timeout=10) as attacker:
        callback = urlsplit(callback_url(attacker, name))
    with httpx2.Client(base_url=base, timeout=10) as victim:
        resp = victim.get(f"{callback.path}?{callback.query}")
        assert resp.status_code == 400
        assert_not_logged_in(victim)


def test_an_auth_outage_during_refresh_keeps_the_player_logged_in(healthy_stack, player):

    store = redis.Redis.from_url(healthy_stack.topology.redis_url("redis-game"), decode_responses=True)
    try:
        [key] = [k for k in store.scan_iter("game:v1:session:*") if store.hget(k, "name") == player.name]
        store.hset(key, "expires_at", "0")
        healthy_stack.stop(["redis-auth"])
        try:
            # The statistics need the token: its renewal fails, the player stays logged in
            # and the read goes on with the token they have (still valid for a while).
            assert player.client.get("/api/game/stats").status_code == 200
            assert player.today().status_code == 200
            assert store.exists(key) and store.hget(key, "expires_at") == "0"
        finally:
            healthy_stack.start(["redis-auth"])
            healthy_stack.wait_ready(timeout=20)
        assert player.client.get("/api/game/stats").status_code == 200
        assert int(store.hget(key, "expires_at")) > 0  # refreshed once the provider was back
    finally:
        store.close()


def _game_store(stack) -> redis.Redis:
    return redis.Redis.from_url(stack.topology.redis_url("redis-game"), decode_responses=True)


def _session_key(player: Player) -> str:
    # The cookie is "<session id>.<signature>" (motus_kit/signing.py).
    return keys.session(player.client.cookies["motus_session"].split(".")[0])


def test_a_guess_answers_exactly_what_its_schema_documents(player, puzzle):
    # The guess encodes its answer itself (the hot path, README "Speed"); it must be
    # what the documented model would have produced, byte for byte once parsed.
    [wrong] = wrong_words(puzzle, 1)
    for body in (player.guess(1, wrong).json(), player.guess(1, wrong).json(), player.guess(2, puzzle.answer).json()):
        assert GuessOut.model_validate(body).model_dump(mode="json") == body
    today = player.today().json()
    assert GameOut.model_validate(today).model_dump(mode="json") == today
    assert {k: v for k, v in body.items() if k not in ("replayed", "server_time")} == {
        k: v for k, v in today.items() if k != "server_time"
    }


def test_a_session_that_ended_cannot_play_even_with_its_signed_cookie(healthy_stack, player, puzzle):
    store = _game_store(healthy_stack)
    first, refused = wrong_words(puzzle, 1)[0], "x" * puzzle.length
    assert player.guess(1, first).status_code == 200
    subject = store.hget(_session_key(player), "subject")
    store.delete(_session_key(player))
    for word in (wrong_words(puzzle, 2)[1], refused):  # a playable word, then a refused one
        resp = player.guess(2, word)
        assert resp.status_code == 401 and resp.json()["code"] == "login_required", resp.text
    # Nothing was played, and the session was not brought back to life by the script.
    game = json.loads(store.get(keys.game(subject, puzzle.number)))
    assert [a["word"] for a in game["attempts"]] == [first] and not store.exists(_session_key(player))


def test_a_session_in_the_older_format_still_plays_the_same_game(healthy_stack, player, puzzle):
    # Sessions written before the subject had a field of its own kept it as "user_id"
    # and "player" = "u:" + subject (player.SessionRecord.from_hash): the guess script
    # reads them the same way.
    store = _game_store(healthy_stack)
    first, second = wrong_words(puzzle, 2)
    assert player.guess(1, first).status_code == 200
    key = _session_key(player)
    subject = store.hget(key, "subject")
    for old_fields in ({"user_id": subject}, {"player": f"u:{subject}"}):
        store.hdel(key, "subject", "user_id", "player")
        store.hset(key, mapping=old_fields)
        store.persist(key)
        resp = player.guess(2, second)
        assert resp.status_code == 200, resp.text
        assert [a["word"] for a in resp.json()["attempts"]] == [first.upper(), second.upper()]
        assert store.ttl(key) > 0  # a guess pushes the session's expiry back, as any read does


def test_the_guess_route_refuses_other_methods_in_the_one_error_shape(healthy_stack):
    # The guess is served ahead of FastAPI's router (motus/routes/api.py): the rest of
    # the API's behaviour must not change with it.
    resp = httpx2.get(healthy_stack.topology.public_url + "/api/game/guess", timeout=10)
    assert resp.status_code == 405 and resp.headers["allow"] == "POST"
    assert resp.json()["code"] == "method_not_allowed"
    assert resp.headers["x-request-id"] and resp.headers["x-motus-instance"].startswith("motus-")
