"""Checks made before starting a stack: the system programs it runs and free ports."""

from __future__ import annotations

import shutil
import socket

INSTALL_HINT = (
    "On Debian or Ubuntu: sudo apt-get install -y haproxy redis-server\n"
    "(or run `make up`, which installs what is missing and starts the stack)."
)
MONITORING_HINT = (
    "On Debian or Ubuntu: sudo apt-get install -y prometheus prometheus-redis-exporter\n"
    "(or run `make up-monitoring`, which installs what is missing and starts the stack with them)."
)
# Debian names the exporter prometheus-redis-exporter; upstream's binary is redis_exporter.
_ALTERNATIVES = {"prometheus-redis-exporter": ("prometheus-redis-exporter", "redis_exporter")}


class PreflightError(RuntimeError):
    """A reason the stack cannot start, worded for the person who ran the command."""


def _which(name: str) -> str | None:
    for candidate in _ALTERNATIVES.get(name, (name,)):
        path = shutil.which(candidate)
        if path:
            return path
    return None


def find_programs(monitoring: bool = False) -> dict[str, str]:
    found = {name: _which(name) for name in ("haproxy", "redis-server")}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise PreflightError(f"{' and '.join(missing)} not found on PATH.\n{INSTALL_HINT}")
    if monitoring:
        extra = {name: _which(name) for name in ("prometheus", "prometheus-redis-exporter")}
        missing = [name for name, path in extra.items() if path is None]
        if missing:
            raise PreflightError(
                f"{' and '.join(missing)} not found on PATH (needed by --monitoring).\n{MONITORING_HINT}"
            )
        found.update(extra)
    return {name: path for name, path in found.items() if path}


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the servers themselves do: a port whose old connections sit in TIME_WAIT
        # is free for a new listener.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def check_ports(host: str, ports: dict[str, int]) -> None:
    busy = [
        f"{port} ({name})" for name, port in sorted(ports.items(), key=lambda kv: kv[1]) if not port_is_free(host, port)
    ]
    if busy:
        raise PreflightError(
            f"port(s) already in use on {host}: {', '.join(busy)}.\n"
            "Another stack or program holds them: stop it (`motus-stack down`) or choose other ports "
            "with --base-port N (or MOTUS_STACK_BASE_PORT)."
        )
