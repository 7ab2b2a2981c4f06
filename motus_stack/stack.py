"""One local stack: its state directory, its processes and the operations on them.

The CLI and the test fixtures both drive a stack through this class, so what the
tests exercise is exactly what an operator runs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from redis.exceptions import RedisError

from motus_stack import haproxy_stats, logfiles, preflight, processes, prometheus_conf, stores, supervisor_conf
from motus_stack.control import Supervisor
from motus_stack.topology import (
    GROUPS,
    HAPROXY_NAME,
    MONITORING_NAMES,
    NODE_STORE,
    PROMETHEUS_NAME,
    REDIS_NAMES,
    REDIS_NODES,
    REPO_ROOT,
    SECRET_NAMES,
    SENTINEL_NAMES,
    SERVICES,
    Ports,
    Topology,
    store_nodes,
)

DEFAULT_STATE_DIR = REPO_ROOT / ".motus-stack"
# AF_UNIX paths are limited to 107 bytes on Linux.
_MAX_SOCKET_PATH = 100


class StackError(RuntimeError):
    """An operation that failed, worded for the person who ran the command."""


@dataclass(frozen=True)
class ProcessStatus:
    name: str
    state: str  # supervisor's: RUNNING, STOPPED, EXITED, FATAL, STARTING, ...
    pid: int | None
    port: int
    haproxy: str | None  # HAProxy's view of a replica (UP, DOWN, ...); None for others
    role: str | None = None  # a Redis node's: primary, replica, down; None for others

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "state": self.state,
            "pid": self.pid,
            "port": self.port,
            "haproxy": self.haproxy,
            "role": self.role,
        }


def _write_private(path: Path, text: str) -> None:
    # Created private, not chmod-ed after: no moment where another user could read it.
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


class Stack:
    def __init__(
        self,
        state_dir: Path | str | None = None,
        base_port: int | None = None,
        credential_rate: int = 30,
        example_public_client: bool = False,
        outbox_claim_idle_seconds: float | None = None,
        relay_backoff_cap_seconds: float | None = None,
        monitoring: bool | None = None,
        scrape_interval_seconds: float = 10.0,
    ) -> None:
        self.state_dir = Path(state_dir or os.environ.get("MOTUS_STACK_STATE_DIR") or DEFAULT_STATE_DIR).resolve()
        saved = self._saved_settings()
        if base_port is None:
            env_base = os.environ.get("MOTUS_STACK_BASE_PORT")
            base_port = int(env_base) if env_base else saved.get("base_port")
        self.saved_base_port = saved.get("base_port")
        self.base_port = base_port
        # Remembered like the base port: `status` or `stop prometheus` after `up --monitoring`.
        if monitoring is None:
            monitoring = bool(saved.get("monitoring", False))
        self.topology = Topology(
            self.state_dir,
            Ports.from_base(base_port),
            python=sys.executable,
            credential_rate=credential_rate,
            example_public_client=example_public_client,
            outbox_claim_idle_seconds=outbox_claim_idle_seconds,
            relay_backoff_cap_seconds=relay_backoff_cap_seconds,
            monitoring=monitoring,
            scrape_interval_seconds=scrape_interval_seconds,
        )
        self.supervisor = Supervisor(self.state_dir / "supervisor.sock")
        # A stack that already ran has its secrets (the stores' passwords among them):
        # `status`, `logs` and the tools that read a store find them here.
        if (self.state_dir / "secrets.json").exists():
            self.topology = dataclasses.replace(self.topology, secrets=self._secrets())

    # --- paths -------------------------------------------------------------------
    @property
    def _settings_file(self) -> Path:
        return self.state_dir / "stack.json"

    @property
    def conf_path(self) -> Path:
        return self.state_dir / "supervisord.conf"

    def log_path(self, name: str) -> Path:
        self._check_names([name])
        return self.topology.log_file(name)

    def _secrets(self) -> dict[str, str]:
        """This stack's secrets: generated on first use, then read back, so sessions survive restarts."""
        path = self.state_dir / "secrets.json"
        try:
            saved = json.loads(path.read_text())
        except (OSError, ValueError):
            saved = {}
        if all(name in saved for name in SECRET_NAMES):
            return saved
        saved = {name: saved.get(name) or secrets.token_urlsafe(48) for name in SECRET_NAMES}
        self.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_private(path, json.dumps(saved))
        return saved

    def saved_secrets(self) -> dict[str, str]:
        """This stack's secrets (generated on first use): for tools that act as a service would."""
        return self._secrets()

    def _saved_settings(self) -> dict:
        try:
            return json.loads(self._settings_file.read_text())
        except (OSError, ValueError):
            return {}

    # --- lifecycle ---------------------------------------------------------------
    def up(self, timeout: float = 60.0) -> None:
        """Start every process in the background and wait until HAProxy sees all replicas UP."""
        if self.supervisor.is_running():
            raise StackError(
                f"a stack is already running from {self.state_dir}.\n"
                "See it with `motus-stack status`, or stop it with `motus-stack down`."
            )
        self._reap_orphans()
        programs = preflight.find_programs(self.topology.monitoring)
        if len(str(self.supervisor.socket_path)) > _MAX_SOCKET_PATH:
            raise StackError(
                f"state directory path too long for a unix socket: {self.state_dir} (use a shorter --state-dir)"
            )
        preflight.check_ports(self.topology.host, self.topology.ports.by_name)
        self.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        for sub in ("logs", "conf", *(f"data/{n}" for n in (*REDIS_NODES, *SENTINEL_NAMES, PROMETHEUS_NAME))):
            (self.state_dir / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
        self.supervisor.socket_path.unlink(missing_ok=True)  # left by a crashed supervisord
        self._settings_file.write_text(
            json.dumps({"base_port": self.base_port, "monitoring": self.topology.monitoring})
        )
        if self.topology.monitoring:
            self.topology.prometheus_config_file.write_text(prometheus_conf.render(self.topology))
        self.saved_base_port = self.base_port
        self.topology = dataclasses.replace(self.topology, secrets=self._secrets())
        self.topology.clients_file.write_text(json.dumps(self.topology.clients_config(), indent=2))
        for name in REDIS_NAMES:
            _write_private(self.topology.acl_file(name), self.topology.acl(name))
        self._write_store_confs()
        # The config holds the secrets in the programs' environments: private file.
        self.conf_path.unlink(missing_ok=True)
        fd = os.open(self.conf_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(supervisor_conf.render(self.topology, programs))
        result = subprocess.run(
            [sys.executable, "-m", "supervisor.supervisord", "-c", str(self.conf_path)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
        if result.returncode != 0:
            raise StackError(f"supervisord did not start:\n{result.stdout}{result.stderr}")
        try:
            self._wait_running([n for n in self.topology.process_names() if n != HAPROXY_NAME], timeout)
            self.start([HAPROXY_NAME])
            self.wait_ready(timeout)
        except StackError:
            self.down()  # never leave half a stack behind
            raise

    def _write_store_confs(self) -> None:
        """Each node's and Sentinel's configuration, starting from the primary each store
        last had: after a failover, a node's own file (rewritten by Redis) names the node
        it follows, and the store must restart with that one as primary, or the newer
        writes would be thrown away by a resync from the older node."""
        primaries = {store: self._last_primary(store) for store in REDIS_NAMES}
        for node in REDIS_NODES:
            _write_private(self.topology.conf_file(node), self.topology.node_conf(node, primaries[NODE_STORE[node]]))
        for sentinel in SENTINEL_NAMES:
            _write_private(self.topology.conf_file(sentinel), self.topology.sentinel_conf(sentinel, primaries))

    def _last_primary(self, store: str) -> str:
        first, second = store_nodes(store)
        try:
            text = self.topology.conf_file(first).read_text()
        except OSError:
            return first
        return second if any(line.startswith("replicaof ") for line in text.splitlines()) else first

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        waiting: list[str] = ["supervisord"]
        while time.monotonic() < deadline:
            waiting = self._not_ready()
            if not waiting:
                return
            time.sleep(0.2)
        raise StackError(f"not ready after {timeout:.0f} s: {', '.join(waiting)}.\n" + self._log_tails(waiting))

    def _not_ready(self) -> list[str]:
        if not self.supervisor.is_running():
            return ["supervisord"]
        rows = self.status()
        self._fail_if_dead({row.name: row.state for row in rows})
        waiting = [s.name for s in rows if s.state != "RUNNING" or (s.haproxy is not None and s.haproxy != "UP")]
        if not waiting:
            # Every store with its primary and its replica in sync, watched by three Sentinels.
            waiting = self.store_problems()
        if self.topology.monitoring and PROMETHEUS_NAME not in waiting and not self._prometheus_ready():
            waiting.append(PROMETHEUS_NAME)
        return waiting

    def _prometheus_ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.topology.prometheus_url + "/-/ready", timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False

    def _wait_running(self, names: list[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            states = {info["name"]: info["statename"] for info in self.supervisor.processes()}
            self._fail_if_dead({n: states.get(n, "") for n in names})
            if all(states.get(n) == "RUNNING" for n in names):
                return
            time.sleep(0.1)
        raise StackError(f"not running after {timeout:.0f} s: {', '.join(names)}")

    def _fail_if_dead(self, states: dict[str, str]) -> None:
        # Nothing restarts a process that gave up: waiting longer would only delay the bad news.
        dead = [name for name, state in states.items() if state in ("FATAL", "EXITED")]
        if dead:
            raise StackError(f"{', '.join(dead)} exited during start-up.\n" + self._log_tails(dead, lines=15))

    def _log_tails(self, names: Iterable[str], lines: int = 8) -> str:
        out = []
        for name in names:
            if name not in self.topology.process_names():
                continue
            tail = self.tail(name, lines)
            out.append(f"--- last lines of {name} ({self.log_path(name)}):\n" + "\n".join(tail))
        return "\n".join(out)

    def down(self, timeout: float = 60.0) -> bool:
        """Stop every process and supervisord. False if nothing was running."""
        if not self.supervisor.is_running():
            self.supervisor.socket_path.unlink(missing_ok=True)
            return self._reap_orphans()
        pid = self.supervisord_pid()
        with contextlib.suppress(OSError, xmlrpc.client.Error):
            self._stop_in_layers()
        # shutdown stops the programs in reverse priority order, gracefully; the
        # connection may drop before the answer comes back.
        with contextlib.suppress(OSError, xmlrpc.client.Error):
            self.supervisor.shutdown()
        deadline = time.monotonic() + timeout
        while pid and processes.pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if pid and processes.pid_alive(pid):
            raise StackError(f"supervisord (pid {pid}) still running after {timeout:.0f} s")
        return True

    def _stop_in_layers(self) -> None:
        # supervisord's own shutdown stops one program at a time, and each replica
        # drains for 1.5 s. The gateway goes first, so no request can arrive after
        # it; then the six replicas drain side by side; then the three stores. The
        # monitoring processes (if any) go with the gateway: nothing left to watch.
        self.supervisor.stop(HAPROXY_NAME)
        monitoring = [n for n in MONITORING_NAMES if n in self.topology.process_names()]
        replicas = [name for svc in SERVICES for name in svc.replicas]
        for layer in (monitoring, replicas, [*REDIS_NODES, *SENTINEL_NAMES]):
            for name in layer:
                with contextlib.suppress(xmlrpc.client.Fault):  # NOT_RUNNING
                    self.supervisor.stop(name, wait=False)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                states = {info["name"]: info["statename"] for info in self.supervisor.processes()}
                if not any(states[name] in ("RUNNING", "STOPPING", "STARTING") for name in layer):
                    break
                time.sleep(0.05)

    def _reap_orphans(self, grace: float = 10.0) -> bool:
        """Stop what a dead supervisord left running. True if there was anything.

        supervisord runs in a session of its own (setsid), which its programs share:
        when it dies they carry on, holding the ports, with nobody to stop them.
        """
        sid = self.supervisord_pid()
        if sid is None or processes.pid_alive(sid):
            return False
        orphans = processes.session_members(sid)
        processes.terminate(orphans, grace)
        (self.state_dir / "supervisord.pid").unlink(missing_ok=True)
        return bool(orphans)

    def supervisord_pid(self) -> int | None:
        try:
            return int((self.state_dir / "supervisord.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    # --- one process at a time --------------------------------------------------
    @staticmethod
    def expand(names: Iterable[str]) -> list[str]:
        """A store's name stands for both its nodes: `stop redis-game` stops the store."""
        return [member for name in names for member in GROUPS.get(name, (name,))]

    def _check_names(self, names: Iterable[str]) -> None:
        known = self.topology.process_names()
        unknown = [n for n in names if n not in known]
        if unknown:
            if set(unknown) <= set(MONITORING_NAMES):
                raise StackError(
                    f"{', '.join(unknown)}: this stack runs without monitoring. "
                    "Start it with `motus-stack up --monitoring` to have them."
                )
            raise StackError(f"unknown name(s): {', '.join(unknown)}. Known: {' '.join(known)}")

    def _require_running(self) -> None:
        if not self.supervisor.is_running():
            raise StackError(f"no stack is running from {self.state_dir}. Start it with `motus-stack up`.")
        if self.base_port != self.saved_base_port:
            raise StackError(
                f"the stack in {self.state_dir} runs with base port {self.saved_base_port}, not {self.base_port}: "
                "drop --base-port (or MOTUS_STACK_BASE_PORT), it is remembered."
            )

    def _each(self, names: Iterable[str], action) -> None:
        names = self.expand(names)
        self._check_names(names)
        self._require_running()
        for name in names:
            try:
                action(name)
            except xmlrpc.client.Fault as exc:
                # supervisord faults read "BAD_NAME: motus-9", "NOT_RUNNING: motus-1"...
                text = exc.faultString
                # Asking for the state something is already in is not an error.
                if text.startswith(("ALREADY_STARTED", "NOT_RUNNING")):
                    continue
                raise StackError(f"{name}: {text}\n" + self._log_tails([name])) from exc

    def start(self, names: Iterable[str]) -> None:
        def start(name: str) -> None:
            if name in REDIS_NODES:
                self._follow_current_primary(name)
            self.supervisor.start(name)

        self._each(names, start)

    def _follow_current_primary(self, node: str) -> None:
        """A node that was down while Sentinel promoted the other one starts as its
        replica. Left to itself it would start as the primary it was, with stale data,
        until Sentinel demotes it about ten seconds later."""
        if self.supervisor.process(node)["statename"] == "RUNNING":
            return
        store = NODE_STORE[node]
        # Every Sentinel must know of a failover first: one that has not would see its
        # "primary" come back as a replica and promote it again, over the newer data
        # (seen once in the chaos tests, a second after a failover).
        deadline = time.monotonic() + 15
        while (current := stores.agreed_primary(self.topology, store)) is None:
            if stores.primary(self.topology, store) is None and not self._any_node_running(store):
                return  # the whole store is down: each node starts as its own config says
            if time.monotonic() > deadline:
                raise StackError(f"start {node}: the Sentinels do not agree on {store}'s primary yet; try again")
            time.sleep(0.2)
        if current != node:
            _write_private(self.topology.conf_file(node), self.topology.node_conf(node, primary=current))

    def stop(self, names: Iterable[str]) -> None:
        """Graceful: SIGTERM, the replica drains, then exits."""
        self._each(names, self.supervisor.stop)

    def restart(self, names: Iterable[str]) -> None:
        names = list(names)
        self.stop(names)
        self.start(names)

    def reload(self, names: Iterable[str]) -> None:
        """HAProxy only: read its config again without dropping a request (SIGUSR2 to its
        master, which hands the listening sockets to a new worker)."""
        names = list(names)
        if names != [HAPROXY_NAME]:
            raise StackError(f"reload: only {HAPROXY_NAME} reloads its configuration; restart the others")
        before = self.supervisor.process(HAPROXY_NAME)
        if before["statename"] != "RUNNING":
            raise StackError(f"reload: {HAPROXY_NAME} is not running ({before['statename']}); start it")
        self.supervisor.signal(HAPROXY_NAME, "USR2")

    def _any_node_running(self, store: str) -> bool:
        return any(self.supervisor.process(n)["statename"] == "RUNNING" for n in store_nodes(store))

    def failover(self, stores_: Iterable[str]) -> dict[str, str]:
        """Promote each store's replica (a coordinated switchover: `stores.fail_over`,
        which returns once the Sentinels name it); returns store -> its new primary."""
        self._require_running()
        done = {}
        for store in stores_:
            if store not in REDIS_NAMES:
                raise StackError(f"failover: {store} is not a store; one of {' '.join(REDIS_NAMES)}")
            try:
                done[store] = stores.fail_over(self.topology, store)
            except RedisError as exc:
                raise StackError(f"failover: {store}: {exc}") from exc
        return done

    def kill(self, names: Iterable[str]) -> None:
        """SIGKILL, like a crash: no draining, and nothing restarts it until `start`."""
        self._each(names, lambda name: self.supervisor.signal(name, "KILL"))
        for name in self.expand(names):
            self._wait_state(name, {"EXITED", "STOPPED", "FATAL"}, timeout=10)

    def _wait_state(self, name: str, states: set[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.supervisor.process(name)["statename"] in states:
                return
            time.sleep(0.05)
        raise StackError(f"{name} did not reach {'/'.join(sorted(states))} within {timeout:.0f} s")

    # --- looking -----------------------------------------------------------------
    def status(self) -> list[ProcessStatus]:
        self._require_running()
        infos = {info["name"]: info for info in self.supervisor.processes()}
        try:
            seen = haproxy_stats.server_states(self.topology.stats_url)
        except OSError:
            seen = {}
        roles = stores.roles(self.topology) if self.topology.secrets else {}
        rows = []
        for proc in self.topology.processes():
            info = infos.get(proc.name, {})
            state = info.get("statename", "UNKNOWN")
            pid = info.get("pid") or None
            haproxy = None
            if proc.kind == "service":
                haproxy = seen.get(proc.name, "unknown (haproxy not answering)")
            row = ProcessStatus(proc.name, state, pid if state == "RUNNING" else None, proc.port, haproxy)
            rows.append(dataclasses.replace(row, role=roles.get(proc.name)))
        return rows

    def store_problems(self) -> list[str]:
        """What keeps the replicated stores from being whole (empty when they are)."""
        return stores.problems(self.topology)

    def pid(self, name: str) -> int | None:
        self._check_names([name])
        info = self.supervisor.process(name)
        return info["pid"] if info["statename"] == "RUNNING" else None

    def tail(self, name: str, lines: int = 50) -> list[str]:
        return logfiles.tail(self.log_path(name), lines)

    def follow(self, names: Iterable[str], from_start: bool = False) -> Iterator[tuple[str, str]]:
        """Yield (name, line) as the processes write them, like `docker compose logs -f`.

        Ends when the stack is stopped (from another terminal, say)."""
        names = self.expand(names)
        self._check_names(names)
        return logfiles.follow({n: self.log_path(n) for n in names}, self.supervisor.is_running, from_start)
