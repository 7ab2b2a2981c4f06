"""What watching the platform costs: CPU of an idle local stack with and without
Prometheus scraping it (`make bench`).

Starts a private stack with `--monitoring` at the compose scrape interval (10 s),
leaves it idle, and reads every process's CPU time from /proc over a window; then
stops Prometheus and the exporters and measures the same window again. The
difference is what scraping costs: Prometheus, the exporters, and each replica and
HAProxy answering /metrics. Nothing is asserted.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from motus_stack.stack import Stack
from motus_stack.topology import MONITORING_NAMES
from tests.support.ports import free_base_port

WINDOW_SECONDS = 60.0
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its reaped children (fields 14-17 of /proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / TICKS


def _measure(stack: Stack, names: list[str]) -> dict[str, float]:
    pids = {name: stack.pid(name) for name in names}
    before = {name: _cpu_seconds(pid) for name, pid in pids.items() if pid}
    time.sleep(WINDOW_SECONDS)
    return {name: _cpu_seconds(pids[name]) - start for name, start in before.items()}


def _percent(seconds: float) -> str:
    return f"{100 * seconds / WINDOW_SECONDS:5.2f} %"


def main() -> None:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="motus-bench-") as state:
        stack = Stack(state_dir=Path(state), base_port=free_base_port(), monitoring=True, scrape_interval_seconds=10)
        stack.up(timeout=90)
        try:
            everything = stack.topology.process_names()
            time.sleep(12)  # past start-up and the first scrapes
            watched = _measure(stack, everything)
            stack.stop(list(MONITORING_NAMES))
            platform = [name for name in everything if name not in MONITORING_NAMES]
            time.sleep(2)
            unwatched = _measure(stack, platform)
        finally:
            stack.down()

    monitors = sum(watched[name] for name in MONITORING_NAMES if name in watched)
    answered = sum(watched[name] for name in platform) - sum(unwatched.values())
    total = monitors + answered
    print(f"\nScraping an idle local stack every 10 s, {WINDOW_SECONDS:.0f} s windows, {cores} cores")
    print(f"{'process':<22} {'with monitoring':>16} {'without':>10}   (CPU, % of one core)")
    for name in everything:
        without = _percent(unwatched[name]) if name in unwatched else "-"
        print(f"{name:<22} {_percent(watched.get(name, 0.0)):>16} {without:>10}")
    print(f"\nPrometheus and the exporters:            {_percent(monitors)} of one core")
    print(f"the platform answering /metrics (diff.):  {_percent(answered)} of one core")
    print(f"scraping in all:                          {_percent(total)} of one core, "
          f"{100 * total / WINDOW_SECONDS / cores:.2f} % of the machine")  # fmt: skip


if __name__ == "__main__":
    main()
