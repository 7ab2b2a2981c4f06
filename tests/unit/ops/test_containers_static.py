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


SENTINEL_PORT = 26379
SENTINELS = ",".join(f"{name}:{SENTINEL_PORT}" for name in topology.SENTINEL_NAMES)


@pytest.mark.parametrize(
    ("svc", "replica"), [(svc, replica) for svc in topology.SERVICES for replica in svc.replicas], ids=REPLICAS
)
def test_replica_environment_names_itself_and_finds_its_store_through_the_sentinels(
    svc: topology.ServiceKind, replica: str
) -> None:
    env = _environment(_services()[replica])
    assert env.get(f"{svc.env_prefix}INSTANCE") == replica, f"{replica}: {svc.env_prefix}INSTANCE={env}"
    # Its service's ACL user, the password from .env (required), the three Sentinels,
    # and the name they watch its own store under: the URL motus_kit/redis_store.py reads.
    url = env.get(f"{svc.env_prefix}REDIS_URL", "")
    password = topology.REDIS_PASSWORD_NAMES[svc.redis]
    assert url.startswith(f"redis+sentinel://{topology.redis_user(svc.redis)}:${{{password}:?"), url
    assert url.endswith(f"}}@{SENTINELS}/{svc.redis}/0"), url
    # The Sentinels' `discovery` user (where is the primary: nothing else).
    sentinel_password = env.get(f"{svc.env_prefix}REDIS_SENTINEL_PASSWORD", "")
    assert sentinel_password.startswith(f"${{{topology.REDIS_DISCOVERY_PASSWORD}:?"), sentinel_password


def _networks(service: str) -> set[str]:
    return set(_services()[service]["networks"])


@pytest.mark.parametrize("store", topology.REDIS_NAMES)
def test_each_store_and_its_replicas_share_a_network_no_other_store_is_on(store: str) -> None:
    [svc] = [s for s in topology.SERVICES if s.redis == store]
    nodes = topology.store_nodes(store)
    # Both nodes of a store on one network, and only that one.
    [store_net] = {frozenset(_networks(node)) for node in nodes}
    assert len(store_net) == 1, store_net
    for replica in svc.replicas:
        assert store_net <= _networks(replica)
    for other in topology.SERVICES:
        if other is not svc:
            for replica in other.replicas:
                assert not store_net & _networks(replica), f"{replica} can reach {store}"
            for node in topology.store_nodes(other.redis):
                assert not store_net & _networks(node), f"{node} can reach {store}"
    assert store_net <= _networks("haproxy")


def test_the_sentinels_reach_every_store_and_every_replica_reaches_them() -> None:
    store_nets = set().union(*(_networks(node) for node in topology.REDIS_NODES))
    for sentinel in topology.SENTINEL_NAMES:
        # On the stores' networks and nothing else: nothing published, no way out.
        assert _networks(sentinel) == store_nets, sentinel
        assert not _services()[sentinel].get("ports")
    for replica in REPLICAS:
        assert len(_networks(replica) & store_nets) == 1, replica


def _script(service: str) -> str:
    """A service's `sh -c` script as the shell receives it ($$ is compose's escaped $)."""
    command = _services()[service]["command"]
    assert command[:2] == ["sh", "-c"], command
    assert not re.search(r"(?<!\$)\$\{", command[2].replace("$$", "")), "compose would interpolate it"
    return command[2].replace("$$", "$")


