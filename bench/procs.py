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
