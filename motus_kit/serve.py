"""Runs one service replica under uvicorn with a graceful, HAProxy-aware shutdown.

    python -m motus_kit.serve motus.app:create_app --host 127.0.0.1 --port 8101

On SIGTERM the replica first reports not-ready for `drain_seconds` (HAProxy's checks
take it out of rotation meanwhile), then uvicorn stops accepting connections and
lets in-flight requests finish. A second signal stops at once.
"""

from __future__ import annotations

import argparse
import gc
import logging
import threading
from types import FrameType

import uvicorn
from uvicorn.importer import import_from_string

from motus_kit.wire import CoalescingHttpToolsProtocol

log = logging.getLogger("motus.serve")


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, lifecycle, drain_seconds: float) -> None:
        super().__init__(config)
        self.lifecycle = lifecycle
        self.drain_seconds = drain_seconds

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.lifecycle.draining:
            # A second signal means now: do not wait for in-flight requests either.
            self.force_exit = True
            super().handle_exit(sig, frame)
            return
        if self.drain_seconds <= 0:
            self.lifecycle.begin_draining()
            super().handle_exit(sig, frame)
            return
        self.lifecycle.begin_draining()
        log.info("draining before shutdown", extra={"signal": sig, "drain_seconds": self.drain_seconds})
        timer = threading.Timer(self.drain_seconds, super().handle_exit, args=(sig, frame))
        timer.daemon = True
        timer.start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m motus_kit.serve")
    parser.add_argument("factory", help="app factory, e.g. motus.app:create_app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)

    app = import_from_string(args.factory)()
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        # Our JSON logging is configured by the app factory; uvicorn must not replace it.
        log_config=None,
        access_log=False,
        # HAProxy sets X-Forwarded-For. Replicas listen only where HAProxy reaches them
        # (loopback locally, the private compose network), so every peer is the proxy.
        proxy_headers=True,
        forwarded_allow_ips="*",
        timeout_graceful_shutdown=10,
        # Longer than HAProxy keeps an idle server connection for reuse, so HAProxy is
        # never handed a connection uvicorn is closing at that very moment.
        timeout_keep_alive=75,
        # httptools' C parser and uvloop's event loop: measured against h11 and asyncio's
        # loop in bench/throughput.py. The protocol keeps the one-write responses.
        http=CoalescingHttpToolsProtocol,
        loop="uvloop",
        server_header=False,
        lifespan="on",
    )
    # Everything imported and built so far lives as long as the process: out of the
    # garbage collector's reach, full collections stay short under load (no pauses
    # that show in the p99).
    gc.collect()
    gc.freeze()
    DrainingServer(config, app.state.lifecycle, app.state.settings.drain_seconds).run()


if __name__ == "__main__":
    main()
