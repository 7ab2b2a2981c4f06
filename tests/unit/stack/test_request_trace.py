import json

from motus_stack import request_trace


def _write(path, *records):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))


def test_lines_of_one_request_across_logs_in_time_order(tmp_path):
    _write(
        tmp_path / "haproxy.log",
        {"ts": "2026-11-29T10:00:00.100Z", "request_id": "abc", "frontend": "public"},
        {"ts": "2026-11-29T10:00:00.120Z", "request_id": "abc", "frontend": "internal"},
        "[WARNING]  (1) : Server game/motus-1 is DOWN abc",  # plain text mentioning it: not a line of it
        {"ts": "2026-11-29T10:00:00.130Z", "request_id": "abcd"},  # another id that contains it
    )
    _write(tmp_path / "auth-1.log", {"timestamp": "2026-11-29T10:00:00.125000+00:00", "request_id": "abc"})
    _write(tmp_path / "motus-1.log", {"timestamp": "2026-11-29T10:00:00.140000+00:00", "request_id": "abc"})
    # supervisord's rotated file is read too.
    _write(tmp_path / "motus-1.log.1", {"timestamp": "2026-11-29T10:00:00.090000+00:00", "request_id": "abc"})
    logs = {name: tmp_path / f"{name}.log" for name in ("haproxy", "auth-1", "motus-1", "score-1")}
    hits = request_trace.find(logs, "abc")
    assert [h.process for h in hits] == ["motus-1", "haproxy", "haproxy", "auth-1", "motus-1"]
    assert json.loads(hits[2].line)["frontend"] == "internal"


def test_no_line_no_hit(tmp_path):
    _write(tmp_path / "haproxy.log", "not json", {"request_id": "other"})
    assert request_trace.find({"haproxy": tmp_path / "haproxy.log", "x": tmp_path / "missing.log"}, "abc") == []


def test_request_ids_follow_the_services_rule():
    assert request_trace.REQUEST_ID.match("9f0c-AB_1.2:3")
    assert not request_trace.REQUEST_ID.match("a b") and not request_trace.REQUEST_ID.match("x" * 129)
