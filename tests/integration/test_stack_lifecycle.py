"""Starting and stopping whole stacks the way operators do, including the awkward ways."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from motus_stack import processes
from motus_stack.preflight import port_is_free
from motus_stack.processes import pid_alive
from motus_stack.stack import Stack
from tests.support.ports import free_base_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def _cli(state_dir, *args, env=None) -> list[str]:
    return [sys.executable, "-m", "motus_stack.cli", "--state-dir", str(state_dir), *args]


def test_orphans_of_a_dead_supervisor_are_stopped_and_up_works_again_at_once(tmp_path):
    stack = Stack(state_dir=tmp_path, base_port=free_base_port())
    stack.up(timeout=60)
    pids = [row.pid for row in stack.status()]
    try:
        supervisord = int((tmp_path / "supervisord.pid").read_text())
        os.kill(supervisord, signal.SIGKILL)
        wait_until(lambda: not pid_alive(supervisord), timeout=5, what="supervisord dead")
        assert all(pid_alive(pid) for pid in pids)  # orphans, still holding the ports

        assert stack.down() is True  # it found and stopped them
        assert not any(pid_alive(pid) for pid in pids)
        # The ports are free again at once, old connections in TIME_WAIT notwithstanding.
        assert all(port_is_free("127.0.0.1", port) for port in stack.topology.ports.by_name.values())
        stack.up(timeout=60)
        assert all(row.state == "RUNNING" for row in stack.status())
    finally:
        # Whatever failed above, leave no process behind for the next test or run.
        stack.down()
        processes.terminate([pid for pid in pids if pid and pid_alive(pid)], grace=5)


def test_ctrl_c_during_start_up_stops_what_was_started(tmp_path):
    proc = subprocess.Popen(
        _cli(tmp_path, "--base-port", str(free_base_port()), "up"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wait_until(lambda: (tmp_path / "supervisor.sock").exists(), timeout=20, what="supervisord started")
    proc.send_signal(signal.SIGINT)
    out = proc.communicate(timeout=60)[0]
    assert proc.returncode == 130, out
    assert "interrupted" in out
    assert not Stack(state_dir=tmp_path).supervisor.is_running()


def test_a_replica_that_cannot_start_fails_up_at_once_naming_the_variable(tmp_path):
    env = {**os.environ, "GAME_LOG_LEVEL": "LOUD"}
    started = time.monotonic()
    result = subprocess.run(
        _cli(tmp_path, "--base-port", str(free_base_port()), "up", "--detach", "--timeout", "120"),
        capture_output=True,
        text=True,
        timeout=150,
        env=env,
    )
    assert result.returncode == 1
    assert "exited during start-up" in result.stderr
    assert "GAME_LOG_LEVEL" in result.stderr
    assert time.monotonic() - started < 60  # did not sit out the 120 s timeout
    assert not Stack(state_dir=tmp_path).supervisor.is_running()
