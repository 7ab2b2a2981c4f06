"""What watching the platform costs: CPU and memory of the monitoring on an idle
local stack (`make bench`).

Starts a private stack with `--monitoring` at the compose scrape interval (10 s) and
leaves it idle. Prometheus's and the exporters' own CPU is read from /proc over a
window. What the scraped processes spend answering is too small to see against their
idle noise, so it is measured per scrape instead: each target's /metrics fetched a
hundred times, its CPU time read before and after, then multiplied by the scrape
rate. Nothing is asserted.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import httpx2

from bench.procs import cpu_seconds, rss_mb
from motus_stack import prometheus_conf
from motus_stack.stack import Stack
from motus_stack.topology import MONITORING_NAMES
from tests.support.ports import free_base_port

WINDOW_SECONDS = 60.0


def _measure(stack: Stack, names: list[str]) -> dict[str, float]:
    pids = {name: stack.pid(name) for name in names}
    before = {name: cpu_seconds(pid) for name, pid in pids.items() if pid}
    time.sleep(WINDOW_SECONDS)
    return {name: cpu_seconds(pids[name]) - start for name, start in before.items()}


def _percent(seconds: float) -> str:
    return f"{100 * seconds / WINDOW_SECONDS:5.2f} %"


def _cost_per_scrape(stack: Stack, name: str, url: str, rounds: int = 100) -> float:
    """CPU seconds `name` spends answering one scrape of `url`."""
    pid = stack.pid(name)
    with httpx2.Client(timeout=5) as client:
        client.get(url)
        before = cpu_seconds(pid)
        for _ in range(rounds):
            client.get(url)
        return (cpu_seconds(pid) - before) / rounds


def main() -> None:
    cores = os.cpu_count() or 1
    interval = 10.0
    with tempfile.TemporaryDirectory(prefix="motus-bench-") as state:
        stack = Stack(
            state_dir=Path(state), base_port=free_base_port(), monitoring=True, scrape_interval_seconds=interval
        )
        stack.up(timeout=90)
        try:
            time.sleep(12)  # past start-up and the first scrapes
            monitors = _measure(stack, list(MONITORING_NAMES))
            memory = {name: rss_mb(stack.pid(name)) for name in MONITORING_NAMES}
            targets = prometheus_conf.scrape_jobs(stack.topology)
            per_scrape = {}
            for job, instances in targets.items():
                for instance, address in instances.items():
                    # The process that answers: the replica itself, HAProxy, or the store's exporter.
                    name = f"{instance}-exporter" if job == "redis" else instance
                    per_scrape[name] = _cost_per_scrape(stack, name, f"http://{address}/metrics")
        finally:
            stack.down()

    answered = sum(cost / interval for name, cost in per_scrape.items() if name not in MONITORING_NAMES)
    own = sum(monitors.values())
    total = own + answered * WINDOW_SECONDS
    print(f"\nScraping an idle local stack every {interval:.0f} s ({cores} cores)")
    print(f"{'target':<22} {'CPU per scrape':>15}")
    for name, cost in per_scrape.items():
        print(f"{name:<22} {cost * 1000:>12.2f} ms")
    print(f"\nPrometheus and the exporters, idle {WINDOW_SECONDS:.0f} s: {_percent(own)} of one core")
    print(f"replicas and HAProxy answering /metrics:   {100 * answered:5.2f} % of one core")
    print(f"scraping in all:                           {_percent(total)} of one core, "
          f"{100 * total / WINDOW_SECONDS / cores:.2f} % of the machine")  # fmt: skip
    print("memory (RSS): " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in memory.items())
          + f"; {sum(memory.values()):.0f} MB in all")  # fmt: skip


if __name__ == "__main__":
    main()
