"""Players who behave are never logged out and never told their try is out of order,
however loaded the platform and however often their tokens are due for renewal.

Real players (logged in through the provider) whose access tokens are due for
renewal play their tries in order through HAProxy, switching replicas, while their
statistics are read at the same moment on both replicas (each read needs the token,
so both replicas want to renew it at once) and other clients load every service.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx2
import pytest

import redis
from motus import keys, session
from motus.game import daily
from motus_kit.jwt_verify import LEEWAY_SECONDS
from tests.support.players import Player, todays_puzzle, wrong_words
from tests.support.tokens import claims_now, forge
from tests.support.traffic import ClientLoops

pytestmark = pytest.mark.integration
PLAYERS = 8
TRIES = 5


def _reuse_detected(stack) -> float:
    total = 0.0
    for replica in ("auth-1", "auth-2"):
        text = httpx2.get(f"http://{stack.topology.address(replica)}/metrics", timeout=5).text
        for line in text.splitlines():
            if line.startswith('motus_auth_token_reuse_detected_total{token="refresh_token"}'):
                total += float(line.rsplit(" ", 1)[1])
    return total


def _cookies(player: Player) -> dict[str, str]:
    # The jar may hold one name for two paths (HAProxy's MOTUS_GAME, a test's own): the last wins.
    return {cookie.name: cookie.value for cookie in player.client.cookies.jar}


def test_due_tokens_and_load_never_log_a_player_out_nor_reorder_tries(healthy_stack):
    stack = healthy_stack
    puzzle = todays_puzzle()
    words = wrong_words(puzzle, TRIES)
    game = redis.Redis.from_url(stack.topology.redis_url("redis-game"), decode_responses=True)
    secret = stack.topology.secrets["GAME_SESSION_SECRET"]
    with ThreadPoolExecutor(PLAYERS) as pool:
        players = list(pool.map(lambda _: Player(stack.topology.public_url), range(PLAYERS)))
    sessions = [session.unsign(_cookies(p)[session.COOKIE], secret) for p in players]
    refresh_before = {sid: game.hget(keys.session(sid), "refresh_token") for sid in sessions}
    for sid in sessions:
        # Every access token expired for real (beyond the score service's leeway), as
        # after a player's tab stayed idle: a read that used it would be refused.
        subject = game.hget(keys.session(sid), "subject")
        expired = forge(
            stack, claims_now(stack, sub=subject, client_id="motus-game", exp=int(time.time()) - LEEWAY_SECONDS - 5)
        )
        game.hset(keys.session(sid), mapping={"access_token": expired, "expires_at": str(int(time.time()) - 60)})
    reuse_before = _reuse_detected(stack)

    statuses: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def note(kind: str, resp: httpx2.Response) -> None:
        code = (
            resp.json().get("code", "") if resp.headers.get("content-type", "").startswith("application/json") else ""
        )
        with lock:
            statuses.append((kind, resp.status_code, code))

    def play(player: Player) -> None:
        for attempt, word in enumerate(words, start=1):
            player.client.cookies.set("MOTUS_GAME", ("motus-1", "motus-2")[attempt % 2])
            note("guess", player.guess(attempt, word))

    def read_stats(player: Player) -> None:
        # Both replicas at once, twice: each read needs the (due) token.
        cookies = _cookies(player)
        for _ in range(2):
            for replica in ("motus-1", "motus-2"):
                with httpx2.Client(base_url=stack.topology.public_url, timeout=10) as other:
                    other.cookies.update({**cookies, "MOTUS_GAME": replica})
                    note("stats", other.get("/api/game/stats"))

    with ClientLoops(stack.topology.public_url, clients=4, max_seconds=30), ThreadPoolExecutor(2 * PLAYERS) as pool:
        jobs = [pool.submit(play, p) for p in players] + [pool.submit(read_stats, p) for p in players]
        for job in jobs:
            job.result(timeout=60)

    guesses = [s for s in statuses if s[0] == "guess"]
    stats = [s for s in statuses if s[0] == "stats"]
    assert len(guesses) == PLAYERS * TRIES and all(status == 200 for _, status, _ in guesses), guesses
    assert len(stats) == PLAYERS * 4 and all(status == 200 for _, status, _ in stats), stats
    # Every try recorded, in order; every login still there, its token renewed once.
    puzzle_number = daily.today(datetime.now(UTC)).number
    for player, sid in zip(players, sessions, strict=True):
        assert player.today().json()["attempts"] and len(player.today().json()["attempts"]) == TRIES
        record = game.hgetall(keys.session(sid))
        assert record and record["refresh_token"] != refresh_before[sid]
        assert int(record["expires_at"]) > time.time() + 60
        assert game.exists(keys.game(record["subject"], puzzle_number))
    # No refresh token was ever presented twice (which would have revoked a login).
    assert _reuse_detected(stack) == reuse_before
    for player in players:
        player.close()
    game.close()
