"""What the dashboards and the rules ask Prometheus and Loki, read from the committed files.

The files are the truth Grafana and Prometheus load, so the tests read them rather
than the code that generates them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DASHBOARD_DIR = REPO / "grafana" / "dashboards"
DATASOURCES_FILE = REPO / "grafana" / "provisioning" / "datasources" / "motus.yaml"
RULES_DIR = REPO / "prometheus" / "rules"
ALERTS_FILE = RULES_DIR / "motus-alerts.yml"

# Grafana's own variables, as a test would see them over a run of a few minutes.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "15m"}
# `<signal> <comparison> <threshold>`: the one shape alert expressions take here.
_ALERT_SHAPE = re.compile(r"^(?P<signal>.+?)\s*(?P<op>==|!=|>=|<=|>|<)\s*(?P<threshold>-?[0-9.]+(e-?[0-9]+)?)$", re.S)


@dataclass(frozen=True)
class Target:
    dashboard: str
    panel: str
    datasource_uid: str
    expr: str

    def for_prometheus(self) -> str:
        expr = self.expr
        for name, value in GRAFANA_VARIABLES.items():
            expr = expr.replace(name, value)
        return expr


def dashboards() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARD_DIR.glob("*.json"))}


def _panels(model: dict):
    for panel in model.get("panels", []):
        yield panel
        yield from panel.get("panels", [])  # panels inside a collapsed row


def targets() -> list[Target]:
    found = []
    for name, model in dashboards().items():
        for panel in _panels(model):
            for target in panel.get("targets", []):
                uid = (target.get("datasource") or panel.get("datasource") or {}).get("uid", "")
                found.append(Target(name, panel.get("title", ""), uid, target.get("expr", "")))
    return found


def datasource_uids() -> dict[str, str]:
    """uid -> type, as provisioned."""
    config = yaml.safe_load(DATASOURCES_FILE.read_text())
    return {ds["uid"]: ds["type"] for ds in config["datasources"]}


def rule_groups() -> list[dict]:
    groups = []
    for path in sorted(RULES_DIR.glob("*.yml")):
        groups.extend(yaml.safe_load(path.read_text())["groups"])
    return groups


def alert_rules() -> list[dict]:
    return [rule for group in rule_groups() for rule in group["rules"] if "alert" in rule]


def recording_rules() -> list[dict]:
    return [rule for group in rule_groups() for rule in group["rules"] if "record" in rule]


def alert_signal(expr: str) -> str | None:
    """The part of an alert expression before its threshold, or None if it has another shape."""
    match = _ALERT_SHAPE.match(expr.strip())
    return match.group("signal").strip() if match else None
