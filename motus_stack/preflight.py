"""Checks made before starting a stack: the system programs it runs and free ports."""

from __future__ import annotations

import shutil
import socket

INSTALL_HINT = (
    "On Debian or Ubuntu: sudo apt-get install -y haproxy redis-server\n"
    "(or run `make up`, which installs what is missing and starts the stack)."
)


class PreflightError(RuntimeError):
    """A reason the stack cannot start, worded for the person who ran the command."""


def find_programs() -> dict[str, str]:
    found = {name: shutil.which(name) for name in ("haproxy", "redis-server")}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise PreflightError(f"{' and '.join(missing)} not found on PATH.\n{INSTALL_HINT}")
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
