import yaml

from motus_stack import prometheus_conf
from motus_stack.topology import PROMETHEUS_RULES_DIR, Ports, Topology


def _topology(tmp_path, interval: float = 10.0) -> Topology:
    return Topology(
        tmp_path, Ports.from_base(20000), python="/usr/bin/python3", monitoring=True, scrape_interval_seconds=interval
    )


def test_every_replica_exporter_and_haproxy_is_a_target_named_by_its_process(tmp_path):
    config = yaml.safe_load(prometheus_conf.render(_topology(tmp_path)))
    targets = {
        (job["job_name"], group["labels"]["instance"]): group["targets"]
        for job in config["scrape_configs"]
        for group in job["static_configs"]
    }
    assert targets[("game", "motus-2")] == ["127.0.0.1:20012"]
    assert targets[("haproxy", "haproxy")] == ["127.0.0.1:20002"]  # the stats frontend's exporter
    assert targets[("redis", "redis-auth-1")] == ["127.0.0.1:20026"]  # its exporter, named after the node
    assert targets[("redis", "redis-auth-2")] == ["127.0.0.1:20035"]
    assert targets[("prometheus", "prometheus")] == ["127.0.0.1:20003"]
    assert len(targets) == 14  # six replicas, HAProxy, six Redis nodes, Prometheus
    assert config["rule_files"] == [str(PROMETHEUS_RULES_DIR / "*.yml")]


def test_intervals_are_written_as_prometheus_durations(tmp_path):
    config = yaml.safe_load(prometheus_conf.render(_topology(tmp_path, interval=1)))
    assert config["global"] == {"scrape_interval": "1s", "evaluation_interval": "1s", "scrape_timeout": "800ms"}
    config = yaml.safe_load(prometheus_conf.render(_topology(tmp_path, interval=10)))
    assert config["global"]["scrape_timeout"] == "5s"
