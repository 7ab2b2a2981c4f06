"""The one table of the local stack: every process, its port and its environment.

The names are the docker-compose service names, so `motus-stack stop motus-1` and
`docker compose stop motus-1` mean the same thing. Tests, the launcher and the
benchmarks all read this table instead of repeating ports.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
HAPROXY_CFG = REPO_ROOT / "haproxy" / "haproxy.cfg"
REDIS_CONF_DIR = REPO_ROOT / "redis"
# The alert and recording rules compose mounts into Prometheus; the local one reads them in place.
PROMETHEUS_RULES_DIR = REPO_ROOT / "prometheus" / "rules"

# Default ports when no base port is given: the ones the README and compose use.
DEFAULT_PUBLIC_PORT = 8080
DEFAULT_INTERNAL_PORT = 8081
DEFAULT_STATS_PORT = 8404

# Offsets from the base port when one is given (tests pick a free base at run time).
_OFFSETS = {
    "public": 0,
    "internal": 1,
    "stats": 2,
    "motus-1": 11,
    "motus-2": 12,
    "score-1": 13,
    "score-2": 14,
    "auth-1": 15,
    "auth-2": 16,
    # Each store: two Redis nodes (either may be the primary) and the Sentinels that
    # watch all three stores.
    "redis-game-1": 21,
    "redis-score-1": 22,
    "redis-auth-1": 23,
    "redis-game-2": 27,
    "redis-score-2": 28,
    "redis-auth-2": 29,
    "sentinel-1": 30,
    "sentinel-2": 31,
    "sentinel-3": 32,
    # With --monitoring only.
    "prometheus": 3,
    "redis-game-1-exporter": 24,
    "redis-score-1-exporter": 25,
    "redis-auth-1-exporter": 26,
    "redis-game-2-exporter": 33,
    "redis-score-2-exporter": 34,
    "redis-auth-2-exporter": 35,
}
# Ports used with the default layout (base 8080): services on 81xx, Redis on 63xx so
# they never collide with a system Redis on 6379 (nor Sentinels with 26379).
_DEFAULT_PORTS = {
    "public": DEFAULT_PUBLIC_PORT,
    "internal": DEFAULT_INTERNAL_PORT,
    "stats": DEFAULT_STATS_PORT,
    "motus-1": 8101,
    "motus-2": 8102,
    "score-1": 8111,
    "score-2": 8112,
    "auth-1": 8121,
    "auth-2": 8122,
    "redis-game-1": 6391,
    "redis-score-1": 6392,
    "redis-auth-1": 6393,
    "redis-game-2": 6394,
    "redis-score-2": 6395,
    "redis-auth-2": 6396,
    "sentinel-1": 26391,
    "sentinel-2": 26392,
    "sentinel-3": 26393,
    # Not 9090 and 9121: installing Debian's prometheus and prometheus-redis-exporter
    # packages starts system-wide ones there on a machine with systemd.
    "prometheus": 9095,
    "redis-game-1-exporter": 9131,
    "redis-score-1-exporter": 9132,
    "redis-auth-1-exporter": 9133,
    "redis-game-2-exporter": 9134,
    "redis-score-2-exporter": 9135,
    "redis-auth-2-exporter": 9136,
}
PORT_SPAN = max(_OFFSETS.values()) + 1


@dataclass(frozen=True)
class ServiceKind:
    """One of the three FastAPI services, as deployed twice."""

    name: str  # "game", "score", "auth"
    env_prefix: str  # settings prefix read by the service
    factory: str  # uvicorn --factory target
    redis: str  # the process name of its own Redis
    replicas: tuple[str, str]  # compose service names
    prefix: str  # the path prefix HAProxy routes to it


# Secrets a stack generates once and keeps in its state directory.
# Each store's password (its service's ACL user) and the exporters' (a user that may
# read INFO and no key): compose reads the same names from .env.
REDIS_PASSWORD_NAMES = {
    "redis-game": "REDIS_GAME_PASSWORD",
    "redis-score": "REDIS_SCORE_PASSWORD",
    "redis-auth": "REDIS_AUTH_PASSWORD",
}
REDIS_EXPORTER_PASSWORD = "REDIS_EXPORTER_PASSWORD"
# A replica's user on its primary (PSYNC only).
REDIS_REPLICATION_PASSWORD = "REDIS_REPLICATION_PASSWORD"
# The Sentinels' own password: between themselves, for an operator (SENTINEL FAILOVER),
# and for their user on the stores (ROLE, INFO, REPLICAOF: no key).
REDIS_SENTINEL_PASSWORD = "REDIS_SENTINEL_PASSWORD"
# The services' user on the Sentinels: it may only ask where a store's primary is.
REDIS_DISCOVERY_PASSWORD = "REDIS_DISCOVERY_PASSWORD"
SECRET_NAMES = (
    "GAME_SESSION_SECRET",
    "AUTH_SECRET_KEY",
    "AUTH_CLIENT_SECRET_MOTUS_GAME",
    *REDIS_PASSWORD_NAMES.values(),
    REDIS_EXPORTER_PASSWORD,
    REDIS_REPLICATION_PASSWORD,
    REDIS_SENTINEL_PASSWORD,
    REDIS_DISCOVERY_PASSWORD,
)

SERVICES = (
    ServiceKind("game", "GAME_", "motus.app:create_app", "redis-game", ("motus-1", "motus-2"), "/"),
    ServiceKind("score", "SCORE_", "motus_score.app:create_app", "redis-score", ("score-1", "score-2"), "/api/score"),
    ServiceKind("auth", "AUTH_", "motus_auth.app:create_app", "redis-auth", ("auth-1", "auth-2"), "/auth"),
)
# The stores, by the name Sentinel watches each under (its "master name").
REDIS_NAMES = ("redis-game", "redis-score", "redis-auth")


def store_nodes(store: str) -> tuple[str, str]:
    """redis-game -> (redis-game-1, redis-game-2): the two Redis processes of a store.
    Either may be the primary; -1 is the one a new stack starts with."""
    return (f"{store}-1", f"{store}-2")


REDIS_NODES = tuple(node for store in REDIS_NAMES for node in store_nodes(store))
NODE_STORE = {node: store for store in REDIS_NAMES for node in store_nodes(store)}
SENTINEL_NAMES = ("sentinel-1", "sentinel-2", "sentinel-3")
# Sentinels that must agree a primary is down before one of them promotes its replica.
SENTINEL_QUORUM = 2
HAPROXY_NAME = "haproxy"
PROMETHEUS_NAME = "prometheus"
# One exporter per Redis node, as in compose: the node's name is its `instance` label.
EXPORTERS = {f"{node}-exporter": node for node in REDIS_NODES}
MONITORING_NAMES = (*EXPORTERS, PROMETHEUS_NAME)
# What `motus-stack stop redis-game` means: the whole store, both nodes.
GROUPS = {store: store_nodes(store) for store in REDIS_NAMES}


def redis_user(redis_name: str) -> str:
    """redis-game -> game: the ACL user of the service that owns the store."""
    return redis_name.removeprefix("redis-")


# The exporter reads INFO, CONFIG GET, the slow log and latency, and can touch no key.
EXPORTER_COMMANDS = "+@connection +info +config|get +slowlog|get +slowlog|len +latency|latest +client|list +dbsize"


# The Sentinels' user on a store: what Sentinel's documentation lists, and no key; also
# an operator's for a planned switchover (`motus-stack failover`: CLIENT PAUSE WRITE).
SENTINEL_COMMANDS = (
    "allchannels +multi +slaveof +ping +exec +subscribe +config|rewrite +role +publish +info"
    " +client|setname +client|kill +script|kill +client|pause +client|unpause +replicaof"
)
# The services' user on the Sentinels: where is the primary, who are the replicas.
DISCOVERY_COMMANDS = (
    "-@all +sentinel|get-master-addr-by-name +sentinel|masters +sentinel|master +sentinel|sentinels"
    " +sentinel|replicas +sentinel|slaves +ping +client|setname"
)


def redis_acl(user: str, password: str, exporter: str, replication: str, sentinel: str) -> str:
    """An ACL file: the service's user with every command on every key, the exporter's
    with no key, a replica's (PSYNC), the Sentinels' (role changes, no key), and
    `default` behind a random password nobody is given.

    Not `user default off`: Redis 7.0 replays the MULTI/EXEC blocks of its append-only
    file with the default user's permissions, and with `default` off it refuses every
    one of them on restart (NOPERM), silently losing those writes (found by
    tests/integration/test_store_outage.py). A client without the password is refused
    all the same."""
    return (
        f"user default on >{secrets.token_urlsafe(48)} ~* &* +@all\n"
        f"user {user} on >{password} ~* &* +@all\n"
        f"user exporter on >{exporter} resetkeys resetchannels {EXPORTER_COMMANDS}\n"
        f"user replica on >{replication} resetkeys resetchannels +psync +replconf +ping\n"
        f"user sentinel on >{sentinel} resetkeys {SENTINEL_COMMANDS}\n"
    )


# A primary that has not answered for this long is down in a Sentinel's eyes; once a
# quorum agrees, one Sentinel promotes the replica (measured here: writes resume
# 2-3 s after a primary is killed).
SENTINEL_DOWN_AFTER_MS = 1000
SENTINEL_FAILOVER_TIMEOUT_MS = 10_000


def sentinel_monitor_lines(store: str, host: str, port: int, secrets_: dict[str, str]) -> list[str]:
    return [
        f"sentinel monitor {store} {host} {port} {SENTINEL_QUORUM}",
        f"sentinel auth-user {store} sentinel",
        f"sentinel auth-pass {store} {secrets_[REDIS_SENTINEL_PASSWORD]}",
        f"sentinel down-after-milliseconds {store} {SENTINEL_DOWN_AFTER_MS}",
        f"sentinel failover-timeout {store} {SENTINEL_FAILOVER_TIMEOUT_MS}",
        f"sentinel parallel-syncs {store} 1",
    ]


def haproxy_addr_var(replica: str) -> str:
    """motus-1 -> MOTUS1_ADDR: the variable haproxy.cfg reads for that server."""
    return replica.replace("-", "").upper() + "_ADDR"


@dataclass(frozen=True)
class Process:
    name: str
    kind: str  # "service", "redis", "sentinel", "haproxy", "exporter" or "prometheus"
    port: int
    command: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    service: ServiceKind | None = None


@dataclass(frozen=True)
class Ports:
    public: int
    internal: int
    stats: int
    by_name: dict[str, int]

    @classmethod
    def from_base(cls, base: int | None) -> Ports:
        if base is None:
            table = dict(_DEFAULT_PORTS)
        else:
            if not 1024 <= base <= 65535 - PORT_SPAN:
                raise ValueError(f"base port must be between 1024 and {65535 - PORT_SPAN}, got {base}")
            table = {name: base + off for name, off in _OFFSETS.items()}
        return cls(table["public"], table["internal"], table["stats"], table)


@dataclass(frozen=True)
class Topology:
    """Every process of one local stack, with the ports and state directory it uses."""

    state_dir: Path
    ports: Ports
    python: str
    host: str = "127.0.0.1"
    drain_seconds: float = 1.5
    # Secrets each service needs, by variable name (e.g. GAME_SESSION_SECRET); a
    # service receives those that carry its prefix.
    secrets: dict[str, str] = field(default_factory=dict)
    # POSTs a minute per client address to the login and token endpoints (HAProxy).
    credential_rate: int = 30
    # Space-separated addresses (CIDR) of proxies in front of HAProxy whose X-Forwarded-For
    # and X-Forwarded-Proto are believed (MOTUS_TRUSTED_PROXIES); none by default.
    trusted_proxies: str = field(default_factory=lambda: os.environ.get("MOTUS_TRUSTED_PROXIES", ""))
    # A public client for tests and learners to drive the flow by hand. Off by default:
    # with no consent screen, any logged-in player would silently authorize it.
    example_public_client: bool = False
    # The relay's timings (GAME_OUTBOX_CLAIM_IDLE_SECONDS, GAME_RELAY_BACKOFF_CAP_SECONDS);
    # None keeps the service's defaults. Tests shorten them to see a takeover quickly.
    outbox_claim_idle_seconds: float | None = None
    relay_backoff_cap_seconds: float | None = None
    # Prometheus and the Redis exporters (`motus-stack up --monitoring`). The scrape
    # and rule-evaluation interval is the compose one unless a test shortens it.
    monitoring: bool = False
    scrape_interval_seconds: float = 10.0

    @property
    def public_url(self) -> str:
        return f"http://{self.host}:{self.ports.public}"

    @property
    def internal_url(self) -> str:
        return f"http://{self.host}:{self.ports.internal}"

    @property
    def stats_url(self) -> str:
        return f"http://{self.host}:{self.ports.stats}"

    @property
    def prometheus_url(self) -> str:
        return f"http://{self.host}:{self.ports.by_name[PROMETHEUS_NAME]}"

    @property
    def prometheus_config_file(self) -> Path:
        return self.state_dir / "prometheus.yml"

    def log_file(self, name: str) -> Path:
        """Where a process's log lines go (a service replica writes its own: OwnLogFile)."""
        return self.state_dir / "logs" / f"{name}.log"

    def address(self, name: str) -> str:
        return f"{self.host}:{self.ports.by_name[name]}"

    def process_names(self) -> list[str]:
        return process_names(self.monitoring)

    def redis_url(self, name: str) -> str:
        """A direct URL to one Redis node (a store's name means its -1 node, where a new
        stack starts the primary), with the service's user: for tools and tests that
        read a store as it is. The services themselves use store_url()."""
        node = store_nodes(name)[0] if name in REDIS_NAMES else name
        store = NODE_STORE[node]
        password = self.secrets.get(REDIS_PASSWORD_NAMES[store])
        login = f"{redis_user(store)}:{password}@" if password else ""
        return f"redis://{login}{self.address(node)}/0"

    def store_url(self, store: str) -> str:
        """How a service finds its store: ask the Sentinels for the primary of `store`."""
        password = self.secrets.get(REDIS_PASSWORD_NAMES[store])
        login = f"{redis_user(store)}:{password}@" if password else ""
        sentinels = ",".join(self.address(name) for name in SENTINEL_NAMES)
        return f"redis+sentinel://{login}{sentinels}/{store}/0"

    def sentinel_addresses(self) -> list[tuple[str, int]]:
        return [(self.host, self.ports.by_name[name]) for name in SENTINEL_NAMES]

    def acl_file(self, store: str) -> Path:
        return self.state_dir / "acl" / f"{store}.acl"

    def acl(self, store: str) -> str:
        """The store's users (both its nodes share them)."""
        return redis_acl(
            redis_user(store),
            self.secrets[REDIS_PASSWORD_NAMES[store]],
            self.secrets[REDIS_EXPORTER_PASSWORD],
            self.secrets[REDIS_REPLICATION_PASSWORD],
            self.secrets[REDIS_SENTINEL_PASSWORD],
        )

    def conf_file(self, name: str) -> Path:
        """A node's or a Sentinel's configuration: generated, then rewritten by Redis
        itself when Sentinel changes a node's role (CONFIG REWRITE)."""
        return self.state_dir / "conf" / f"{name}.conf"

    def node_conf(self, node: str, primary: str) -> str:
        """The committed store configuration, then what differs here: loopback, this
        node's port and directory, the replication user, and whom to follow."""
        store = NODE_STORE[node]
        lines = [
            (REDIS_CONF_DIR / f"{store}.conf").read_text(),
            f"# Generated by motus-stack for {node}; Redis rewrites it when Sentinel changes its role.",
            f"bind {self.host}",
            "protected-mode yes",
            f"port {self.ports.by_name[node]}",
            f"dir {self.state_dir / 'data' / node}",
            f"aclfile {self.acl_file(store)}",
            "masteruser replica",
            f"masterauth {self.secrets[REDIS_REPLICATION_PASSWORD]}",
        ]
        if node != primary:
            lines.append(f"replicaof {self.host} {self.ports.by_name[primary]}")
        return "\n".join(lines) + "\n"

    def sentinel_conf(self, sentinel: str, primaries: dict[str, str]) -> str:
        """A Sentinel watching the three stores, starting from their current primaries."""
        lines = [
            f"# Generated by motus-stack for {sentinel}; Sentinel rewrites it as it learns.",
            f"bind {self.host}",
            "protected-mode yes",
            f"port {self.ports.by_name[sentinel]}",
            f"dir {self.state_dir / 'data' / sentinel}",
            'logfile ""',
            # The Sentinels' own password, which they also use with each other.
            f"requirepass {self.secrets[REDIS_SENTINEL_PASSWORD]}",
            f"user discovery on >{self.secrets[REDIS_DISCOVERY_PASSWORD]} {DISCOVERY_COMMANDS}",
        ]
        for store in REDIS_NAMES:
            primary = primaries[store]
            lines += sentinel_monitor_lines(store, self.host, self.ports.by_name[primary], self.secrets)
        return "\n".join(lines) + "\n"

    def haproxy_env(self) -> dict[str, str]:
        env = {
            "MOTUS_PUBLIC_BIND": f"{self.host}:{self.ports.public}",
            "MOTUS_INTERNAL_BIND": f"{self.host}:{self.ports.internal}",
            "MOTUS_STATS_BIND": f"{self.host}:{self.ports.stats}",
            "MOTUS_CREDENTIAL_RATE": str(self.credential_rate),
            # Addresses of a TLS terminator in front (none by default): see haproxy.cfg.
            "MOTUS_TRUSTED_PROXIES": self.trusted_proxies,
        }
        for svc in SERVICES:
            for replica in svc.replicas:
                env[haproxy_addr_var(replica)] = f"{self.host}:{self.ports.by_name[replica]}"
        return env

    def service_env(self, svc: ServiceKind, replica: str) -> dict[str, str]:
        p = svc.env_prefix
        return {
            f"{p}INSTANCE": replica,
            f"{p}REDIS_URL": self.store_url(svc.redis),
            f"{p}REDIS_SENTINEL_PASSWORD": self.secrets.get(REDIS_DISCOVERY_PASSWORD, ""),
            f"{p}DRAIN_SECONDS": str(self.drain_seconds),
            # The replica appends to its log file itself: supervisord relaying each line
            # cost a fifth of a core under load (README, "Speed").
            f"{p}LOG_FILE": str(self.log_file(replica)),
            **{name: value for name, value in self.secrets.items() if name.startswith(p)},
            **self._service_extras(svc),
        }

    def _service_extras(self, svc: ServiceKind) -> dict[str, str]:
        if svc.name == "auth":
            return {"AUTH_ISSUER": f"{self.public_url}/auth", "AUTH_CLIENTS_FILE": str(self.clients_file)}
        if svc.name == "game":
            extras = {
                "GAME_PUBLIC_URL": self.public_url,
                "GAME_AUTH_ISSUER": f"{self.public_url}/auth",
                "GAME_PEERS_URL": self.internal_url,
            }
            if "AUTH_CLIENT_SECRET_MOTUS_GAME" in self.secrets:
                extras["GAME_CLIENT_SECRET"] = self.secrets["AUTH_CLIENT_SECRET_MOTUS_GAME"]
            if self.outbox_claim_idle_seconds is not None:
                extras["GAME_OUTBOX_CLAIM_IDLE_SECONDS"] = str(self.outbox_claim_idle_seconds)
            if self.relay_backoff_cap_seconds is not None:
                extras["GAME_RELAY_BACKOFF_CAP_SECONDS"] = str(self.relay_backoff_cap_seconds)
            return extras
        if svc.name == "score":
            return {"SCORE_AUTH_ISSUER": f"{self.public_url}/auth", "SCORE_PEERS_URL": self.internal_url}
        return {}

    @property
    def clients_file(self) -> Path:
        return self.state_dir / "clients.json"

    def clients_config(self) -> dict:
        """The OAuth clients of this stack: the game at this stack's public address."""
        clients = [
            {
                "client_id": "motus-game",
                "client_name": "Motus",
                "redirect_uris": [f"{self.public_url}/login/callback"],
                "post_logout_redirect_uris": [f"{self.public_url}/"],
                "scope": "openid profile score:read",
                # The game's relay records finished games in its own name (client credentials).
                "service_scope": "score:record",
                "token_endpoint_auth_method": "client_secret_basic",
                "secret_env": "AUTH_CLIENT_SECRET_MOTUS_GAME",
                # A logout at the provider ends the player's game sessions (through HAProxy).
                "backchannel_logout_uri": f"{self.internal_url}/backchannel-logout",
            },
        ]
        if self.example_public_client:
            clients.append(
                {
                    # A public client (a command-line tool, say): no secret, PKCE only.
                    "client_id": "motus-cli",
                    "client_name": "Motus (public client example)",
                    "redirect_uris": ["http://127.0.0.1:8765/callback"],
                    "post_logout_redirect_uris": [],
                    # A player may read their statistics from such a tool too.
                    "scope": "openid profile score:read",
                    "token_endpoint_auth_method": "none",
                }
            )
        return {"clients": clients}

    def processes(self) -> list[Process]:
        procs: list[Process] = []
        for node in REDIS_NODES:
            procs.append(Process(node, "redis", self.ports.by_name[node], ("redis-server", str(self.conf_file(node)))))
        for sentinel in SENTINEL_NAMES:
            procs.append(
                Process(
                    sentinel,
                    "sentinel",
                    self.ports.by_name[sentinel],
                    # What Debian's redis-sentinel runs: the same binary in Sentinel mode.
                    ("redis-server", str(self.conf_file(sentinel)), "--sentinel"),
                )
            )
        for svc in SERVICES:
            for replica in svc.replicas:
                port = self.ports.by_name[replica]
                procs.append(
                    Process(
                        replica,
                        "service",
                        port,
                        (self.python, "-m", "motus_kit.serve", svc.factory, "--host", self.host, "--port", str(port)),
                        self.service_env(svc, replica),
                        svc,
                    )
                )
        procs.append(
            Process(
                HAPROXY_NAME,
                "haproxy",
                self.ports.public,
                # -W -db: master-worker, in the foreground (as the official image runs it).
                # A reload (`motus-stack reload haproxy`: SIGUSR2 to the master) starts a
                # worker on the new config that takes over the listening sockets, and the old
                # one finishes its requests: no request is dropped. A SIGKILL of the master
                # (`motus-stack kill haproxy`) still takes the gateway down: the workers exit
                # when their master is gone.
                ("haproxy", "-W", "-db", "-f", str(HAPROXY_CFG)),
                self.haproxy_env(),
            )
        )
        if self.monitoring:
            procs.extend(self._monitoring_processes())
        return procs

    def _monitoring_processes(self) -> list[Process]:
        procs = [
            Process(
                exporter,
                "exporter",
                self.ports.by_name[exporter],
                (
                    "prometheus-redis-exporter",
                    "-redis.addr",
                    f"redis://{self.address(node)}",
                    "-web.listen-address",
                    self.address(exporter),
                ),
                # In the environment, not on the command line (which `ps` shows everyone).
                {"REDIS_USER": "exporter", "REDIS_PASSWORD": self.secrets.get(REDIS_EXPORTER_PASSWORD, "")},
            )
            for exporter, node in EXPORTERS.items()
        ]
        procs.append(
            Process(
                PROMETHEUS_NAME,
                "prometheus",
                self.ports.by_name[PROMETHEUS_NAME],
                (
                    "prometheus",
                    f"--config.file={self.prometheus_config_file}",
                    f"--storage.tsdb.path={self.state_dir / 'data' / PROMETHEUS_NAME}",
                    # A lab, not an archive: two days of samples are plenty to look back at a test.
                    "--storage.tsdb.retention.time=2d",
                    f"--web.listen-address={self.address(PROMETHEUS_NAME)}",
                ),
            )
        )
        return procs

    def process(self, name: str) -> Process:
        for proc in self.processes():
            if proc.name == name:
                return proc
        raise KeyError(name)


def process_names(monitoring: bool = False) -> list[str]:
    """All names in start order, without building a topology."""
    names = [*REDIS_NODES, *SENTINEL_NAMES]
    for svc in SERVICES:
        names.extend(svc.replicas)
    names.append(HAPROXY_NAME)
    if monitoring:
        names.extend(MONITORING_NAMES)
    return names
