"""JSON logs on stdout, one object per line, with the request id of the current request."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.orjson import OrjsonFormatter

# Set by the request middleware for the duration of one request; "-" outside requests.
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def json_formatter(service: str, instance: str) -> OrjsonFormatter:
    # orjson: the same JSON lines as the standard library's encoder, in a fraction of
    # the time (a line per request is written on the request's path).
    return OrjsonFormatter(
        "{levelname}{name}{message}{request_id}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger"},
        static_fields={"service": service, "instance": instance},
        timestamp=True,
        # uvicorn adds an ANSI-coloured copy of each message: noise in a JSON line.
        reserved_attrs=[*RESERVED_ATTRS, "color_message"],
    )


def configure_logging(service: str, instance: str, level: str = "INFO") -> None:
    """Route every logger, uvicorn's included, to one JSON handler on stdout.

    Logging is process-wide: the last service configured in a process names the
    lines, which is exact in production (one service per process).
    """
    # What no line of ours carries, not computed for every line: the caller's file and
    # line (a walk up the stack), the thread, the process (the Python logging docs'
    # "Optimization" advice; a line is written for every request).
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(json_formatter(service, instance))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
