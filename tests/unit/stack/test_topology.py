import configparser
import re
from pathlib import Path

import pytest

from motus_stack import supervisor_conf
from motus_stack.topology import HAPROXY_CFG, SECRET_NAMES, SERVICES, Ports, Topology, process_names


def _topology(base: int | None = 20000, state_dir: Path = Path("/tmp/motus-test")) -> Topology:
    return Topology(state_dir, Ports.from_base(base), python="/usr/bin/python3")


@pytest.mark.parametrize("base", [None, 20000, 40123])
def test_every_process_gets_its_own_port(base):
    ports = Ports.from_base(base).by_name
    assert len(set(ports.values())) == len(ports)
    assert {p.name for p in _topology(base).processes()} == set(process_names())


def test_default_ports_are_the_documented_ones():
    ports = Ports.from_base(None)
    assert (ports.public, ports.internal, ports.stats) == (8080, 8081, 8404)


@pytest.mark.parametrize("base", [0, 80, 1023, 65530])
def test_base_port_out_of_range_is_refused(base):
    with pytest.raises(ValueError, match="base port must be between"):
        Ports.from_base(base)


def test_haproxy_env_sets_every_variable_the_config_reads():
    # "${NAME}", or "${NAME[*]}" (a list, one word per item)
    wanted = set(re.findall(r'"\$\{([A-Z0-9_]+)(?:\[\*\])?\}"', HAPROXY_CFG.read_text()))
    assert wanted == set(_topology().haproxy_env())


def test_each_replica_is_told_its_name_and_its_own_redis():
    topo = _topology(20000)
    for svc in SERVICES:
        for replica in svc.replicas:
            env = topo.process(replica).env
            assert env[f"{svc.env_prefix}INSTANCE"] == replica
            # No node's address: the Sentinels say which node is the primary.
            sentinels = ",".join(f"127.0.0.1:{topo.ports.by_name[f'sentinel-{n}']}" for n in (1, 2, 3))
            assert env[f"{svc.env_prefix}REDIS_URL"] == f"redis+sentinel://{sentinels}/{svc.redis}/0"


def _rendered(tmp_path: Path) -> configparser.RawConfigParser:
    topo = _topology(20000, tmp_path)
    text = supervisor_conf.render(topo, {"haproxy": "/usr/sbin/haproxy", "redis-server": "/usr/bin/redis-server"})
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return parser


def test_supervisor_conf_has_one_program_per_process_started_in_dependency_order(tmp_path):
    conf = _rendered(tmp_path)
    programs = {s.removeprefix("program:"): conf[s] for s in conf.sections() if s.startswith("program:")}
    assert set(programs) == set(process_names())
    prio = {name: int(section["priority"]) for name, section in programs.items()}
    assert prio["redis-game-1"] == prio["redis-game-2"] < prio["sentinel-1"] < prio["motus-1"] < prio["haproxy"]
    assert programs["haproxy"]["command"].startswith('"/usr/sbin/haproxy" "-W" "-db"')  # master-worker: reloads
    assert programs["redis-auth-2"]["command"] == f'"/usr/bin/redis-server" "{tmp_path}/conf/redis-auth-2.conf"'
    assert programs["sentinel-3"]["command"].endswith('/conf/sentinel-3.conf" "--sentinel"')
    # Nothing restarts a killed process behind the operator's back.
    assert all(section["autorestart"] == "false" for section in programs.values())


def test_supervisor_conf_escapes_percent_and_quotes(tmp_path):
    assert supervisor_conf._quote('50% "x"') == '"50%% \\"x\\""'
    conf = _rendered(tmp_path)
    assert 'GAME_INSTANCE="motus-1"' in conf["program:motus-1"]["environment"]
    assert str(tmp_path / "supervisor.sock") == conf["unix_http_server"]["file"]


