"""Static checks of the monitoring configuration: Prometheus (with promtool), the
dashboards, Grafana's provisioning, Loki, Alloy and their compose services.

Prometheus and its rules also run for real in tests/integration/test_monitoring.py;
Loki, Alloy and Grafana have no Debian package and cannot run on this machine, so
what can be checked about them without running them is checked here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from dashboards.__main__ import BUILDERS, OUT_DIR, rendered
from motus_stack import prometheus_conf, topology
from motus_stack.topology import Ports, Topology
from tests.support import observability

REPO = Path(__file__).resolve().parents[3]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
ALLOY = (REPO / "alloy" / "config.alloy").read_text()
LOKI = yaml.safe_load((REPO / "loki" / "loki.yaml").read_text())
# The only labels Loki's index gets (alloy/config.alloy): small, closed sets.
LOKI_LABELS = {"service", "instance", "level", "container"}
# One Redis exporter per node (redis-game-1-exporter...), as the local launcher runs them.
MONITORING = ("prometheus", "loki", "alloy", "grafana", *topology.EXPORTERS)
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool (Debian's prometheus package) is not installed")


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PROMTOOL, *args], cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


def _local_topology(tmp_path: Path) -> Topology:
    return Topology(tmp_path, Ports.from_base(20000), python="/usr/bin/python3", monitoring=True)


# --- dashboards ------------------------------------------------------------------------


def test_committed_dashboards_are_what_the_generator_produces():
    committed = {path.name: path.read_text() for path in OUT_DIR.glob("*.json")}
    assert set(committed) == set(BUILDERS), "run `python -m dashboards`"
    for name, text in rendered().items():
        assert committed[name] == text, f"{name} differs from its generator: run `python -m dashboards`"


def test_every_panel_uses_a_provisioned_datasource_of_the_right_type():
    provisioned = observability.datasource_uids()
    kinds = {"motus-prometheus": "prometheus", "motus-loki": "loki"}
    assert provisioned == kinds
    for target in observability.targets():
        assert target.datasource_uid in provisioned, target
        assert target.expr.strip(), f"empty query in {target.dashboard}: {target.panel}"
    for name, model in observability.dashboards().items():
        for panel in model["panels"]:
            if panel["type"] != "row":
                assert panel["datasource"]["uid"] in provisioned, (name, panel["title"])
                assert {t["datasource"]["uid"] for t in panel["targets"]} == {panel["datasource"]["uid"]}


def test_dashboards_have_unique_uids_ids_and_the_sections_the_operators_need():
    models = observability.dashboards()
    uids = [model["uid"] for model in models.values()]
    assert len(uids) == len(set(uids)) == 5
    titles = {model["uid"]: {p["title"] for p in model["panels"]} for model in models.values()}
    for model in models.values():
        ids = [p["id"] for p in model["panels"]]
        assert len(ids) == len(set(ids))
    assert {"HAProxy: server state", "Share of traffic per replica", "Retries and redispatches", "Redis up",
            "p99 latency", "5xx ratio, by replica"} <= titles["motus-platform"]  # fmt: skip
    assert {"Tries by result", "Tries distribution today", "Players today", "Win rate today"} <= titles["motus-game"]
    assert {"Outbox backlog", "Oldest undelivered result", "Delivery lag"} <= titles["motus-delivery"]
    assert {"Logins by outcome", "Tokens issued by grant", "Reuse detected"} <= titles["motus-accounts"]
    assert {"Error lines per service", "HAProxy: servers going DOWN and UP"} <= titles["motus-logs"]
    variables = {v["name"] for v in models["motus-logs.json"]["templating"]["list"]}
    assert "request_id" in variables


def test_loki_queries_select_only_indexed_labels_and_filter_request_ids_after_the_selector():
    loki_targets = [t for t in observability.targets() if t.datasource_uid == "motus-loki"]
    assert loki_targets
    for target in loki_targets:
        assert target.expr.count("{") == target.expr.count("}"), target.expr
        for selector in re.findall(r"\{([^{}]*)\}", target.expr):
            names = set(re.findall(r"([a-z_]+)\s*(?:=~|!~|!=|=)", selector))
            assert names and names <= LOKI_LABELS, f"{target.panel}: selector on {names - LOKI_LABELS}"
    [one_request] = [t for t in loki_targets if "request_id" in t.expr]
    assert re.search(r'\}\s*\|\s*request_id\s*=\s*"\$request_id"', one_request.expr)


# --- Prometheus ----------------------------------------------------------------------


@needs_promtool
def test_compose_prometheus_config_is_valid():
    # promtool resolves rule_files: point the compose path at the repository's rules.
    result = _promtool("check", "config", "--syntax-only", "prometheus/prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_generated_local_prometheus_config_is_valid(tmp_path):
    path = tmp_path / "prometheus.yml"
    path.write_text(prometheus_conf.render(_local_topology(tmp_path)))
    result = _promtool("check", "config", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 2 rule files found" in result.stdout + result.stderr


@needs_promtool
def test_rule_files_are_valid():
    result = _promtool("check", "rules", *sorted(str(p) for p in (REPO / "prometheus" / "rules").glob("*.yml")))
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_alert_rules_pass_their_promtool_unit_tests():
    result = _promtool("test", "rules", "prometheus/tests/motus-alerts.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_tested_and_has_a_severity_a_summary_and_a_runbook():
    tests = (REPO / "prometheus" / "tests" / "motus-alerts.test.yml").read_text()
    for rule in observability.alert_rules():
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["runbook"], rule["alert"]
        assert "\n" not in rule["annotations"]["runbook"], f"{rule['alert']}: the runbook is one line"
        assert observability.alert_signal(rule["expr"]), f"{rule['alert']}: not `<signal> <op> <threshold>`"
        # Each alert is expected to fire somewhere in the promtool tests.
        assert re.search(rf"alertname: {rule['alert']}\n\s+exp_alerts:\n\s+- exp_labels", tests), rule["alert"]


def test_the_issue_s_alerts_all_exist():
    names = {rule["alert"] for rule in observability.alert_rules()}
    assert {
        "MotusReplicaDown",
        "MotusBackendWithoutRedundancy",
        "MotusBackendDown",
        "MotusOutboxStuck",
        "MotusHighErrorRatio",
        "MotusHighLatency",
        "MotusLoginFailureSpike",
        "MotusRedisDown",
    } <= names


def _jobs(config: dict) -> dict[str, set[str]]:
    return {
        job["job_name"]: {group["labels"]["instance"] for group in job["static_configs"]}
        for job in config["scrape_configs"]
    }


def test_local_and_compose_prometheus_have_the_same_jobs_and_instances(tmp_path):
    compose = yaml.safe_load((REPO / "prometheus" / "prometheus.yml").read_text())
    local = yaml.safe_load(prometheus_conf.render(_local_topology(tmp_path)))
    assert _jobs(local) == _jobs(compose)
    # The same rule files: compose mounts prometheus/rules at /etc/prometheus/rules.
    assert [Path(p).name for p in compose["rule_files"]] == [Path(p).name for p in local["rule_files"]] == ["*.yml"]
    assert "./prometheus/rules:/etc/prometheus/rules:ro" in SERVICES["prometheus"]["volumes"]


def test_compose_prometheus_scrapes_each_compose_service_on_its_port():
    compose = yaml.safe_load((REPO / "prometheus" / "prometheus.yml").read_text())
    for job in compose["scrape_configs"]:
        for group in job["static_configs"]:
            [target] = group["targets"]
            host = target.split(":")[0]
            assert host == "localhost" or host in SERVICES, target


def test_compose_prometheus_scrapes_each_redis_node_through_its_own_exporter():
    compose = yaml.safe_load((REPO / "prometheus" / "prometheus.yml").read_text())
    [redis] = [job for job in compose["scrape_configs"] if job["job_name"] == "redis"]
    targets = {group["labels"]["instance"]: group["targets"] for group in redis["static_configs"]}
    # `instance` is the node (redis-game-1...), whichever is the primary at the time.
    assert targets == {node: [f"{exporter}:9121"] for exporter, node in topology.EXPORTERS.items()}


# --- compose -----------------------------------------------------------------------------


def test_monitoring_services_use_exactly_pinned_images():
    for name in MONITORING:
        image = SERVICES[name]["image"]
        assert re.fullmatch(r"[a-z0-9_./-]+:v?\d+\.\d+\.\d+", image), f"{name}: {image} is not an exact tag"


def _published(service: dict) -> list[str]:
    return [str(p) for p in service.get("ports") or []]


def test_only_grafana_and_a_loopback_prometheus_are_newly_published():
    published = {name: _published(svc) for name, svc in SERVICES.items() if svc.get("ports")}
    assert published == {
        "haproxy": ["8080:8080", "127.0.0.1:8404:8404"],
        "grafana": ["3000:3000"],
        "prometheus": ["127.0.0.1:9090:9090"],
    }


def test_grafana_refuses_to_start_without_an_admin_password_and_keeps_its_data():
    env = SERVICES["grafana"]["environment"]
    assert re.fullmatch(r"\$\{GRAFANA_ADMIN_PASSWORD:\?.+\}", env["GF_SECURITY_ADMIN_PASSWORD"])
    assert "grafana-data:/var/lib/grafana" in SERVICES["grafana"]["volumes"]
    assert "grafana-data" in COMPOSE["volumes"]
    home = env["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (REPO / "grafana" / "dashboards" / Path(home).name).exists()


def test_every_mounted_config_file_exists():
    for name in MONITORING:
        for volume in SERVICES[name].get("volumes") or []:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (REPO / source).exists(), f"{name} mounts {source}, which is missing"


def test_only_alloy_reads_the_docker_socket_and_only_read_only():
    for name, service in SERVICES.items():
        for volume in service.get("volumes") or []:
            if "docker.sock" in volume:
                assert name == "alloy" and volume.endswith(":ro"), (name, volume)
    assert any("docker.sock" in v for v in SERVICES["alloy"]["volumes"])


def test_grafana_datasources_point_at_the_compose_services():
    config = yaml.safe_load(observability.DATASOURCES_FILE.read_text())
    urls = {ds["uid"]: ds["url"] for ds in config["datasources"]}
    assert urls == {"motus-prometheus": "http://prometheus:9090", "motus-loki": "http://loki:3100"}
    assert set(SERVICES["grafana"]["networks"]) & set(SERVICES["prometheus"]["networks"])
    assert set(SERVICES["grafana"]["networks"]) & set(SERVICES["loki"]["networks"])
    provider = yaml.safe_load((REPO / "grafana" / "provisioning" / "dashboards" / "motus.yaml").read_text())
    [files] = provider["providers"]
    assert f"./grafana/dashboards:{files['options']['path']}:ro" in SERVICES["grafana"]["volumes"]


def test_every_platform_container_is_labelled_for_alloy():
    expected = {"haproxy": "haproxy", **dict.fromkeys(topology.REDIS_NODES, "redis")}
    # The Sentinels' lines say when a primary went down and which replica took over.
    expected |= dict.fromkeys(topology.SENTINEL_NAMES, "sentinel")
    replicas = ("motus-1", "motus-2", "score-1", "score-2", "auth-1", "auth-2")
    expected |= {name: name.split("-")[0].replace("motus", "game") for name in replicas}
    for name, service in expected.items():
        assert SERVICES[name]["labels"]["motus.service"] == service, name
    # The monitoring containers' own logs stay out of Loki.
    assert all("labels" not in SERVICES[name] for name in MONITORING)


# --- Loki and Alloy ----------------------------------------------------------------------


def test_loki_is_single_binary_on_the_filesystem_with_schema_v13_and_structured_metadata():
    [schema] = LOKI["schema_config"]["configs"]
    assert (schema["schema"], schema["store"], schema["object_store"]) == ("v13", "tsdb", "filesystem")
    assert LOKI["common"]["replication_factor"] == 1 and "filesystem" in LOKI["common"]["storage"]
    assert LOKI["limits_config"]["allow_structured_metadata"] is True
    # Loki 3 refuses to start with retention on and no store for delete requests.
    assert LOKI["compactor"]["retention_enabled"] is True and LOKI["compactor"]["delete_request_store"]
    assert "-config.file=/etc/loki/loki.yaml" in SERVICES["loki"]["command"]


def _alloy_blocks() -> dict[str, str]:
    """ "component.name label" -> its body, for the top-level blocks of config.alloy."""
    code = re.sub(r"^\s*//[^\n]*", "", ALLOY, flags=re.MULTILINE)
    assert code.count("{") == code.count("}"), "unbalanced braces in alloy/config.alloy"
    blocks, depth, start, head = {}, 0, 0, ""
    for i, char in enumerate(code):
        if char == "{":
            if depth == 0:
                head = code[start:i].strip()
                body_start = i + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks[head] = code[body_start:i]
                start = i + 1
    return blocks


def test_alloy_pipeline_components_are_defined_and_wired_to_loki():
    blocks = _alloy_blocks()
    names = {re.sub(r'\s+"([^"]+)"', r".\1", head) for head in blocks}
    assert names == {"discovery.docker.motus", "discovery.relabel.motus", "loki.source.docker.motus",
                     "loki.process.motus", "loki.write.loki"}  # fmt: skip
    # Every reference to another component names one that exists.
    for reference in re.findall(r"= \[?((?:discovery|loki)\.[a-z.]+)\.(?:targets|rules|receiver)", ALLOY):
        assert reference in names, reference
    assert 'url = "http://loki:3100/loki/api/v1/push"' in blocks['loki.write "loki"']
    assert LOKI["server"]["http_listen_port"] == 3100
    assert blocks['discovery.docker "motus"'].count('host             = "unix:///var/run/docker.sock"') == 1


def test_alloy_labels_are_low_cardinality_and_request_id_is_structured_metadata():
    targets = set(re.findall(r'target_label\s*=\s*"([^"]+)"', ALLOY))
    process = _alloy_blocks()['loki.process "motus"']
    labels = re.search(r"stage\.labels\s*\{\s*values\s*=\s*\{([^}]*)\}", process).group(1)
    label_names = set(re.findall(r"(\w+)\s*=", labels))
    assert targets | label_names <= LOKI_LABELS
    assert "request_id" not in targets | label_names
    metadata = re.search(r"stage\.structured_metadata\s*\{\s*values\s*=\s*\{([^}]*)\}", process).group(1)
    assert set(re.findall(r"(\w+)\s*=", metadata)) == {"request_id"}
    # Healthy probe lines are dropped; failing ones (4xx/5xx) are kept.
    expression = re.search(r'expression\s*=\s*"(\^\.\*/\(healthz[^"]+)"', process).group(1)
    probe = re.compile(expression.replace("\\\\", "\\"))
    assert probe.match("/api/game/readyz;200") and probe.match("/metrics;200")
    assert not probe.match("/readyz;503") and not probe.match("/api/game/guess;200")
