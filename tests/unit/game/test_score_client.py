"""How the relay reads the score service's answers (HTTP faked with httpx2's MockTransport:
a pure unit test; the real path is in tests/integration/test_score_delivery.py)."""

from __future__ import annotations

import httpx2
import pytest

from motus.outbox import FinishedGame
from motus.score_client import Delivery, ScoreClient
from tests.support.aio import run as run_sync

GAME = FinishedGame("abc123", "Alice", 25, True, 3, 42, 1_700_000_000_000)


class FixedToken:
    def __init__(self) -> None:
        self.forgotten = 0

    async def get(self) -> str:
        return "tok"

    def forget(self) -> None:
        self.forgotten += 1


def _record(status: int | None, game=GAME) -> tuple[Delivery, list[httpx2.Request], FixedToken]:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        if status is None:
            raise httpx2.ConnectError("refused")
        return httpx2.Response(status, json={})

    async def run():
        token = FixedToken()
        async with httpx2.AsyncClient(base_url="http://peers", transport=httpx2.MockTransport(handler)) as http:
            return (await ScoreClient(http, token).record(game)).delivery, token

    delivery, token = run_sync(run())
    return delivery, seen, token


@pytest.mark.parametrize(
    ("status", "delivery"),
    [
        (201, Delivery.CREATED),
        (200, Delivery.REPLAY),
        (409, Delivery.REFUSED),
        (422, Delivery.REFUSED),
        (401, Delivery.FAILED),
        (403, Delivery.FAILED),
        (404, Delivery.FAILED),
        (500, Delivery.FAILED),
        (502, Delivery.RETRY),
        (503, Delivery.RETRY),
        (None, Delivery.RETRY),
    ],
)
def test_answers_map_to_deliveries(status, delivery):
    assert _record(status)[0] is delivery


def test_the_request_is_a_put_of_the_result_with_the_game_token():
    _, seen, _ = _record(201)
    request = seen[0]
    assert (request.method, request.url.path) == ("PUT", "/api/score/results/abc123/25")
    assert request.headers["authorization"] == "Bearer tok"
    assert (
        request.read()
        == b'{"name":"Alice","won":true,"attempts":3,"seconds":42,"finished_at":1700000000000,"hard":false}'
    )


def test_a_refused_token_is_fetched_again_next_time():
    assert _record(401)[2].forgotten == 1
