"""What readiness reports besides the store's answer: whether this process is draining
(set on SIGTERM), and since when its store has been unreachable."""

from __future__ import annotations

import threading
import time


class Lifecycle:
    def __init__(self) -> None:
        # Set from a signal handler and read from the event loop: an Event is safe for both.
        self._draining = threading.Event()
        self._unreachable_since: float | None = None

    def begin_draining(self) -> None:
        self._draining.set()

    @property
    def draining(self) -> bool:
        return self._draining.is_set()

    def store_unreachable(self) -> float:
        """Seconds since readiness first found the store unreachable (0 the first time)."""
        now = time.monotonic()
        if self._unreachable_since is None:
            self._unreachable_since = now
        return now - self._unreachable_since

    def store_reachable(self) -> None:
        self._unreachable_since = None
