"""Reading the processes' log files: the last lines, and following new ones."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path


def tail(path: Path, lines: int = 50) -> list[str]:
    try:
        with path.open("rb") as fh:
            end = fh.seek(0, os.SEEK_END)
            data, pos = b"", end
            # Read backwards in blocks until enough lines (or the whole file) are in.
            while pos > 0 and data.count(b"\n") <= lines:
                step = min(64 * 1024, pos)
                pos -= step
                fh.seek(pos)
                data = fh.read(step) + data
    except OSError:
        return []
    return data.decode("utf-8", "replace").splitlines()[-lines:]


def follow(
    paths: dict[str, Path], still_running: Callable[[], bool], from_start: bool = False, poll: float = 0.2
) -> Iterator[tuple[str, str]]:
    """Yield (name, line) as lines are appended to the files, until still_running() says no."""
    offsets = {name: 0 if from_start or not path.exists() else path.stat().st_size for name, path in paths.items()}
    partial: dict[str, bytes] = dict.fromkeys(paths, b"")
    next_check = time.monotonic() + 1.0
    while True:
        idle = True
        for name, path in paths.items():
            try:
                size = path.stat().st_size
            except OSError:
                continue
            if size < offsets[name]:  # rotated
                offsets[name] = 0
            if size == offsets[name]:
                continue
            with path.open("rb") as fh:
                fh.seek(offsets[name])
                chunk = fh.read(size - offsets[name])
            offsets[name] = size
            idle = False
            *complete, partial[name] = (partial[name] + chunk).split(b"\n")
            for raw in complete:
                yield name, raw.decode("utf-8", "replace")
        if idle:
            if time.monotonic() > next_check:
                if not still_running():
                    return
                next_check = time.monotonic() + 1.0
            time.sleep(poll)
