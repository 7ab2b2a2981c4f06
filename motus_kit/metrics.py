"""Prometheus metrics for one app, on its own registry."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, disable_created_metrics
from prometheus_fastapi_instrumentator import Instrumentator, metrics

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
    instrumentator = Instrumentator(
        registry=registry,
        excluded_handlers=["/metrics", ".*/healthz", ".*/readyz"],
        should_ignore_untemplated=True,
    )
    # Only the two series the dashboards and alerts read, not the library's default
    # five (request and response sizes, a second latency histogram): each is work on
    # every request.
    instrumentator.add(
        metrics.requests(registry=registry),
        metrics.latency(should_include_status=False, buckets=LATENCY_BUCKETS, registry=registry),
    )
    instrumentator.instrument(app).expose(app, endpoint="/metrics", include_in_schema=False)
    app.state.metrics_registry = registry
    return registry
