import json
import logging

import pytest
from fastapi.testclient import TestClient

from tests.support.apps import kit_app


@pytest.fixture
def client():
    with TestClient(kit_app(instance="test-7"), raise_server_exceptions=False) as c:
        yield c


def test_instance_header_present_on_success_and_errors(client):
    for path in ("/healthz", "/api/test/healthz", "/nope", "/api/test/boom", "/api/test/count"):
        assert client.get(path).headers["x-motus-instance"] == "test-7", path


def test_request_id_kept_when_client_sends_one(client):
    resp = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert resp.headers["x-request-id"] == "abc-123"


@pytest.mark.parametrize("sent", [None, "", "x" * 200, "bad id with spaces", "a{b}", "<script>"])
def test_request_id_generated_when_absent_or_unsafe(client, sent):
    headers = {} if sent is None else {"X-Request-ID": sent}
    rid = client.get("/healthz", headers=headers).headers["x-request-id"]
    assert rid != sent and len(rid) == 32 and rid.isalnum()


def test_access_log_line_has_request_fields_and_no_query_string(client, caplog):
    caplog.set_level(logging.INFO, logger="motus.access")
    client.get("/api/test/items/5?email=someone@example.org", headers={"X-Request-ID": "rid-1"})
    [record] = [r for r in caplog.records if r.name == "motus.access"]
    assert (record.method, record.path, record.status) == ("GET", "/api/test/items/5", 200)
    assert record.request_id == "rid-1"
    assert record.duration_ms >= 0
    ours = [r for r in caplog.records if r.name.startswith("motus")]
    assert all("example.org" not in str(vars(r)) for r in ours)


def test_probe_requests_logged_only_at_debug_when_healthy(client, caplog):
    caplog.set_level(logging.INFO, logger="motus.access")
    client.get("/healthz")
    assert not [r for r in caplog.records if r.name == "motus.access"]


def test_unhandled_error_answers_json_500_and_process_keeps_serving(client, caplog):
    resp = client.get("/api/test/boom")
    assert resp.status_code == 500
    assert resp.json()["code"] == "internal_error"
    assert "a bug" not in resp.text  # no internals leaked to the client
    assert any(r.name == "motus.errors" and r.exc_info for r in caplog.records)
    assert client.get("/healthz").status_code == 200


def test_not_found_is_json_with_code(client):
    resp = client.get("/no/such/page")
    assert resp.status_code == 404
    assert resp.json() == {"code": "not_found", "message": "Cette adresse n'existe pas."}


def test_validation_error_names_the_field(client):
    resp = client.get("/api/test/items/not-a-number")
    assert resp.status_code == 422
    body = resp.json()
    assert body["code"] == "invalid_request"
    assert body["fields"] == ["path.item_id"]


def test_wrong_method_is_json_405(client):
    resp = client.post("/healthz")
    assert resp.status_code == 405
    assert resp.json()["code"] == "method_not_allowed"


def test_json_log_lines_carry_service_instance_and_request_id(capsys):
    app = kit_app(instance="test-9")
    with TestClient(app) as c:
        c.get("/api/test/items/1", headers={"X-Request-ID": "rid-json"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "motus.access"]
    assert access, lines
    line = access[-1]
    assert line["service"] == "test" and line["instance"] == "test-9"
    assert line["request_id"] == "rid-json"
    assert line["level"] == "INFO"
    assert {"timestamp", "method", "path", "status", "duration_ms"} <= line.keys()


def test_security_headers_on_every_response(client):
    for path in ("/healthz", "/nope", "/api/test/boom"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_no_swagger_page_loading_a_cdn_but_the_schema_is_served(client):
    assert client.get("/docs").status_code == 404
    assert client.get("/openapi.json").status_code == 200


def _chunks(payload: bytes, size: int = 8192):
    for i in range(0, len(payload), size):
        yield payload[i : i + size]


@pytest.mark.parametrize("chunked", [False, True], ids=["with a length", "chunked"])
def test_an_oversized_body_is_413_in_the_shared_shape_however_it_is_sent(client, chunked):
    payload = json.dumps({"word": "a" * 100_000}).encode()
    headers = {"content-type": "application/json"}
    content = _chunks(payload) if chunked else payload
    resp = client.post("/api/test/echo", content=content, headers=headers)
    assert resp.status_code == 413
    # Byte for byte what every other error of the service looks like.
    assert resp.content == '{"code":"too_large","message":"La requête est trop volumineuse."}'.encode()
    assert resp.headers["x-motus-instance"] == "test-7"
    assert client.post("/api/test/echo", json={"small": 1}).json() == {"keys": 1}
