"""Static checks of the container setup: no docker engine needed.

docker-compose.yml, the Dockerfile, haproxy/haproxy.cfg and motus_stack/topology.py
each repeat the process names, ports and environment variables; these tests keep
them in step and run the linters the CI runs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from motus_stack import topology

REPO = Path(__file__).resolve().parents[3]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
HAPROXY_CFG = REPO / "haproxy" / "haproxy.cfg"
# Console scripts installed next to the interpreter running the tests (.venv/bin).
VENV_BIN = Path(sys.executable).parent

REPLICAS = [replica for svc in topology.SERVICES for replica in svc.replicas]
SERVICE_PORT = 8000


def _compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _services() -> dict[str, dict]:
    return _compose()["services"]


def _environment(service: dict) -> dict[str, str]:
    """A service's environment, whether written as a mapping or as KEY=VALUE items."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    # What compose substitutes from the host: "${NAME:-default}" is its default here.
    return {key: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value)) for key, value in env.items()}


def _published_host_ports(service: dict) -> set[int]:
    ports: set[int] = set()
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            ports.add(int(entry["published"]))
        else:
            # "[ip:]host:container[/proto]"; a bare "container" publishes a random port.
            parts = str(entry).split("/")[0].split(":")
            ports.add(int(parts[-2]) if len(parts) >= 2 else -1)
    return ports


def _haproxy_servers() -> dict[str, str]:
    """server name -> the environment variable holding its address."""
    pattern = re.compile(r'^\s*server\s+(\S+)\s+"\$\{(\w+)\}"', re.MULTILINE)
    return dict(pattern.findall(HAPROXY_CFG.read_text()))


def _haproxy_cfg_variables() -> set[str]:
    return set(re.findall(r"\$\{(\w+)(?:\[\*\])?\}", HAPROXY_CFG.read_text()))


