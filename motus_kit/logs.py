"""JSON logs on stdout, one object per line, with the request id of the current request."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from contextvars import ContextVar
from pathlib import Path
from typing import TextIO

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


class OwnLogFile(logging.handlers.RotatingFileHandler):
    """The process's log file, written by the process itself.

    Under `motus-stack`, supervisord used to relay each line a replica wrote, in
    Python: a fifth of a core at 4,400 guesses a second through HAProxy (README,
    "Speed"). The replica now appends to the same file itself, rotated as supervisord
    rotated it (by size, `backups` older files `.1`, `.2`), and points its stdout and
    stderr at the file, so that a traceback printed outside logging lands there too.
    Whether to rotate is decided on the characters written so far: the standard
    handler's own test formats every line a second time and stats the file."""

    def __init__(self, path: Path, max_bytes: int = 20 * 1024 * 1024, backups: int = 2) -> None:
        self._size = 0
        super().__init__(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")

    def _open(self) -> TextIO:
        stream = super()._open()
        self._size = stream.tell()
        for fd in (1, 2):
            os.dup2(stream.fileno(), fd)
        return stream

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        return self._size >= self.maxBytes

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        self._size += len(line) + 1
        return line


def configure_logging(service: str, instance: str, level: str = "INFO", log_file: Path | None = None) -> None:
    """Route every logger, uvicorn's included, to one JSON handler: on stdout, or in
    `log_file` written by the process itself (`OwnLogFile`, the local launcher's way).

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
    handler = OwnLogFile(log_file) if log_file else logging.StreamHandler(sys.stdout)
    handler.setFormatter(json_formatter(service, instance))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
