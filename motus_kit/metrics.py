"""Prometheus metrics for one app, on its own registry."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, disable_created_metrics
from prometheus_fastapi_instrumentator import Instrumentator

# Buckets of http_request_duration_seconds{handler, method}, the histogram the
# dashboards take p50/p95/p99 by route from. The library's default (0.1, 0.5, 1) puts
# every request of this platform (1–5 ms, ~250 ms for a password hash) in the first
# bucket, where a quantile is a guess; these follow the measured range.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


def install_metrics(app: FastAPI) -> CollectorRegistry:
    # No `<name>_created` twin of every counter and histogram: it doubles the series
    # Prometheus stores and nothing here reads it. Process-wide, like the services.
    disable_created_metrics()
    # The instrumentator registers on the global registry and silently skips
    # duplicates, so a second app in one process (tests) would report nothing.
    registry = CollectorRegistry()
    Instrumentator(
        registry=registry,
        excluded_handlers=["/metrics", ".*/healthz", ".*/readyz"],
        should_ignore_untemplated=True,
    ).instrument(app, latency_lowr_buckets=LATENCY_BUCKETS).expose(app, endpoint="/metrics", include_in_schema=False)
    app.state.metrics_registry = registry
    return registry
