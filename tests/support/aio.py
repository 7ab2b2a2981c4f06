"""Running a coroutine from a synchronous unit test."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run(coro):
    # In a thread of its own: the browser tests' Playwright keeps an event loop running
    # in the main thread for the whole session, where asyncio.run() would refuse.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
