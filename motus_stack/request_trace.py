"""One request followed across HAProxy and every service: `motus-stack logs --request-id ID`.

The local counterpart of the Loki panel filtered by request_id. HAProxy gives each
request an X-Request-ID (or keeps the client's), every service logs it and passes it
on when it calls another service through HAProxy, so the same id is on HAProxy's
access line, the game's, HAProxy's internal line and the provider's.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# The rule HAProxy and the services apply to a client's id (motus_kit/middleware.py).
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Two rotated files are kept beside each log: by supervisord (stdout_logfile_backups=2),
# and by a replica that writes its own (motus_kit.logs.OwnLogFile).
_ROTATED = (".2", ".1", "")


@dataclass(frozen=True)
class Hit:
    process: str
    at: datetime | None
    line: str


def _when(record: dict) -> datetime | None:
    # Services write "timestamp" (python-json-logger), HAProxy "ts"; both ISO 8601 in UTC.
    raw = record.get("timestamp") or record.get("ts")
    if not isinstance(raw, str):
        return None
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _lines(path: Path):
    for suffix in _ROTATED:
        rotated = path.with_name(path.name + suffix)
        try:
            with rotated.open("rb") as fh:
                for raw in fh:
                    yield raw.decode("utf-8", "replace").rstrip("\n")
        except OSError:
            continue


def find(logs: dict[str, Path], request_id: str) -> list[Hit]:
    """Every JSON line whose request_id is exactly `request_id`, oldest first."""
    hits = []
    for process, path in logs.items():
        for line in _lines(path):
            if request_id not in line:  # cheap test first: the files can be large
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("request_id") == request_id:
                hits.append(Hit(process, _when(record), line))
    # Stable: lines without a time keep their place after the dated ones.
    return sorted(hits, key=lambda hit: (hit.at is None, hit.at or datetime.min.replace(tzinfo=UTC)))
