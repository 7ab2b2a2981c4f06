import configparser
import re
from pathlib import Path

import pytest

from motus_stack import supervisor_conf
from motus_stack.topology import HAPROXY_CFG, SERVICES, Ports, Topology, process_names


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
            assert env[f"{svc.env_prefix}REDIS_URL"] == f"redis://127.0.0.1:{topo.ports.by_name[svc.redis]}/0"


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
    assert prio["redis-game"] < prio["motus-1"] < prio["haproxy"]
    assert programs["haproxy"]["command"].startswith('"/usr/sbin/haproxy" "-W" "-db"')  # master-worker: reloads
    assert programs["redis-auth"]["command"].startswith('"/usr/bin/redis-server"')
    # Nothing restarts a killed process behind the operator's back.
    assert all(section["autorestart"] == "false" for section in programs.values())


def test_supervisor_conf_escapes_percent_and_quotes(tmp_path):
    assert supervisor_conf._quote('50% "x"') == '"50%% \\"x\\""'
    conf = _rendered(tmp_path)
    assert 'GAME_INSTANCE="motus-1"' in conf["program:motus-1"]["environment"]
    assert str(tmp_path / "supervisor.sock") == conf["unix_http_server"]["file"]


def test_monitoring_adds_prometheus_and_an_exporter_per_store_on_ports_of_their_own():
    topo = Topology(Path("/tmp/motus-test"), Ports.from_base(20000), python="/usr/bin/python3", monitoring=True)
    names = [p.name for p in topo.processes()]
    assert names == process_names(monitoring=True)
    assert set(names) - set(process_names()) == {
        "prometheus",
        "redis-game-exporter",
        "redis-score-exporter",
        "redis-auth-exporter",
    }
    ports = [p.port for p in topo.processes()]
    assert len(ports) == len(set(ports))
    exporter = topo.process("redis-score-exporter")
    assert exporter.command[:3] == ("prometheus-redis-exporter", "-redis.addr", "redis://127.0.0.1:20022")
    assert "-web.listen-address" in exporter.command and "127.0.0.1:20025" in exporter.command
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
    assert prio["redis-game"] < prio["redis-game-exporter"] < prio["motus-1"] < prio["haproxy"] < prio["prometheus"]
    assert conf["program:prometheus"]["command"].startswith('"/usr/bin/prometheus"')