def test_monitoring_adds_prometheus_and_an_exporter_per_redis_node_on_ports_of_their_own():
    topo = Topology(Path("/tmp/motus-test"), Ports.from_base(20000), python="/usr/bin/python3", monitoring=True)
    names = [p.name for p in topo.processes()]
    assert names == process_names(monitoring=True)
    assert set(names) - set(process_names()) == {
        "prometheus",
        *(f"redis-{store}-{n}-exporter" for store in ("game", "score", "auth") for n in (1, 2)),
    }
    ports = [p.port for p in topo.processes()]
    assert len(ports) == len(set(ports))
    exporter = topo.process("redis-score-2-exporter")
    assert exporter.command[:3] == ("prometheus-redis-exporter", "-redis.addr", "redis://127.0.0.1:20028")
    assert "-web.listen-address" in exporter.command and "127.0.0.1:20034" in exporter.command
    prometheus = topo.process("prometheus")
    assert "--web.listen-address=127.0.0.1:20003" in prometheus.command
    assert f"--config.file={topo.prometheus_config_file}" in prometheus.command


def test_without_monitoring_the_default_ports_of_prometheus_stay_free_of_debian_s_own():
    # Installing Debian's packages starts system-wide ones on 9090 and 9121.
    ports = Ports.from_base(None).by_name
    assert ports["prometheus"] not in (9090, 9121) and 9121 not in ports.values()
    assert {p.name for p in _topology(None).processes()} == set(process_names())


def test_supervisor_starts_exporters_with_the_stores_and_prometheus_last(tmp_path):
    topo = Topology(tmp_path, Ports.from_base(20000), python="/usr/bin/python3", monitoring=True)
    text = supervisor_conf.render(topo, {"prometheus": "/usr/bin/prometheus"})
    conf = configparser.RawConfigParser()
    conf.read_string(text)
    prio = {s.removeprefix("program:"): int(conf[s]["priority"]) for s in conf.sections() if s.startswith("program:")}
    assert prio["redis-game-1"] < prio["redis-game-1-exporter"] < prio["motus-1"] < prio["haproxy"] < prio["prometheus"]
    assert conf["program:prometheus"]["command"].startswith('"/usr/bin/prometheus"')


def _with_secrets(tmp_path: Path) -> Topology:
    return Topology(
        tmp_path, Ports.from_base(20000), python="/usr/bin/python3", secrets={n: n.lower() for n in SECRET_NAMES}
    )


def test_the_second_node_of_a_store_follows_the_first_with_the_replication_user(tmp_path):
    topo = _with_secrets(tmp_path)
    first = topo.node_conf("redis-game-1", primary="redis-game-1").splitlines()
    second = topo.node_conf("redis-game-2", primary="redis-game-1").splitlines()
    assert "replicaof 127.0.0.1 20021" in second and not any(line.startswith("replicaof") for line in first)
    for conf in (first, second):
        assert "masteruser replica" in conf and "masterauth redis_replication_password" in conf
        assert f"aclfile {tmp_path}/acl/redis-game.acl" in conf
    assert "port 20027" in second and f"dir {tmp_path}/data/redis-game-2" in second
    # After a failover the roles are the other way round.
    assert "replicaof 127.0.0.1 20027" in topo.node_conf("redis-game-1", primary="redis-game-2").splitlines()


def test_every_sentinel_watches_the_three_stores_with_a_quorum_of_two(tmp_path):
    topo = _with_secrets(tmp_path)
    primaries = {"redis-game": "redis-game-2", "redis-score": "redis-score-1", "redis-auth": "redis-auth-1"}
    conf = topo.sentinel_conf("sentinel-2", primaries).splitlines()
    assert "port 20031" in conf and "requirepass redis_sentinel_password" in conf
    assert "sentinel monitor redis-game 127.0.0.1 20027 2" in conf
    assert "sentinel monitor redis-auth 127.0.0.1 20023 2" in conf
    assert conf.count("sentinel auth-user redis-score sentinel") == 1
    discovery = next(line for line in conf if line.startswith("user discovery"))
    # The services may ask where a primary is, and nothing else (no FAILOVER, no SET).
    assert "-@all" in discovery and "+sentinel|get-master-addr-by-name" in discovery
    assert "+sentinel|failover" not in discovery and "+sentinel|set" not in discovery