def _run_script(service: str, env: dict[str, str], paths: dict[str, Path]) -> list[str]:
    """Runs a Redis container's start script here, with its paths moved to `paths`
    and `exec redis-server` replaced by printing the command line it would run."""
    script = _script(service).replace("exec redis-server", "exec echo redis-server")
    for inside, outside in paths.items():
        script = script.replace(inside, str(outside))
    done = subprocess.run(["sh", "-c", script], env={"PATH": os.environ["PATH"], **env}, capture_output=True,
                          text=True, timeout=30, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def _node_env(node: str, **secrets: str) -> dict[str, str]:
    """A node's environment from compose, with the .env values it names."""
    env = {}
    for key, value in _environment(_services()[node]).items():
        name = re.fullmatch(r"\$\{(\w+):\?[^}]*\}", value)
        env[key] = secrets[name.group(1)] if name else value
    return env


SECRETS = {name: f"secret-of-{name.lower()}" for name in topology.SECRET_NAMES}


@pytest.mark.parametrize("node", topology.REDIS_NODES)
def test_compose_writes_the_same_store_users_as_the_local_launcher(node: str, tmp_path: Path) -> None:
    store = topology.NODE_STORE[node]
    paths = {"/tmp/users.acl": tmp_path / "users.acl", "/data/": tmp_path / "data-",
             "/usr/local/etc/redis/redis.conf": topology.REDIS_CONF_DIR / f"{store}.conf"}  # fmt: skip
    command = _run_script(node, _node_env(node, **SECRETS), paths)
    assert command == ["redis-server", f"{tmp_path}/data-redis.conf", "--aclfile", f"{tmp_path}/users.acl"]
    written = (tmp_path / "users.acl").read_text().splitlines()
    launcher = topology.redis_acl(
        topology.redis_user(store),
        SECRETS[topology.REDIS_PASSWORD_NAMES[store]],
        SECRETS[topology.REDIS_EXPORTER_PASSWORD],
        SECRETS[topology.REDIS_REPLICATION_PASSWORD],
        SECRETS[topology.REDIS_SENTINEL_PASSWORD],
    ).splitlines()
    # Line for line, but for `default`'s random password (nobody is given it).
    assert re.fullmatch(r"user default on >\S{40,} ~\* &\* \+@all", written[0]), written[0]
    assert re.sub(r">\S+", ">", written[0]) == re.sub(r">\S+", ">", launcher[0])
    assert written[1:] == launcher[1:]


def _node_port(node: str) -> int:
    return int(_environment(_services()[node])["REDIS_PORT"])


@pytest.mark.parametrize("node", topology.REDIS_NODES)
def test_a_node_s_configuration_is_written_once_from_the_store_s_and_says_whom_it_follows(
    node: str, tmp_path: Path
) -> None:
    store = topology.NODE_STORE[node]
    first, _second = topology.store_nodes(store)
    committed = topology.REDIS_CONF_DIR / f"{store}.conf"
    paths = {"/tmp/users.acl": tmp_path / "users.acl", "/data/": tmp_path / "data-",
             "/usr/local/etc/redis/redis.conf": committed}  # fmt: skip
    _run_script(node, _node_env(node, **SECRETS), paths)
    conf = (tmp_path / "data-redis.conf").read_text()
    assert conf.startswith(committed.read_text())
    added = conf.removeprefix(committed.read_text()).splitlines()
    assert added[1:] == [
        "dir /data",
        f"port {_node_port(node)}",
        "masteruser replica",
        f"masterauth {SECRETS[topology.REDIS_REPLICATION_PASSWORD]}",
        # Its compose name, which the Sentinels and the services resolve.
        f"replica-announce-ip {node}",
        # A new store starts with -1 as its primary, as the local launcher does.
        *([] if node == first else [f"replicaof {first} {_node_port(first)}"]),
    ]
    # Once written, Redis owns the file (CONFIG REWRITE on a role change): a restart,
    # even with other values in .env, leaves it as it is.
    (tmp_path / "data-redis.conf").write_text(conf + "replicaof elsewhere 6379\n")
    _run_script(node, _node_env(node, **{name: "changed" for name in SECRETS}), paths)
    assert (tmp_path / "data-redis.conf").read_text() == conf + "replicaof elsewhere 6379\n"


@pytest.mark.parametrize("store", topology.REDIS_NAMES)
def test_a_store_s_two_nodes_listen_on_ports_of_their_own_and_their_exporters_know_them(store: str) -> None:
    # Never one node taken for the other at an address the Sentinels kept (see the
    # comment on x-redis-node in docker-compose.yml).
    ports = [_node_port(node) for node in topology.store_nodes(store)]
    assert len(set(ports)) == 2, ports
    for node, port in zip(topology.store_nodes(store), ports, strict=True):
        env = _environment(_services()[f"{node}-exporter"])
        assert env["REDIS_ADDR"] == f"redis://{node}:{port}"
        assert _networks(f"{node}-exporter") == _networks(node) | {"metrics"}


@pytest.mark.parametrize("sentinel", topology.SENTINEL_NAMES)
def test_a_sentinel_s_configuration_has_the_launcher_s_settings_by_name_and_is_written_once(
    sentinel: str, tmp_path: Path
) -> None:
    env = _node_env(sentinel, **SECRETS)
    command = _run_script(sentinel, env, {"/data/": tmp_path / "data-"})
    assert command == ["redis-server", f"{tmp_path}/data-sentinel.conf", "--sentinel"]
    conf = (tmp_path / "data-sentinel.conf").read_text()
    lines = [line for line in conf.splitlines() if not line.startswith("#")]
    assert lines[:8] == [
        f"port {SENTINEL_PORT}",
        "dir /data",
        'logfile ""',
        # Names, never addresses (which change when a container restarts); before the
        # `monitor` lines, which name the nodes.
        "sentinel resolve-hostnames yes",
        "sentinel announce-hostnames yes",
        f"sentinel announce-ip {sentinel}",
        f"requirepass {SECRETS[topology.REDIS_SENTINEL_PASSWORD]}",
        f"user discovery on >{SECRETS[topology.REDIS_DISCOVERY_PASSWORD]} {topology.DISCOVERY_COMMANDS}",
    ]
    # The same monitors as the local launcher's, with the compose names and ports of
    # each store's first node.
    monitors = []
    for store in topology.REDIS_NAMES:
        first = topology.store_nodes(store)[0]
        monitors += topology.sentinel_monitor_lines(store, first, _node_port(first), SECRETS)
    assert lines[8:] == monitors
    # Sentinel rewrites the file as it learns (a failover above all): kept on restart.
    (tmp_path / "data-sentinel.conf").write_text(conf + "sentinel current-epoch 7\n")
    _run_script(sentinel, _node_env(sentinel, **{name: "changed" for name in SECRETS}), {"/data/": tmp_path / "data-"})
    assert (tmp_path / "data-sentinel.conf").read_text() == conf + "sentinel current-epoch 7\n"


def test_each_node_and_sentinel_keeps_its_data_and_configuration_in_a_volume_of_its_own() -> None:
    compose = _compose()
    for name in (*topology.REDIS_NODES, *topology.SENTINEL_NAMES):
        volumes = [v for v in _services()[name]["volumes"] if v.endswith(":/data")]
        assert volumes == [f"{name}-data:/data"], (name, volumes)
        assert f"{name}-data" in compose["volumes"]
    # No volume left from the one-node stores.
    assert not {f"{store}-data" for store in topology.REDIS_NAMES} & set(compose["volumes"])


def test_whatever_looks_up_a_redis_node_by_name_is_told_at_once_when_it_is_gone() -> None:
    # See x-fast-dns in docker-compose.yml: a lookup of a stopped node must not hang.
    talkers = [*REPLICAS, *topology.REDIS_NODES, *topology.SENTINEL_NAMES, *topology.EXPORTERS]
    for name in talkers:
        service = _services()[name]
        assert service.get("dns_opt") == ["ndots:1"] and service.get("dns_search") == ".", name


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
def test_replica_waits_for_its_store_and_the_sentinels_healthy(svc: topology.ServiceKind, replica: str) -> None:
    depends_on = _services()[replica].get("depends_on") or {}
    healthy = {"condition": "service_healthy"}
    want = dict.fromkeys([*topology.store_nodes(svc.redis), *topology.SENTINEL_NAMES], healthy)
    assert depends_on == want, f"{replica} depends_on: {depends_on}"


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
