"""scripts/bootstrap.sh's install decisions, against stub apt-get, apt-cache, id and sudo.

CI runs on a machine where everything is installed already, so it never sees the
install step of a fresh machine. Here the script runs with a PATH holding only stubs
and a few real tools, and the test reads which packages it asked apt for.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

BOOTSTRAP = Path(__file__).resolve().parents[3] / "scripts" / "bootstrap.sh"
REAL_TOOLS = ("dirname", "cat", "grep", "sha256sum", "cut", "rm", "touch", "true")
EVERYTHING = ("haproxy", "redis-server", "python3", "chromium", "prometheus", "promtool", "prometheus-redis-exporter")
CONTAINERS = ("dockerd", "debootstrap")
DEBIAN_POLICY = "chromium:\n  Installed: (none)\n  Candidate: 156.0.8078.108-1~deb12u1\n  Version table:\n"
UBUNTU_POLICY = "chromium:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n"


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


class Machine:
    """A directory of stubs standing for a machine's PATH."""

    def __init__(self, root: Path, present=EVERYTHING, uid: int = 0, sudo: bool = False, policy=DEBIAN_POLICY):
        self.bin = root / "bin"
        self.bin.mkdir()
        self.log = root / "calls.log"
        self.log.touch()
        for tool in REAL_TOOLS:
            (self.bin / tool).symlink_to(shutil.which(tool))
        for name in present:
            _script(self.bin / name, "exit 0\n")  # python3 -c "import ensurepip, venv" succeeds too
        _script(self.bin / "id", f'[ "$1" = -u ] && echo {uid}\n')
        _script(self.bin / "apt-get", f'echo "apt-get $*" >> {self.log}\n')
        # A long policy, as the real one is: a reader that stops at the first match
        # leaves the writer to die of SIGPIPE on the rest.
        (root / "policy.txt").write_text(policy + "     1.0 500\n" * 20000)
        _script(self.bin / "apt-cache", f'echo "apt-cache $*" >> {self.log}\nexec cat {root / "policy.txt"}\n')
        if sudo:
            # `sudo -n true` asks whether sudo works without a password: it does here.
            _script(self.bin / "sudo", f'echo "sudo $*" >> {self.log}\n[ "$1" = -n ] && shift\nexec "$@"\n')

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [shutil.which("bash"), str(BOOTSTRAP), *args, "--system-only"],
            env={"PATH": str(self.bin), "HOME": os.environ.get("HOME", "/tmp")},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def installed(self) -> list[str]:
        lines = [line for line in self.log.read_text().splitlines() if line.startswith("apt-get install")]
        return [word for line in lines for word in line.split()[2:] if not word.startswith("-")]


@pytest.mark.parametrize("attempt", range(5))
def test_debian_gets_chromium_every_time(tmp_path, attempt):
    machine = Machine(tmp_path, present=("haproxy", "redis-server", "python3", "prometheus", "promtool",
                                         "prometheus-redis-exporter"))  # fmt: skip
    result = machine.run("--test")
    assert result.returncode == 0, result.stderr
    assert machine.installed() == ["chromium"]


def test_ubuntu_without_a_chromium_candidate_gets_chromium_browser(tmp_path):
    machine = Machine(tmp_path, present=("haproxy", "redis-server", "python3"), policy=UBUNTU_POLICY)
    result = machine.run("--test")
    assert result.returncode == 0, result.stderr
    assert machine.installed() == ["chromium-browser", "prometheus", "prometheus-redis-exporter"]


def test_a_fresh_machine_gets_the_stack_and_python(tmp_path):
    machine = Machine(tmp_path, present=())
    result = machine.run()
    assert result.returncode == 0, result.stderr
    assert machine.installed() == ["haproxy", "redis-server", "python3", "python3-venv"]
    assert "apt-cache" not in machine.log.read_text()  # no browser asked for


def test_monitoring_asks_for_prometheus_and_the_exporter_only(tmp_path):
    machine = Machine(tmp_path, present=("haproxy", "redis-server", "python3", "chromium"))
    assert machine.run("--monitoring").returncode == 0
    assert machine.installed() == ["prometheus", "prometheus-redis-exporter"]


def test_upstream_redis_exporter_binary_counts_as_installed(tmp_path):
    machine = Machine(tmp_path, present=("haproxy", "redis-server", "python3", "prometheus", "promtool"))
    _script(machine.bin / "redis_exporter", "exit 0\n")
    assert machine.run("--monitoring").returncode == 0
    assert machine.installed() == []


def test_nothing_missing_means_no_apt_at_all(tmp_path):
    machine = Machine(tmp_path)
    result = machine.run("--test")
    assert result.returncode == 0, result.stderr
    assert machine.log.read_text() == ""


def test_not_root_uses_sudo(tmp_path):
    machine = Machine(tmp_path, present=("redis-server", "python3"), uid=1000, sudo=True)
    assert machine.run().returncode == 0
    assert "sudo apt-get install" in machine.log.read_text()
    assert machine.installed() == ["haproxy"]


def test_not_root_without_sudo_says_what_it_needs(tmp_path):
    machine = Machine(tmp_path, present=("redis-server", "python3"), uid=1000)
    result = machine.run()
    assert result.returncode == 1
    assert "need root or sudo to install: haproxy" in result.stderr
    assert machine.log.read_text() == ""


def test_bench_asks_for_wrk_only(tmp_path):
    machine = Machine(tmp_path)
    assert machine.run("--test", "--bench").returncode == 0
    assert machine.installed() == ["wrk"]


def test_an_unknown_option_is_refused(tmp_path):
    result = Machine(tmp_path).run("--tset")
    assert result.returncode == 2 and "unknown option --tset" in result.stderr


def test_compose_asks_for_the_engine_and_debootstrap(tmp_path):
    machine = Machine(tmp_path)
    result = machine.run("--test", "--compose")
    assert result.returncode == 0, result.stderr
    assert machine.installed() == ["docker.io", "debootstrap"]


def test_compose_with_both_present_asks_for_nothing(tmp_path):
    machine = Machine(tmp_path, present=(*EVERYTHING, *CONTAINERS))
    assert machine.run("--test", "--compose").returncode == 0
    assert machine.log.read_text() == ""


def test_make_test_installs_the_compose_tools_as_root(tmp_path):
    machine = Machine(tmp_path, present=(*EVERYTHING, "debootstrap"))
    result = machine.run("--test", "--compose-if-root")
    assert result.returncode == 0, result.stderr
    assert machine.installed() == ["docker.io"]


def test_make_test_installs_the_compose_tools_with_passwordless_sudo(tmp_path):
    machine = Machine(tmp_path, uid=1000, sudo=True)
    assert machine.run("--test", "--compose-if-root").returncode == 0
    assert "sudo apt-get install" in machine.log.read_text()
    assert machine.installed() == ["docker.io", "debootstrap"]


def test_make_test_without_root_skips_the_compose_tools_and_says_so(tmp_path):
    machine = Machine(tmp_path, uid=1000)
    result = machine.run("--test", "--compose-if-root")
    assert result.returncode == 0, result.stderr
    assert machine.log.read_text() == ""
    assert "the compose tests (tests/compose/) will be skipped" in result.stdout
