"""Whether this process is draining: set on SIGTERM, read by readiness."""

from __future__ import annotations

import threading


class Lifecycle:
    def __init__(self) -> None:
        # Set from a signal handler and read from the event loop: an Event is safe for both.
        self._draining = threading.Event()

    def begin_draining(self) -> None:
        self._draining.set()

    @property
    def draining(self) -> bool:
        return self._draining.is_set()
