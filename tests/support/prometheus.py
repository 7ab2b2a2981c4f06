"""A few calls to a real Prometheus's HTTP API, for the monitoring tests."""

from __future__ import annotations

import httpx2


class PrometheusError(AssertionError):
    pass


class Prometheus:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def _get(self, path: str, **params) -> dict:
        resp = httpx2.post(f"{self.base_url}/api/v1/{path}", data=params, timeout=10)
        body = resp.json()
        if resp.status_code != 200 or body.get("status") != "success":
            raise PrometheusError(f"{path} {params}: {resp.status_code} {body.get('errorType')}: {body.get('error')}")
        if body.get("warnings"):
            raise PrometheusError(f"{path} {params}: warnings {body['warnings']}")
        return body["data"]

    def query(self, expr: str) -> list[dict]:
        return self._get("query", query=expr)["result"]

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[dict]:
        return self._get("query_range", query=expr, start=start, end=end, step=step)["result"]

    def value(self, expr: str) -> float | None:
        """The single value of an instant query that returns one series, or None."""
        result = self.query(expr)
        return float(result[0]["value"][1]) if len(result) == 1 else None

    def firing(self, alertname: str, **labels: str) -> list[dict]:
        alerts = httpx2.get(f"{self.base_url}/api/v1/alerts", timeout=10).json()["data"]["alerts"]
        return [
            alert
            for alert in alerts
            if alert["labels"].get("alertname") == alertname
            and alert["state"] == "firing"
            and all(alert["labels"].get(key) == value for key, value in labels.items())
        ]
