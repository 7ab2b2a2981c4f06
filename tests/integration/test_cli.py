"""The motus-stack command as an operator types it, against the session's private stack."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import httpx2
import pytest

from motus_stack.stack import Stack
from motus_stack.topology import process_names
from tests.support.players import Player
from tests.support.ports import free_base_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "motus_stack.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_status_lists_every_process_with_haproxy_view(healthy_stack):
    result = run_cli("--state-dir", str(healthy_stack.state_dir), "status")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for name in process_names():
        [line] = [line for line in lines if line.startswith(name + " ")]
        assert "RUNNING" in line
        if name[:-2] in ("motus", "score", "auth"):
            assert line.rstrip().endswith("UP"), line
    assert healthy_stack.topology.public_url in result.stdout


def test_status_json_reports_state_pid_port(healthy_stack):
    result = run_cli("--state-dir", str(healthy_stack.state_dir), "status", "--json")
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    # The session stack runs with --monitoring: Prometheus and the exporters are listed too.
    assert set(rows) == set(process_names(monitoring=True))
    assert rows["haproxy"]["port"] == healthy_stack.topology.ports.public
    assert all(isinstance(row["pid"], int) for row in rows.values())
    assert rows["score-2"]["haproxy"] == "UP"


def test_kill_then_status_shows_it_down_and_start_brings_it_back(healthy_stack):
    state = ["--state-dir", str(healthy_stack.state_dir)]
    assert run_cli(*state, "kill", "auth-2").returncode == 0
    down = {row["name"]: row for row in json.loads(run_cli(*state, "status", "--json").stdout)}
    assert down["auth-2"]["state"] == "EXITED" and down["auth-2"]["pid"] is None
    assert run_cli(*state, "start", "auth-2").returncode == 0
    up = {row["name"]: row for row in json.loads(run_cli(*state, "status", "--json").stdout)}
    assert up["auth-2"]["state"] == "RUNNING"


def test_logs_prints_a_process_log_prefixed_by_its_name(healthy_stack):
    result = run_cli("--state-dir", str(healthy_stack.state_dir), "logs", "motus-1", "-n", "3")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert 1 <= len(lines) <= 3
    assert all(line.startswith("motus-1 | ") for line in lines)


@pytest.mark.parametrize("command", ["stop", "start", "kill", "logs"])
def test_unknown_name_is_refused_with_the_known_names(healthy_stack, command):
    result = run_cli("--state-dir", str(healthy_stack.state_dir), command, "motus-9")
    assert result.returncode == 1
    assert "unknown name(s): motus-9" in result.stderr
    assert "redis-score" in result.stderr


def test_logs_request_id_follows_one_request_across_haproxy_and_two_services(healthy_stack):
    rid = f"trace-{uuid.uuid4().hex}"
    with Player(healthy_stack.topology.public_url) as player:
        # The game reads the statistics from the score service, through HAProxy's internal frontend.
        resp = player.client.get("/api/game/stats", headers={"X-Request-ID": rid})
        assert resp.status_code == 200, resp.text
    game = resp.headers["x-motus-instance"]

    def traced() -> list[tuple[str, dict]] | None:
        result = run_cli("--state-dir", str(healthy_stack.state_dir), "logs", "--request-id", rid)
        hits = [
            (line.split(" | ", 1)[0].strip(), json.loads(line.split(" | ", 1)[1]))
            for line in result.stdout.splitlines()
        ]
        names = {name for name, _ in hits}
        public = any(record.get("frontend") == "public" for _, record in hits)
        return hits if public and game in names and any(n.startswith("score-") for n in names) else None

    hits = wait_until(traced, timeout=5, what="the request's lines")
    assert all(record["request_id"] == rid for _, record in hits)
    frontends = {(record["frontend"], record["backend"]) for name, record in hits if name == "haproxy"}
    # The score service may also fetch the provider's keys for that request (a third service).
    assert (
        {("public", "game"), ("internal", "score")}
        <= frontends
        <= {
            ("public", "game"),
            ("internal", "score"),
            ("internal", "auth"),
        }
    )
    # Each service's access line (its peer client also logs the calls it makes).
    services = {name: record["path"] for name, record in hits if record.get("logger") == "motus.access"}
    assert services[game] == "/api/game/stats"
    assert next(path for name, path in services.items() if name.startswith("score-")).startswith("/api/score/players/")
    # In time order: HAProxy's public line (when the request arrived) comes first.
    assert hits[0][0] == "haproxy" and hits[0][1]["frontend"] == "public"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["logs"], "name at least one process, or give --request-id"),
        (["logs", "--request-id", "not an id"], "not a request id"),
        (["logs", "--request-id", "never-seen-0123"], "no log line carries request id never-seen-0123"),
    ],
)
def test_logs_refuses_what_it_cannot_show(healthy_stack, args, message):
    result = run_cli("--state-dir", str(healthy_stack.state_dir), *args)
    assert result.returncode == 1 and message in result.stderr, result.stderr


def test_monitoring_names_are_refused_by_a_stack_without_monitoring(tmp_path):
    state = tmp_path / "plain"
    state.mkdir()
    (state / "stack.json").write_text(json.dumps({"base_port": free_base_port(), "monitoring": False}))
    result = run_cli("--state-dir", str(state), "logs", "prometheus")
    assert result.returncode == 1
    assert "this stack runs without monitoring" in result.stderr and "up --monitoring" in result.stderr


def test_up_refuses_a_second_stack_in_the_same_state_dir(healthy_stack):
    result = run_cli("--state-dir", str(healthy_stack.state_dir), "up", "--detach")
    assert result.returncode == 1
    assert "already running" in result.stderr
    # ...and the running stack was left alone.
    assert all(row.state == "RUNNING" for row in healthy_stack.status())


def test_up_refuses_ports_in_use_and_names_them(healthy_stack, tmp_path):
    result = run_cli("--state-dir", str(tmp_path), "--base-port", str(healthy_stack.base_port), "up", "--detach")
    assert result.returncode == 1
    assert f"{healthy_stack.topology.ports.public} (public)" in result.stderr
    assert "--base-port" in result.stderr


def test_commands_without_a_running_stack_say_how_to_start_one(tmp_path):
    result = run_cli("--state-dir", str(tmp_path), "status")
    assert result.returncode == 1
    assert "motus-stack up" in result.stderr


def test_up_without_haproxy_or_redis_explains_how_to_install(tmp_path):
    # A PATH with only this Python's own directory: no haproxy, no redis-server.
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    result = run_cli("--state-dir", str(tmp_path / "s"), "up", "--detach", env=env)
    assert result.returncode == 1
    assert "haproxy and redis-server not found" in result.stderr
    assert "apt-get install -y haproxy redis-server" in result.stderr
    assert not (tmp_path / "s" / "supervisor.sock").exists()


def test_bad_base_port_is_refused(tmp_path):
    result = run_cli("--state-dir", str(tmp_path), "--base-port", "80", "status")
    assert result.returncode == 1
    assert "base port must be between" in result.stderr


def test_foreground_up_shows_prefixed_logs_and_ctrl_c_stops_everything(tmp_path):
    base = free_base_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "motus_stack.cli", "--state-dir", str(tmp_path), "--base-port", str(base), "up"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines: list[str] = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("ready: open"):
                break
        assert f"http://127.0.0.1:{base}/" in lines[-1]
        rid = "foreground-test"
        httpx2.get(f"http://127.0.0.1:{base}/api/score/", headers={"X-Request-ID": rid}, timeout=5)
        for line in proc.stdout:
            if rid in line and line.startswith("haproxy"):
                assert re.match(r"haproxy +\| \{", line)  # padded to the longest name
                break
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=60)[0]
        assert proc.returncode == 0
        assert rest.rstrip().endswith("stopped.")
        assert not Stack(state_dir=tmp_path).supervisor.is_running()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        # A failed assertion above must not leave the stack behind (supervisord runs on
        # its own, and pytest deletes the state directory that could stop it).
        Stack(state_dir=tmp_path).down()


def test_logs_n_gives_that_many_lines(healthy_stack):
    for _ in range(60):
        httpx2.get(healthy_stack.topology.public_url + "/healthz", timeout=5)
    result = run_cli("--state-dir", str(healthy_stack.state_dir), "logs", "haproxy", "-n", "50")
    assert len(result.stdout.splitlines()) == 50


def test_another_base_port_for_a_running_stack_is_refused(healthy_stack):
    result = run_cli("--state-dir", str(healthy_stack.state_dir), "--base-port", "24000", "status")
    assert result.returncode == 1
    assert f"runs with base port {healthy_stack.base_port}" in result.stderr
