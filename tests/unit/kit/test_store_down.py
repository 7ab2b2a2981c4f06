"""A service whose Redis is unreachable: clear 503s, no hang, no crash. The Redis is really down."""

from fastapi.testclient import TestClient

from tests.support.apps import kit_app


def test_readyz_is_503_json_when_redis_unreachable():
    with TestClient(kit_app()) as client:
        for path in ("/readyz", "/api/test/readyz"):
            resp = client.get(path)
            assert resp.status_code == 503
            assert resp.json()["status"] == "unavailable"
            assert resp.json()["checks"]["redis"].startswith("unreachable")


def test_route_needing_redis_is_503_json_and_liveness_stays_ok():
    with TestClient(kit_app()) as client:
        resp = client.get("/api/test/count")
        assert resp.status_code == 503
        assert resp.json()["code"] == "store_unavailable"
        assert resp.headers["retry-after"] == "2"
        assert client.get("/healthz").status_code == 200


def test_readyz_is_503_while_draining_even_with_redis_down():
    app = kit_app()
    with TestClient(app) as client:
        app.state.lifecycle.begin_draining()
        resp = client.get("/readyz")
        assert resp.status_code == 503
        assert resp.json()["status"] == "draining"