def _run_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    tool = VENV_BIN / name
    assert tool.exists(), f"{tool} is missing: install the dev requirements in this venv"
    return subprocess.run([str(tool), *args], cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


def _haproxy_check(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_overrides}
    return subprocess.run(
        ["haproxy", "-c", "-f", str(HAPROXY_CFG)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


# --- linters ------------------------------------------------------------------------


def test_compose_file_validates_against_compose_spec() -> None:
    result = _run_tool("check-jsonschema", "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE))
    assert result.returncode == 0, f"compose spec validation failed:\n{result.stdout}\n{result.stderr}"


def test_dockerfile_passes_hadolint_without_findings() -> None:
    result = _run_tool("hadolint", "--no-color", str(DOCKERFILE))
    findings = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"hadolint failed:\n{findings}"
    assert not findings, f"hadolint findings:\n{findings}"


# --- names: compose, haproxy.cfg and topology.py agree -----------------------------------


# Loki, Alloy and Grafana run only under compose: no Debian package to run them locally.
COMPOSE_ONLY = {"loki", "alloy", "grafana"}


def test_compose_services_match_topology_process_names() -> None:
    assert sorted(_services()) == sorted([*topology.process_names(monitoring=True), *COMPOSE_ONLY]), (
        "docker-compose.yml services and motus_stack.topology.process_names(monitoring=True) differ"
    )


def test_haproxy_servers_are_compose_services() -> None:
    unknown = set(_haproxy_servers()) - set(_services())
    assert not unknown, f"haproxy.cfg servers with no compose service: {sorted(unknown)}"


def test_every_replica_is_a_haproxy_server() -> None:
    missing = set(REPLICAS) - set(_haproxy_servers())
    assert not missing, f"replicas missing from haproxy.cfg servers: {sorted(missing)}"


# --- haproxy environment ----------------------------------------------------------------


def test_haproxy_service_sets_every_cfg_variable() -> None:
    env = _environment(_services()["haproxy"])
    missing = _haproxy_cfg_variables() - set(env)
    assert not missing, f"haproxy.cfg reads variables the compose service does not set: {sorted(missing)}"


@pytest.mark.parametrize("replica", REPLICAS)
def test_haproxy_addr_variable_points_at_replica_service(replica: str) -> None:
    env = _environment(_services()["haproxy"])
    var = _haproxy_servers()[replica]
    assert var == topology.haproxy_addr_var(replica), f"server {replica} reads {var}"
    assert env.get(var) == f"{replica}:{SERVICE_PORT}", f"{var}={env.get(var)!r}, want {replica}:{SERVICE_PORT}"


# --- ports ----------------------------------------------------------------------------------


def test_of_the_platform_only_haproxy_publishes_ports() -> None:
    # Grafana and Prometheus publish theirs too (tests/unit/test_observability_static.py).
    platform = set(topology.process_names())
    publishing = sorted(name for name, svc in _services().items() if svc.get("ports") and name in platform)
    assert publishing == ["haproxy"], f"services publishing ports: {publishing}"


def test_haproxy_publishes_only_public_and_stats_ports() -> None:
    published = _published_host_ports(_services()["haproxy"])
    want = {topology.DEFAULT_PUBLIC_PORT, topology.DEFAULT_STATS_PORT}
    assert published == want, f"haproxy publishes {sorted(published)}, want {sorted(want)} (8081 stays internal)"


# --- replicas ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("svc", "replica"), [(svc, replica) for svc in topology.SERVICES for replica in svc.replicas], ids=REPLICAS
)
def test_replica_environment_names_itself_and_its_redis(svc: topology.ServiceKind, replica: str) -> None:
    env = _environment(_services()[replica])
    assert env.get(f"{svc.env_prefix}INSTANCE") == replica, f"{replica}: {svc.env_prefix}INSTANCE={env}"
    # Its service's ACL user, the password from .env (required), its own store.
    url = env.get(f"{svc.env_prefix}REDIS_URL", "")
    password = topology.REDIS_PASSWORD_NAMES[svc.redis]
    assert url.startswith(f"redis://{topology.redis_user(svc.redis)}:${{{password}:?"), url
    assert url.endswith(f"@{svc.redis}:6379/0"), url


@pytest.mark.parametrize("store", topology.REDIS_NAMES)
def test_each_store_and_its_replicas_share_a_network_no_other_store_is_on(store: str) -> None:
    services = _services()
    [svc] = [s for s in topology.SERVICES if s.redis == store]
    store_nets = set(services[store]["networks"])
    for replica in svc.replicas:
        assert store_nets <= set(services[replica]["networks"])
    for other in topology.SERVICES:
        if other is not svc:
            for replica in other.replicas:
                assert not store_nets & set(services[replica]["networks"]), f"{replica} can reach {store}"
    assert store_nets <= set(services["haproxy"]["networks"])


def test_compose_writes_the_same_store_users_as_the_local_launcher() -> None:
    script = _services()["redis-game"]["command"][-1]
    assert topology.EXPORTER_COMMANDS in script
    assert "user default on >" in script and "+@all" in script and "--aclfile" in script


@pytest.mark.parametrize(
    ("svc", "replica"), [(svc, replica) for svc in topology.SERVICES for replica in svc.replicas], ids=REPLICAS
)
def test_replica_command_runs_its_service_factory(svc: topology.ServiceKind, replica: str) -> None:
    command = _services()[replica]["command"]
    assert svc.factory in command, f"{replica} command does not run {svc.factory}: {command}"
    assert str(SERVICE_PORT) in command, f"{replica} command does not listen on {SERVICE_PORT}: {command}"


@pytest.mark.parametrize(
    ("svc", "replica"), [(svc, replica) for svc in topology.SERVICES for replica in svc.replicas], ids=REPLICAS
)
def test_replica_waits_for_its_redis_healthy(svc: topology.ServiceKind, replica: str) -> None:
    depends_on = _services()[replica].get("depends_on") or {}
    assert depends_on == {svc.redis: {"condition": "service_healthy"}}, f"{replica} depends_on: {depends_on}"


# --- haproxy config check ------------------------------------------------------------------

needs_haproxy = pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy binary not installed")
_UNRESOLVED = re.compile(r"\[WARNING\].*'server \w+/([\w-]+)' : could not resolve address '([\w-]+)'")


def _is_unresolved_replica(line: str) -> bool:
    """A warning that replica X's server can't resolve the name X (expected outside docker)."""
    match = _UNRESOLVED.search(line)
    return bool(match) and match.group(1) == match.group(2) and match.group(1) in REPLICAS


@needs_haproxy
def test_haproxy_config_is_clean_with_compose_binds_and_loopback_servers() -> None:
    # Replica names only resolve on the compose network: swap them for loopback
    # addresses so any remaining warning is a real config problem.
    env = _environment(_services()["haproxy"])
    env.update({topology.haproxy_addr_var(r): f"127.0.0.1:{SERVICE_PORT}" for r in REPLICAS})
    result = _haproxy_check(env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"haproxy -c failed:\n{output}"
    assert "[ALERT]" not in output, f"haproxy -c output:\n{output}"
    assert "[WARNING]" not in output, f"haproxy -c output:\n{output}"


@needs_haproxy
def test_haproxy_config_accepts_unresolvable_replica_names() -> None:
    # Exactly the compose environment: outside docker the replica names don't
    # resolve, and `init-addr ...,none` must turn that into a warning, not a failure.
    result = _haproxy_check(_environment(_services()["haproxy"]))
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"haproxy -c failed:\n{output}"
    assert "[ALERT]" not in output, f"haproxy -c output:\n{output}"
    other_warnings = [line for line in output.splitlines() if "[WARNING]" in line and not _is_unresolved_replica(line)]
    assert not other_warnings, "unexpected warnings:\n" + "\n".join(other_warnings)
