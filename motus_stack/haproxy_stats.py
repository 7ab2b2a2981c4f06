"""HAProxy's own view of its servers, read from the stats page in CSV."""

from __future__ import annotations

import csv
import io
import urllib.request


def server_states(stats_url: str, timeout: float = 2.0) -> dict[str, str]:
    """{server name: status} for every real server, e.g. {"motus-1": "UP", "score-2": "DOWN"}."""
    with urllib.request.urlopen(f"{stats_url}/stats;csv;norefresh", timeout=timeout) as resp:
        text = resp.read().decode()
    rows = csv.DictReader(io.StringIO(text.lstrip("# ")))
    # A server that only tracks another one (backend auth_credentials) is the same replica.
    return {
        row["svname"]: row["status"]
        for row in rows
        if row.get("svname") not in (None, "FRONTEND", "BACKEND") and not row.get("tracked")
    }
