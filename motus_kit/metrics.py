"""Prometheus metrics for one app, on its own registry."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from prometheus_fastapi_instrumentator import Instrumentator


def install_metrics(app: FastAPI) -> CollectorRegistry:
    # The instrumentator registers on the global registry and silently skips
    # duplicates, so a second app in one process (tests) would report nothing.
    registry = CollectorRegistry()
    Instrumentator(
        registry=registry,
        excluded_handlers=["/metrics", ".*/healthz", ".*/readyz"],
        should_ignore_untemplated=True,
    ).instrument(app).expose(app, endpoint="/metrics", include_in_schema=False)
    app.state.metrics_registry = registry
    return registry
