"""Bounded client loops against a stack, counting what failed."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx2

PATHS = ("/", "/api/score/", "/auth/")


@dataclass
class Tally:
    ok: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)
    instances: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, path: str, status: int | None, instance: str | None, error: str | None = None) -> None:
        with self.lock:
            if status == 200:
                self.ok += 1
                self.instances[instance] += 1
            else:
                self.failed += 1
                if len(self.failures) < 20:
                    self.failures.append(f"{path}: {status or error}")


class ClientLoops:
    """N cookie-keeping clients looping over the three services until stopped.

    Bounded twice: each client stops after `max_requests` or `max_seconds`, whichever
    comes first, so a test can never loop forever against a broken stack.
    """

    def __init__(self, base_url: str, clients: int = 6, max_requests: int = 5000, max_seconds: float = 60.0) -> None:
        self.base_url = base_url
        self.tally = Tally()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(max_requests, max_seconds), daemon=True) for _ in range(clients)
        ]

    def _run(self, max_requests: int, max_seconds: float) -> None:
        deadline = time.monotonic() + max_seconds
        with httpx2.Client(base_url=self.base_url, timeout=10) as client:
            for i in range(max_requests):
                if self._stop.is_set() or time.monotonic() > deadline:
                    return
                path = PATHS[i % len(PATHS)]
                try:
                    resp = client.get(path)
                    self.tally.record(path, resp.status_code, resp.headers.get("x-motus-instance"))
                except httpx2.HTTPError as exc:
                    self.tally.record(path, None, None, type(exc).__name__)
                time.sleep(0.005)

    def __enter__(self) -> ClientLoops:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=15)
