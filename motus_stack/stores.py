"""The replicated stores as an operator sees them: which node is each store's primary,
and whether each store is whole again (a primary, its replica in sync, three Sentinels
that see each other). `motus-stack status`, the chaos runs and the tests read them."""

from __future__ import annotations

import contextlib
import time

import redis.sentinel
from redis.exceptions import RedisError

import redis
from motus_stack.topology import (
    REDIS_NAMES,
    REDIS_NODES,
    REDIS_PASSWORD_NAMES,
    REDIS_SENTINEL_PASSWORD,
    SENTINEL_NAMES,
    SENTINEL_QUORUM,
    Topology,
    redis_user,
    store_nodes,
)

_TIMEOUT = 0.5


def _node_at(topology: Topology, port: int) -> str | None:
    return next((node for node in REDIS_NODES if topology.ports.by_name[node] == port), None)


def _sentinel_at(topology: Topology, name: str) -> redis.Redis:
    """One Sentinel, with the Sentinels' own password."""
    return redis.Redis(
        host=topology.host,
        port=topology.ports.by_name[name],
        password=topology.secrets[REDIS_SENTINEL_PASSWORD],
        socket_timeout=_TIMEOUT,
        socket_connect_timeout=_TIMEOUT,
        decode_responses=True,
    )


def _admin(topology: Topology, node: str, timeout: float = _TIMEOUT) -> redis.Redis:
    """A node, as the Sentinels' user (role changes, pauses; no key)."""
    return redis.Redis(
        host=topology.host,
        port=topology.ports.by_name[node],
        username="sentinel",
        password=topology.secrets[REDIS_SENTINEL_PASSWORD],
        socket_timeout=timeout,
        socket_connect_timeout=_TIMEOUT,
        decode_responses=True,
    )


def _sentinel(topology: Topology) -> redis.sentinel.Sentinel:
    password = topology.secrets[REDIS_SENTINEL_PASSWORD]
    kwargs = {"password": password, "socket_timeout": _TIMEOUT, "socket_connect_timeout": _TIMEOUT}
    return redis.sentinel.Sentinel(topology.sentinel_addresses(), sentinel_kwargs=kwargs)


def primary(topology: Topology, store: str) -> str | None:
    """The node the Sentinels name as the store's primary (None if none answers)."""
    sentinel = _sentinel(topology)
    try:
        _, port = sentinel.discover_master(store)
    except RedisError:
        return None
    finally:
        for conn in sentinel.sentinels:
            conn.close()
    return _node_at(topology, int(port))


def agreed_primary(topology: Topology, store: str) -> str | None:
    """The primary every answering Sentinel names (at least a quorum of them answering),
    or None while they disagree: right after a failover, a Sentinel may not have heard of
    it yet (they tell each other every 2 s)."""
    answers = []
    for name in SENTINEL_NAMES:
        conn = _sentinel_at(topology, name)
        try:
            address = conn.sentinel_get_master_addr_by_name(store)
        except (RedisError, OSError):
            continue
        finally:
            conn.close()
        answers.append(_node_at(topology, int(address[1])) if address else None)
    agreed = set(answers)
    if len(answers) >= SENTINEL_QUORUM and len(agreed) == 1 and None not in agreed:
        return agreed.pop()
    return None


def replica(topology: Topology, store: str) -> str | None:
    """The store's other node: the one that is not its primary."""
    current = primary(topology, store)
    return next((node for node in store_nodes(store) if node != current), None) if current else None


def fail_over(topology: Topology, store: str, pause_ms: int = 5000) -> str:
    """A planned switchover that loses no write: pause writes on the primary, let its
    replica catch up, ask a Sentinel to promote it, make the old primary its replica at
    once, then let the paused writes go (they meet READONLY, and the services' clients
    send them again to the new primary).

    Left to Sentinel alone, the old primary stays a primary for the ten seconds until
    Sentinel's next look at it, and the writes its clients keep sending there are lost
    when it resynchronises (found by the chaos run: a switchover lost 232 writes).
    Returns the new primary once the Sentinels name it. Raises RedisError with the
    reason (no good replica, a failover under way, no promotion in time...)."""
    old = primary(topology, store)
    if old is None:
        raise redis.ConnectionError(f"no Sentinel names a primary for {store}")
    node = _admin(topology, old, timeout=2)
    sentinel = _sentinel(topology)
    try:
        node.execute_command("CLIENT", "PAUSE", pause_ms, "WRITE")
        try:
            _wait_for_replica_offset(node, timeout=pause_ms / 2000)
            _ask_any(sentinel, "SENTINEL", "FAILOVER", store)
            deadline = time.monotonic() + pause_ms / 1000
            while (new := primary(topology, store)) in (old, None):
                if time.monotonic() > deadline:
                    raise redis.TimeoutError(f"the Sentinels did not promote {store}'s replica in time")
                time.sleep(0.05)
            node.execute_command("REPLICAOF", topology.host, topology.ports.by_name[new])
        finally:
            node.execute_command("CLIENT", "UNPAUSE")
    finally:
        node.close()
        for conn in sentinel.sentinels:
            conn.close()
    return new


