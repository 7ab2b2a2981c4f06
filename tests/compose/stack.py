"""docker-compose.yml run for real, as a test's private project (tests/compose/)."""

from __future__ import annotations

import json
import secrets
import subprocess
import time
from pathlib import Path

from motus_stack.topology import MONITORING_NAMES, SECRET_NAMES, SENTINEL_NAMES, process_names
from tests.compose.engine import Engine, compose_command

REPO = Path(__file__).resolve().parents[2]
OVERRIDE = Path(__file__).parent / "compose.standins.yml"
# The platform itself (HAProxy, the six replicas, the six Redis nodes and the three
# Sentinels: the compose service names are the launcher's process names), and the
# monitoring Debian packages (Loki, Alloy and Grafana have no stand-in: see the
# README's Docker section).
PLATFORM = process_names(monitoring=False)
MONITORING = list(MONITORING_NAMES)
SENTINEL_PORT = 26379


class StaleEndpoint(AssertionError):
    """The engine keeps an endpoint in a network whose containers are all gone."""


class ComposeStack:
    def __init__(self, engine: Engine, work_dir: Path, http_port: int, stats_port: int, prometheus_port: int) -> None:
        self.project = f"motus-test-{secrets.token_hex(3)}"
        self.public_url = f"http://127.0.0.1:{http_port}"
        self.stats_url = f"http://127.0.0.1:{stats_port}"
        self.prometheus_url = f"http://127.0.0.1:{prometheus_port}"
        clients = json.loads((REPO / "motus_auth" / "clients.example.json").read_text())
        for client in clients["clients"]:
            client["redirect_uris"] = [f"{self.public_url}/login/callback"]
            client["post_logout_redirect_uris"] = [f"{self.public_url}/"]
        clients_file = work_dir / "clients.json"
        clients_file.write_text(json.dumps(clients))
        clients_file.chmod(0o644)  # read by the app user inside the containers
        self.env = {
            **engine.env,
            "MOTUS_TEST_HTTP_PORT": str(http_port),
            "MOTUS_TEST_STATS_PORT": str(stats_port),
            "MOTUS_TEST_PROMETHEUS_PORT": str(prometheus_port),
            "MOTUS_TEST_PUBLIC_URL": self.public_url,
            "MOTUS_TEST_CLIENTS_FILE": str(clients_file),
            # What a user puts in .env, fresh for every run.
            # The launcher's secrets (the services', the stores' users', the Sentinels'),
            # and Grafana's, which only compose has.
            **{name: secrets.token_urlsafe(32) for name in SECRET_NAMES},
            "GAME_SESSION_SECRET": secrets.token_urlsafe(48),
            "AUTH_SECRET_KEY": secrets.token_urlsafe(48),
            "GRAFANA_ADMIN_PASSWORD": secrets.token_urlsafe(16),
        }
        self._base = [*compose_command(), "-p", self.project, "-f", str(REPO / "docker-compose.yml"),
                      "-f", str(OVERRIDE), "--project-directory", str(REPO)]  # fmt: skip

    def compose(self, *args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [*self._base, *args], env=self.env, capture_output=True, text=True, timeout=timeout, cwd=REPO
        )
        if check and done.returncode != 0:
            output = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            raise AssertionError(f"docker compose {' '.join(args)} failed:\n{output}")
        return done

    def docker(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(["docker", *args], env=self.env, capture_output=True, text=True, timeout=timeout)

    def up(self, *services: str, timeout: float = 600) -> float:
        """`up --build --wait`: returns the seconds it took."""
        start = time.monotonic()
        services = services or (*PLATFORM, *MONITORING)
        self.compose("up", "--build", "--detach", "--wait", "--wait-timeout", "180", *services, timeout=timeout)
        return time.monotonic() - start

    def down(self, attempts: int = 6) -> None:
        """`down --volumes`. The engine sometimes refuses a network it has just emptied
        ("has active endpoints": moby/moby#42119, #43286); `down` is idempotent, so it is
        run again a few seconds later. An endpoint still stale after that is raised as
        StaleEndpoint: only a restart of the engine clears it."""
        for attempt in range(attempts):
            done = self.compose("down", "--volumes", "--remove-orphans", "--timeout", "20", timeout=180, check=False)
            if done.returncode == 0:
                return
            output = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            if "has active endpoints" not in output:
                raise AssertionError(f"docker compose down failed:\n{output}")
            time.sleep(2 + attempt)
        raise StaleEndpoint(f"docker compose down, {attempts} times: a network kept an endpoint:\n{output}")

    def only_stale_networks_left(self) -> bool:
        """True when all that is left of the project is networks with no container in
        them: the engine's stale endpoint, not something compose or the file left."""
        left = self.leftovers()
        if left["containers"] or left["volumes"] or not left["networks"]:
            return False
        for network in left["networks"]:
            inspected = self.docker("network", "inspect", "--format", "{{len .Containers}}", network)
            if inspected.returncode != 0 or inspected.stdout.strip() != "0":
                return False
        return True

    def ps(self) -> list[dict]:
        """One entry per container of the project (running or not), as `ps --format json` gives it."""
        out = self.compose("ps", "--all", "--format", "json").stdout.strip()
        if not out:
            return []
        if out.startswith("["):
            return json.loads(out)
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def state(self, service: str) -> dict:
        [entry] = [c for c in self.ps() if c["Service"] == service]
        return entry

    def container_id(self, service: str) -> str:
        return self.compose("ps", "--all", "-q", service).stdout.strip()

    # --- the stores, as Redis and Sentinel see them (redis-cli inside the containers) ---

    def redis_cli(self, service: str, *args: str, timeout: float = 20) -> list[str]:
        """A command through redis-cli in a node (as the store's own user, on the node's
        port) or a Sentinel (with the Sentinels' password): its reply, one line per item.
        The passwords are read from the container's environment, never passed along."""
        if service in SENTINEL_NAMES:
            login = f'REDISCLI_AUTH="$REDIS_SENTINEL_PASSWORD" exec redis-cli -p {SENTINEL_PORT} "$@"'
        else:
            login = 'REDISCLI_AUTH="$REDIS_PASSWORD" exec redis-cli -p "$REDIS_PORT" --user "$REDIS_USER" "$@"'
        done = self.compose("exec", "-T", service, "sh", "-c", login, "sh", *args, timeout=timeout, check=False)
        if done.returncode != 0:
            raise AssertionError(f"redis-cli {' '.join(args)} in {service}: {done.stdout[-500:]} {done.stderr[-500:]}")
        return done.stdout.splitlines()

    def primary(self, store: str, sentinel: str = SENTINEL_NAMES[0]) -> str:
        """The node a Sentinel names as the store's primary (SENTINEL get-master-addr-by-name)."""
        host, _port = self.redis_cli(sentinel, "sentinel", "get-master-addr-by-name", store)
        return host

    def role(self, node: str) -> list[str]:
        """ROLE: ["master", offset, replica, ...] or ["slave", primary, port, link state, offset]."""
        return self.redis_cli(node, "role")

    def sentinel_replicas(self, store: str, sentinel: str = SENTINEL_NAMES[0]) -> dict[str, str]:
        """SENTINEL REPLICAS: each replica's name (its node) -> its flags ("slave", "slave,s_down"...)."""
        lines = self.redis_cli(sentinel, "sentinel", "replicas", store)
        replicas, current = {}, {}
        for key, value in zip(lines[::2], lines[1::2], strict=True):
            if key == "name" and current:
                replicas[current["ip"]] = current["flags"]
                current = {}
            current[key] = value
        if current:
            replicas[current["ip"]] = current["flags"]
        return replicas

    def leftovers(self) -> dict[str, list[str]]:
        """What of this project is still in the engine: containers, volumes, networks."""
        label = f"label=com.docker.compose.project={self.project}"
        listings = {"containers": ("ps", "-a"), "volumes": ("volume", "ls"), "networks": ("network", "ls")}
        return {kind: self.docker(*cmd, "--filter", label, "-q").stdout.split() for kind, cmd in listings.items()}


def remove_earlier_projects(env: dict[str, str]) -> list[str]:
    """Projects of an earlier run that never reached its teardown (a killed run), by
    their `motus-test-` name: removed with their volumes and networks. The tests'
    own engine keeps its data root between runs and would restart their containers."""
    listed = subprocess.run(
        ["docker", "ps", "-a", "--filter", "label=com.docker.compose.project", "--format",
         '{{.Label "com.docker.compose.project"}}'],
        env=env, capture_output=True, text=True, timeout=60,
    ).stdout.split()  # fmt: skip
    projects = sorted({name for name in listed if name.startswith("motus-test-")})
    for project in projects:
        subprocess.run([*compose_command(), "-p", project, "down", "--volumes", "--timeout", "5"], env=env,
                       capture_output=True, timeout=180)  # fmt: skip
    # Networks (and volumes) a run could not remove because of a stale endpoint: the
    # engine has been restarted since, which cleared it.
    for kind in ("network", "volume"):
        names = subprocess.run(
            ["docker", kind, "ls", "--filter", "label=com.docker.compose.project", "--format",
             '{{.Name}} {{.Label "com.docker.compose.project"}}'],
            env=env, capture_output=True, text=True, timeout=60,
        ).stdout.splitlines()  # fmt: skip
        for line in names:
            name, _, project = line.partition(" ")
            if project.startswith("motus-test-"):
                subprocess.run(["docker", kind, "rm", name], env=env, capture_output=True, timeout=60)
                if project not in projects:
                    projects.append(project)
    return projects
