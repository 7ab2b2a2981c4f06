"""Talks to one stack's supervisord over its unix socket (XML-RPC)."""

from __future__ import annotations

import xmlrpc.client
from pathlib import Path

from supervisor.xmlrpc import SupervisorTransport


class Supervisor:
    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path

    def _call(self, method: str, *args):
        transport = SupervisorTransport(None, None, f"unix://{self.socket_path}")
        try:
            # The host part is ignored: the transport always uses the unix socket.
            proxy = xmlrpc.client.ServerProxy("http://motus-stack", transport=transport)
            return getattr(proxy.supervisor, method)(*args)
        finally:
            # SupervisorTransport keeps its connection open otherwise (a leaked socket per call).
            transport.close()

    def is_running(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            return self._call("getState")["statename"] == "RUNNING"
        except (OSError, xmlrpc.client.Error):
            return False

    def processes(self) -> list[dict]:
        return self._call("getAllProcessInfo")

    def process(self, name: str) -> dict:
        return self._call("getProcessInfo", name)

    def start(self, name: str) -> None:
        self._call("startProcess", name, True)

    def stop(self, name: str, wait: bool = True) -> None:
        self._call("stopProcess", name, wait)

    def signal(self, name: str, signal_name: str) -> None:
        self._call("signalProcess", name, signal_name)

    def shutdown(self) -> None:
        self._call("shutdown")
