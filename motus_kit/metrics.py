"""Prometheus metrics for one app, on its own registry: the two request series every
dashboard reads, recorded by the request-context middleware (motus_kit/middleware.py)."""

from __future__ import annotations

import time

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_fastapi_instrumentator import Instrumentator

# Buckets of http_request_duration_seconds{handler, method}, the histogram the
# dashboards take p50/p95/p99 by route from. The library's default (0.1, 0.5, 1) puts
# every request of this platform (1–5 ms, ~250 ms for a password hash) in the first
# bucket, where a quantile is a guess; these follow the measured range.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
# Probes and scrapes are not the platform's traffic.
_NOT_COUNTED = ("/metrics", "/healthz", "/readyz")


class RequestMetrics:
    """`http_requests_total{handler,method,status}` (status as 2xx…5xx) and
    `http_request_duration_seconds{handler,method}`: the names and labels of
    prometheus-fastapi-instrumentator, which recorded them until its middleware was
    measured at a fifth of a replica's per-request cost (it matches every route again
    and builds a Request per call). The handler is the route the app already matched,
    so a path that matched no route (a scanner's) adds no series."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._requests = Counter(
            "http_requests_total",
            "Total number of requests by method, status and handler.",
            ["handler", "method", "status"],
            registry=registry,
        )
        self._latency = Histogram(
            "http_request_duration_seconds",
            "Latency with only few buckets by handler. Made to be only used if aggregation by handler is important.",
            ["handler", "method"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        # One lookup per request instead of the client's labels() (a lock and a tuple each).
        self._children: dict[tuple[str, str, int], tuple] = {}

    def record(self, scope: dict, status: int, started: float) -> None:
        route = scope.get("route")
        handler = getattr(route, "path", None)
        if handler is None or handler.endswith(_NOT_COUNTED):
            return
        method = scope.get("method", "")
        key = (handler, method, status // 100)
        children = self._children.get(key)
        if children is None:
            children = (
                self._requests.labels(handler, method, f"{status // 100}xx"),
                self._latency.labels(handler, method),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(time.perf_counter() - started)


def install_metrics(app: FastAPI) -> RequestMetrics:
    # No `<name>_created` twin of every counter and histogram: it doubles the series
    # Prometheus stores and nothing here reads it. Process-wide, like the services.
    disable_created_metrics()
    # Its own registry per app: a second app in one process (tests) counts its own.
    registry = CollectorRegistry()
    recorder = RequestMetrics(registry)
    # The library still serves /metrics (content negotiation, compression).
    Instrumentator(registry=registry).expose(app, endpoint="/metrics", include_in_schema=False)
    app.state.metrics_registry = registry
    return recorder
