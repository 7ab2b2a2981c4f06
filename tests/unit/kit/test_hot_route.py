"""A hot route answers exactly as the router would: same errors, same plumbing."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from motus_kit.errors import ApiError
from motus_kit.service import build_service
from motus_kit.settings import ServiceSettings
from tests.support.apps import closed_redis_url
from tests.unit.kit.test_metrics import _requests_total

PATH = "/api/test/hot"


async def _hot(request: Request) -> JSONResponse:
    body = await request.json()
    if body.get("refuse"):
        raise ApiError(409, "conflict_here", "Refusé.")
    if body.get("bug"):
        raise RuntimeError("a bug on the hot path")
    return JSONResponse({"served": "hot", "echo": body.get("n")})


def _app() -> FastAPI:
    router = APIRouter()

    @router.post(PATH)
    async def documented() -> dict:
        return {"served": "router"}

    @router.get(PATH)
    async def read() -> dict:
        return {"served": "router-get"}

    settings = ServiceSettings(instance="hot-1", redis_url=closed_redis_url(), redis_timeout_seconds=0.5)
    return build_service(
        service="test",
        title="test",
        settings=settings,
        prefix="/api/test",
        routers=[router],
        hot_routes=[(Route(PATH, _hot, methods=["POST"]), "POST")],
    )


def test_the_hot_route_answers_its_path_and_method_inside_the_request_context():
    with TestClient(_app()) as client:
        resp = client.post(PATH, json={"n": 3}, headers={"X-Request-ID": "abc-123"})
        assert resp.status_code == 200 and resp.json() == {"served": "hot", "echo": 3}
        # The request-context middleware still wraps it.
        assert resp.headers["x-request-id"] == "abc-123"
        assert resp.headers["x-motus-instance"] == "hot-1"
        assert resp.headers["x-frame-options"] == "DENY"
        # Other methods on the same path go to the router.
        assert client.get(PATH).json() == {"served": "router-get"}


def test_errors_take_the_apps_own_handlers_and_a_bug_is_a_500_in_our_shape():
    with TestClient(_app(), raise_server_exceptions=False) as client:
        refused = client.post(PATH, json={"refuse": True})
        assert refused.status_code == 409
        assert refused.json()["code"] == "conflict_here"
        bug = client.post(PATH, json={"bug": True})
        assert bug.status_code == 500 and bug.json()["code"] == "internal_error"
        # The body limit still applies.
        huge = client.post(PATH, content=b"{" + b" " * 70_000 + b"}", headers={"content-type": "application/json"})
        assert huge.status_code == 413 and huge.json()["code"] == "too_large"


def test_the_metrics_label_a_hot_request_by_its_route():
    with TestClient(_app()) as client:
        for n in range(3):
            client.post(PATH, json={"n": n})
        assert _requests_total(client.get("/metrics").text, PATH) == 3
