"""Shared by the integration and browser tests: a private stack of real processes
(haproxy, three redis-server, six uvicorn replicas) on free loopback ports, started
through the launcher exactly as an operator would."""

from __future__ import annotations

import pytest

from motus_stack.stack import Stack
from tests.support.ports import free_base_port


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Stack:
    state_dir = tmp_path_factory.mktemp("stack")
    # The whole suite logs in from 127.0.0.1 many times a minute; the HAProxy wall is
    # tested from another loopback address (test_accounts.py).
    # The OAuth tests drive the flow as the example public client.
    # The relay takes over a dead replica's deliveries after 3 s instead of 30, and
    # retries at least every second, so the delivery tests see it within seconds.
    # Prometheus and the Redis exporters run too (as with `up --monitoring`), scraping
    # and evaluating the rules every second so the monitoring test sees alerts quickly.
    stack = Stack(
        state_dir=state_dir,
        base_port=free_base_port(),
        credential_rate=300,
        example_public_client=True,
        outbox_claim_idle_seconds=3,
        relay_backoff_cap_seconds=1,
        monitoring=True,
        scrape_interval_seconds=1,
    )
    stack.up(timeout=60)
    yield stack
    stack.down()


@pytest.fixture
def healthy_stack(stack: Stack) -> Stack:
    """The session stack, every process running and every replica UP, before and after the test."""
    _restore(stack)
    yield stack
    _restore(stack)


def _restore(stack: Stack) -> None:
    stopped = [s.name for s in stack.status() if s.state != "RUNNING"]
    if stopped:
        stack.start(stopped)
    stack.wait_ready(timeout=30)
