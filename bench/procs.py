"""What a process costs, read from /proc: CPU time, resident and proportional memory.

Shared by the benches (failover, monitoring, throughput)."""

from __future__ import annotations

import os
import re
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int | None) -> float:
    """utime + stime of a process and its reaped children (fields 14-17 of /proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / TICKS


def rss_mb(pid: int | None) -> float:
    """Resident set size: every page the process maps, shared libraries included."""
    return _kb(f"/proc/{pid}/status", "VmRSS") / 1024


def pss_mb(pid: int | None) -> float:
    """Proportional set size: private memory plus each shared page divided among the
    processes sharing it. Summed over the stack, a shared library counts once, not
    once per replica as in a sum of RSS."""
    return _kb(f"/proc/{pid}/smaps_rollup", "Pss") / 1024


def _kb(path: str, field: str) -> int:
    try:
        text = Path(path).read_text()
    except OSError:
        return 0
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def with_children(pid: int | None) -> list[int]:
    """The process and its descendants (HAProxy's master and its worker, say)."""
    if not pid:
        return []
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children = task.read_text().split()
        except OSError:
            continue
        for child in children:
            found.extend(with_children(int(child)))
    return found


def stack_memory(pids: dict[str, int | None]) -> dict[str, tuple[float, float]]:
    """name -> (RSS, PSS) in MB of each process with its children."""
    return {
        name: (sum(rss_mb(p) for p in with_children(pid)), sum(pss_mb(p) for p in with_children(pid)))
        for name, pid in pids.items()
    }
