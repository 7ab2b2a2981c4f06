"""The score service as an OAuth2 resource server, through HAProxy: recording,
statistics, leaderboards, and one refusal per token rule."""

from __future__ import annotations

import base64
import time
import uuid
from datetime import UTC, datetime

import httpx2
import pytest

import redis
from motus_auth.oauth import signing_keys
from motus_kit.puzzle_days import day_start, puzzle_of
from tests.support.oauth import AuthRequest, authorize, code_from, exchange, signed_in_browser
from tests.support.tokens import bearer, claims_now, forge, game_service_token, sealer

pytestmark = pytest.mark.integration


@pytest.fixture
def api(healthy_stack) -> httpx2.Client:
    # The game's side: recording is only routed by the internal frontend.
    with httpx2.Client(base_url=healthy_stack.topology.internal_url, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def recorder(stack) -> str:
    return game_service_token(stack)


def _today() -> int:
    return puzzle_of(datetime.now(UTC))


def _new_player() -> str:
    return f"test{uuid.uuid4().hex}"


def _record(api, token: str, player: str, puzzle: int, won=True, attempts=3, seconds=60, name="Alice", **extra):
    body = {"name": name, "won": won, "attempts": attempts, "seconds": seconds, **extra}
    return api.put(f"/api/score/results/{player}/{puzzle}", json=body, headers=bearer(token))


def _stats(api, stack, player: str) -> dict:
    # The player's own token (forged with the provider's key, as the provider would issue it).
    token = forge(stack, claims_now(stack, sub=player))
    resp = api.get(f"/api/score/players/{player}/stats", headers=bearer(token))
    assert resp.status_code == 200, resp.text
    return resp.json()


def _player_token(stack, scope: str = "openid profile score:read") -> tuple[str, str]:
    """A real player's access token from the code flow of the example public client, and their id."""
    browser, _ = signed_in_browser(stack.topology.public_url)
    try:
        request = AuthRequest(scope=scope)
        resp = exchange(stack.topology.public_url, code_from(authorize(browser, request), request), request)
    finally:
        browser.close()
    assert resp.status_code == 200, resp.text
    token = resp.json()["access_token"]
    me = httpx2.get(f"{stack.topology.public_url}/auth/userinfo", headers=bearer(token), timeout=10).json()
    return token, me["sub"]


def test_recording_is_idempotent_and_a_conflict_keeps_the_first(api, healthy_stack, recorder):
    player, today = _new_player(), _today()
    first = _record(api, recorder, player, today, attempts=2, seconds=41)
    assert first.status_code == 201, first.text
    assert first.json() | {"replayed": False} == first.json()
    again = _record(api, recorder, player, today, attempts=2, seconds=41)
    assert again.status_code == 200 and again.json()["replayed"] is True
    other = _record(api, recorder, player, today, attempts=5, seconds=41)
    assert other.status_code == 409 and other.json()["code"] == "result_conflict"
    stats = _stats(api, healthy_stack, player)
    assert (stats["played"], stats["won"], stats["distribution"]["2"], stats["distribution"]["5"]) == (1, 1, 1, 0)


def test_concurrent_deliveries_of_one_result_record_it_once(api, healthy_stack, recorder):
    from concurrent.futures import ThreadPoolExecutor

    player, today = _new_player(), _today()
    score_redis = redis.Redis.from_url(healthy_stack.topology.redis_url("redis-score"), decode_responses=True)
    played_before = int(score_redis.hget(f"score:v1:puzzle:{today}", "played") or 0)
    with ThreadPoolExecutor(8) as pool:
        codes = sorted(
            pool.map(lambda _: _record(api, recorder, player, today).status_code, range(8)),
        )
    assert codes == [200] * 7 + [201]
    assert score_redis.hlen(f"score:v1:results:{player}") == 1
    assert int(score_redis.hget(f"score:v1:puzzle:{today}", "played")) - played_before == 1
    score_redis.close()


def test_statistics_streaks_and_distribution(api, healthy_stack, recorder):
    player, today = _new_player(), _today()
    # won 4 days ago and 3 days ago, missed 2 days ago, lost yesterday, won today in 1.
    for puzzle, won, attempts in ((today - 4, True, 3), (today - 3, True, 5), (today - 1, False, 6), (today, True, 1)):
        assert _record(api, recorder, player, puzzle, won=won, attempts=attempts).status_code == 201
    s = _stats(api, healthy_stack, player)
    assert (s["played"], s["won"], s["win_percent"]) == (4, 3, 75)
    assert (s["current_streak"], s["best_streak"]) == (1, 2)
    assert s["distribution"] == {"1": 1, "2": 0, "3": 1, "4": 0, "5": 1, "6": 0, "lost": 1}
    assert s["average_attempts"] == 3.0
    assert (s["today"], s["last_puzzle"]) == (today, today)


def test_a_late_result_joins_two_streaks_on_the_all_time_board(api, healthy_stack, recorder):
    player, today = _new_player(), _today()
    name = f"late-{player[-8:]}"
    for puzzle in (today - 4, today - 3, today - 1, today):
        _record(api, recorder, player, puzzle, name=name)
    assert _stats(api, healthy_stack, player)["best_streak"] == 2
    # Delivered late (the outbox was stuck): the gap closes, the best streak is now 5.
    assert _record(api, recorder, player, today - 2, name=name).status_code == 201
    board = api.get(
        "/api/score/leaderboards/all-time",
        params={"limit": 100},
        headers=bearer(forge(healthy_stack, claims_now(healthy_stack, sub=player))),
    ).json()
    assert board["me"]["name"] == name and (board["me"]["wins"], board["me"]["best_streak"]) == (5, 5)


def test_equal_results_share_a_rank_in_the_order_they_finished(api, healthy_stack, recorder):
    # Three one-try wins in 0 s: delivered in one order, finished in another.
    puzzle = _today() - 8
    start_ms = int(day_start(puzzle).timestamp() * 1000)
    finished = {_new_player(): start_ms + 9_000_000, _new_player(): start_ms + 1_000, _new_player(): start_ms + 50_000}
    for player, at in finished.items():
        assert (
            _record(api, recorder, player, puzzle, attempts=1, seconds=0, name=player[-8:], finished_at=at).status_code
            == 201
        )
    # A replay with another finish time is the same result: it changes nothing.
    early = next(iter(finished))
    again = _record(api, recorder, early, puzzle, attempts=1, seconds=0, name=early[-8:], finished_at=start_ms)
    assert again.status_code == 200 and again.json()["replayed"] is True
    board = api.get("/api/score/leaderboards/daily", params={"puzzle": puzzle, "limit": 100}).json()
    ours = [row for row in board["top"] if row["name"] in {p[-8:] for p in finished}]
    by_finish = sorted(finished, key=finished.get)
    assert [r["name"] for r in ours] == [p[-8:] for p in by_finish]
    assert {r["rank"] for r in ours} == {1}
    me = api.get(
        "/api/score/leaderboards/daily",
        params={"puzzle": puzzle, "limit": 1},
        headers=bearer(forge(healthy_stack, claims_now(healthy_stack, sub=by_finish[-1]))),
    ).json()["me"]
    assert me["rank"] == 1 and me["attempts"] == 1


def test_daily_leaderboard_ranks_by_attempts_then_time_and_shows_my_rank(api, healthy_stack, recorder):
    puzzle = _today() - 7  # a past puzzle of its own: other tests play today's
    first = _new_player()
    players = {first: (3, 50), _new_player(): (2, 300), _new_player(): (3, 40), _new_player(): (3, 40)}
    names = {}
    for i, (player, (attempts, seconds)) in enumerate(players.items()):
        names[player] = f"p{i}-{player[-6:]}"
        _record(api, recorder, player, puzzle, attempts=attempts, seconds=seconds, name=names[player])
    loser = _new_player()
    _record(api, recorder, loser, puzzle, won=False, attempts=6, name="loser")
    board = api.get("/api/score/leaderboards/daily", params={"puzzle": puzzle, "limit": 100}).json()
    ours = [row for row in board["top"] if row["name"] in names.values()]
    assert [(r["attempts"], r["seconds"]) for r in ours] == [(2, 300), (3, 40), (3, 40), (3, 50)]
    ranks = [r["rank"] for r in ours]
    assert ranks[1] == ranks[2] and ranks[0] < ranks[1] < ranks[3]  # equal results share a rank
    assert "loser" not in {r["name"] for r in board["top"]}
    assert board["me"] is None  # no token, no personal row
    mine = api.get(
        "/api/score/leaderboards/daily",
        params={"puzzle": puzzle, "limit": 1},
        headers=bearer(forge(healthy_stack, claims_now(healthy_stack, sub=first))),
    ).json()
    assert len(mine["top"]) == 1 and mine["me"]["name"] == names[first] and mine["me"]["rank"] == ranks[3]
    assert mine["solved"] >= 4 and mine["played"] >= mine["solved"] + 1


@pytest.mark.parametrize(
    ("body", "path_puzzle", "field"),
    [
        ({"won": False, "attempts": 3}, None, ""),  # a lost game used six tries
        ({"attempts": 7}, None, "attempts"),
        ({"seconds": -1}, None, "seconds"),
        ({"won": "yes"}, None, "won"),
        ({"name": ""}, None, "name"),
        ({}, "today+5", None),
    ],
)
def test_bad_results_are_refused_with_a_reason(api, recorder, body, path_puzzle, field):
    puzzle = _today() + 5 if path_puzzle else _today()
    resp = api.put(
        f"/api/score/results/{_new_player()}/{puzzle}",
        json={"name": "x", "won": True, "attempts": 3, "seconds": 5, **body},
        headers=bearer(recorder),
    )
    assert resp.status_code == 422, resp.text
    if field is None:
        assert resp.json()["code"] == "puzzle_in_future"
    else:
        assert resp.json()["code"] == "invalid_request" and resp.json()["message"]


def test_tokens_are_checked_signature_issuer_audience_expiry(api, healthy_stack):
    stack = healthy_stack
    player = _new_player()
    url = f"/api/score/players/{player}/stats"
    good = forge(stack, claims_now(stack, sub=player))
    header, payload, signature = good.split(".")
    cases = {
        "none": None,
        "garbage": "not.a.token",
        "expired": forge(stack, claims_now(stack, sub=player, exp=int(time.time()) - 120)),
        "another audience": forge(stack, claims_now(stack, sub=player, aud=["another-api"])),
        "another issuer": forge(stack, claims_now(stack, sub=player, iss="http://evil.example/auth")),
        "tampered": f"{header}.{payload[:-4]}AAAA.{signature}",
        "alg none": base64.urlsafe_b64encode(b'{"alg":"none","typ":"at+jwt"}').decode().rstrip("=") + f".{payload}.",
        "an id_token, not an access token": forge(stack, claims_now(stack, sub=player), {"typ": "JWT"}),
    }
    for what, token in cases.items():
        resp = api.get(url, headers=bearer(token) if token else {})
        assert resp.status_code == 401, what
        assert resp.headers["www-authenticate"].startswith("Bearer"), what
        assert resp.json()["code"] in ("token_required", "invalid_token"), what
    assert "expir" in api.get(url, headers=bearer(cases["expired"])).json()["message"]
    # The control: with every claim right, the same request passes.
    assert api.get(url, headers=bearer(good)).status_code == 200


def test_a_player_reads_only_their_own_statistics_and_cannot_record(api, healthy_stack, recorder):
    token, me = _player_token(healthy_stack)
    assert api.get(f"/api/score/players/{me}/stats", headers=bearer(token)).status_code == 200
    other = api.get(f"/api/score/players/{_new_player()}/stats", headers=bearer(token))
    assert other.status_code == 403 and other.json()["code"] == "not_your_stats"
    write = _record(api, token, me, _today())
    assert write.status_code == 403 and write.json()["code"] == "insufficient_scope"
    assert 'scope="score:record"' in write.headers["www-authenticate"]
    # A malformed header is a bad request, not an anonymous one (RFC 6750).
    bad = api.get(f"/api/score/players/{me}/stats", headers={"Authorization": token})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_request"
    # And the game's service token records but reads nobody's statistics.
    read = api.get(f"/api/score/players/{me}/stats", headers=bearer(recorder))
    assert read.status_code == 403 and read.json()["code"] == "insufficient_scope"


def test_a_token_without_score_read_cannot_read_statistics(api, healthy_stack):
    token, me = _player_token(healthy_stack, scope="openid profile")
    resp = api.get(f"/api/score/players/{me}/stats", headers=bearer(token))
    assert resp.status_code == 403 and resp.json()["code"] == "insufficient_scope"


def test_leaderboards_are_public_but_a_bad_token_is_still_refused(api):
    for board in ("daily", "all-time"):
        assert api.get(f"/api/score/leaderboards/{board}").status_code == 200
        assert api.get(f"/api/score/leaderboards/{board}", headers=bearer("garbage")).status_code == 401
    assert api.get("/api/score/leaderboards/daily", params={"limit": 1000}).status_code == 422


def test_only_the_game_clients_own_token_records(api, healthy_stack):
    stack, player = healthy_stack, _new_player()
    # score:record in a token that is not the game's own (a user's, or another client's).
    as_user = forge(stack, claims_now(stack, sub=player, scope="score:record", client_id="motus-game"))
    other_client = forge(stack, claims_now(stack, sub="motus-cli", scope="score:record", client_id="motus-cli"))
    for token in (as_user, other_client):
        resp = _record(api, token, player, _today())
        assert resp.status_code == 403 and resp.json()["code"] == "not_a_recorder"
    control = forge(stack, claims_now(stack, sub="motus-game", scope="score:record", client_id="motus-game"))
    assert _record(api, control, player, _today()).status_code == 201


def test_tokens_signed_with_a_rotated_key_are_accepted(api, healthy_stack):
    auth_redis = redis.Redis.from_url(healthy_stack.topology.redis_url("redis-auth"), decode_responses=True)
    try:
        signing_keys.rotate(auth_redis, sealer(healthy_stack))
    finally:
        auth_redis.close()
    # A token with the new kid: the score service fetches the keys again and accepts it.
    token = game_service_token(healthy_stack)
    assert _record(api, token, _new_player(), _today()).status_code == 201


def test_the_score_api_is_documented_in_openapi(api):
    spec = api.get("/api/score/openapi.json").json()
    put = spec["paths"]["/api/score/results/{player}/{puzzle}"]["put"]
    assert {"201", "200", "401", "403", "409", "422"} <= set(put["responses"])
    assert {
        "/api/score/players/{player}/stats",
        "/api/score/leaderboards/daily",
        "/api/score/leaderboards/all-time",
    } <= set(spec["paths"])