def _wait_for_replica_offset(node: redis.Redis, timeout: float) -> None:
    """Until every connected replica has everything the (paused) primary has."""
    deadline = time.monotonic() + timeout
    while True:
        role = node.execute_command("ROLE")
        offset, replicas = int(role[1]), role[2]
        if replicas and all(int(r[2]) >= offset for r in replicas):
            return
        if time.monotonic() > deadline:
            raise redis.TimeoutError("the replica did not catch up with the primary in time")
        time.sleep(0.02)


def _ask_any(sentinel: redis.sentinel.Sentinel, *command: object) -> object:
    for conn in sentinel.sentinels:
        try:
            return conn.execute_command(*command)
        except redis.ConnectionError:
            continue
    raise redis.ConnectionError("no Sentinel answers")


def client(topology: Topology, store: str) -> redis.Redis:
    """The store's primary, found through the Sentinels, as its service's user."""
    sentinel = _sentinel(topology)
    return sentinel.master_for(
        store,
        username=redis_user(store),
        password=topology.secrets[REDIS_PASSWORD_NAMES[store]],
        decode_responses=True,
        socket_timeout=2,
        socket_connect_timeout=_TIMEOUT,
    )


def role(topology: Topology, node: str) -> tuple[str, list]:
    """("master", [replicas connected]) or ("slave", [primary port, link state]) or ("down", [])."""
    conn = _admin(topology, node)
    try:
        answer = conn.execute_command("ROLE")
    except (RedisError, OSError):
        return "down", []
    finally:
        conn.close()
    if answer[0] == "master":
        return "master", list(answer[2])
    return str(answer[0]), [answer[2], answer[3]]


def roles(topology: Topology) -> dict[str, str]:
    """node -> "primary", "replica" (in sync, or "replica (syncing)") or "down"."""
    out = {}
    for node in REDIS_NODES:
        kind, detail = role(topology, node)
        if kind == "master":
            out[node] = "primary"
        elif kind == "slave":
            out[node] = "replica" if detail[1] == "connected" else f"replica ({detail[1]})"
        else:
            out[node] = kind
    return out


def problems(topology: Topology) -> list[str]:
    """What keeps the stores from being whole; empty when every store has exactly one
    primary (the one the Sentinels name) with its replica connected, and every Sentinel
    sees the other two."""
    found = []
    for store in REDIS_NAMES:
        named = primary(topology, store)
        if named is None:
            found.append(f"{store}: no Sentinel names a primary")
            continue
        kind, connected = role(topology, named)
        if kind != "master":
            found.append(f"{store}: {named} is named primary but is {kind}")
        elif len(connected) < 1:
            found.append(f"{store}: {named} has no replica connected")
        other = next(node for node in store_nodes(store) if node != named)
        other_kind, detail = role(topology, other)
        if other_kind != "slave" or detail[1] != "connected":
            found.append(f"{store}: {other} is {other_kind} {detail or ''}".rstrip())
    for name in SENTINEL_NAMES:
        found.extend(_sentinel_problems(topology, name))
    return found


def _sentinel_problems(topology: Topology, name: str) -> list[str]:
    conn = _sentinel_at(topology, name)
    try:
        masters = conn.sentinel_masters()  # by store name
    except (RedisError, OSError):
        return [f"{name}: not answering"]
    finally:
        with contextlib.suppress(RedisError):
            conn.close()
    out = []
    for store in REDIS_NAMES:
        seen = masters.get(store)
        if seen is None:
            out.append(f"{name}: does not watch {store}")
        elif int(seen.get("num-other-sentinels", 0)) < len(SENTINEL_NAMES) - 1:
            out.append(f"{name}: sees {seen.get('num-other-sentinels')} other Sentinels for {store}")
        elif int(seen.get("num-slaves", 0)) < 1:
            # Until it has seen the replica (its INFO every 10 s), it could not promote it.
            out.append(f"{name}: does not know {store}'s replica yet")
    return out
