from fastapi.testclient import TestClient

from tests.support.apps import kit_app


def _requests_total(text: str, handler: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith("http_requests_total{") and f'handler="{handler}"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_two_apps_in_one_process_each_count_their_own_requests():
    # The instrumentator's global registry would make the second app report nothing.
    with TestClient(kit_app(instance="a-1")) as a, TestClient(kit_app(instance="b-1")) as b:
        for _ in range(3):
            a.get("/api/test/items/1")
        b.get("/api/test/items/1")
        assert _requests_total(a.get("/metrics").text, "/api/test/items/{item_id}") == 3
        assert _requests_total(b.get("/metrics").text, "/api/test/items/{item_id}") == 1


def test_probes_and_metrics_are_not_counted():
    with TestClient(kit_app()) as client:
        client.get("/healthz")
        client.get("/readyz")
        text = client.get("/metrics").text
        assert "healthz" not in text and "readyz" not in text
