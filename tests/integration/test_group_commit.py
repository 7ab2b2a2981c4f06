"""Replicated writes committed in groups (motus_kit/replication.py), against the stack's
real redis-game: its primary, its replica and the Sentinels that name them."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import uuid

from redis.exceptions import ResponseError

import redis
from motus_kit.redis_store import StoreOptions, close_redis, create_redis
from motus_kit.replication import NotReplicated, Replicas
from motus_stack.topology import REDIS_DISCOVERY_PASSWORD, store_nodes
from tests.support.aio import run

# A write the test can make fail on purpose. A comment unique to the run gives the
# script a digest no Redis has seen: the first group finds the script cache empty, as
# after a failover.
SCRIPT = """-- {tag}
if ARGV[1] == 'refuse' then return redis.error_reply('refused by the test') end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
"""


def _role_of(stack, role: str) -> tuple[str, redis.Redis]:
    for node in store_nodes("redis-game"):
        client = redis.Redis.from_url(stack.topology.redis_url(node), decode_responses=True)
        if client.execute_command("ROLE")[0] == role:
            return node, client
        client.close()
    raise AssertionError(f"redis-game has no {role}")


def _waits(primary: redis.Redis) -> int:
    return int(primary.info("commandstats").get("cmdstat_wait", {}).get("calls", 0))


async def _writes(stack, values: list[str], tag: str) -> tuple[list[str], list[object]]:
    """Each value written at once under a key of its own, as concurrent requests would."""
    store = create_redis(
        StoreOptions(
            url=stack.topology.store_url("redis-game"),
            timeout_seconds=2,
            sentinel_username="discovery",
            sentinel_password=stack.topology.secrets[REDIS_DISCOVERY_PASSWORD],
        )
    )
    try:
        replicas = Replicas(store)
        assert replicas.enabled
        script = store.register_script(SCRIPT.format(tag=tag))
        keys = [f"test:group-commit:{tag}:{i}" for i in range(len(values))]
        outcomes = await asyncio.gather(
            *(replicas.run(script, [key], [value]) for key, value in zip(keys, values, strict=True)),
            return_exceptions=True,
        )
        return keys, outcomes
    finally:
        await close_redis(store)


def test_concurrent_writes_each_get_their_answer_for_a_few_waits(healthy_stack):
    _, primary = _role_of(healthy_stack, "master")
    _, replica = _role_of(healthy_stack, "slave")
    tag = uuid.uuid4().hex
    values = [f"value-{i}" for i in range(50)]
    waits_before = _waits(primary)

    keys, outcomes = run(_writes(healthy_stack, values, tag))

    assert outcomes == values
    # Acknowledged means the replica has it, read from the replica itself.
    assert replica.mget(keys) == values
    waits = _waits(primary) - waits_before
    # The first write goes alone, the 49 that queued behind it as one group (the
    # session stack's own background work may add a WAIT or two).
    assert 1 <= waits <= 5, waits


def test_a_refused_write_fails_alone_in_its_group(healthy_stack):
    _, replica = _role_of(healthy_stack, "slave")
    tag = uuid.uuid4().hex
    values = [f"value-{i}" for i in range(20)]
    values[7] = "refuse"

    keys, outcomes = run(_writes(healthy_stack, values, tag))

    assert isinstance(outcomes[7], ResponseError)
    assert "refused by the test" in str(outcomes[7])
    others = [i for i in range(20) if i != 7]
    assert [outcomes[i] for i in others] == [values[i] for i in others]
    assert replica.mget([keys[i] for i in others]) == [values[i] for i in others]
    assert replica.get(keys[7]) is None


def test_writes_no_replica_acknowledges_are_refused_not_claimed_safe(healthy_stack):
    node, _ = _role_of(healthy_stack, "slave")
    pid = healthy_stack.pid(node)
    tag = uuid.uuid4().hex
    # Stopped, not killed: still connected to its primary, acknowledging nothing.
    os.kill(pid, signal.SIGSTOP)
    try:
        _, outcomes = run(_writes(healthy_stack, [f"value-{i}" for i in range(10)], tag))
    finally:
        os.kill(pid, signal.SIGCONT)

    assert all(isinstance(outcome, NotReplicated) for outcome in outcomes), outcomes
    # Once the replica answers again, the same writes are acknowledged.
    healthy_stack.wait_ready(timeout=30)
    _, outcomes = run(_writes(healthy_stack, [f"value-{i}" for i in range(10)], tag))
    assert outcomes == [f"value-{i}" for i in range(10)]


def test_a_replica_late_by_less_than_a_second_gets_the_writes_acknowledged(healthy_stack):
    # As a replica that has just resynced: connected, silent until its next ACK (up to a
    # second later, seen in the chaos test). Its writes are safe a moment later: waiting
    # once more beats refusing them.
    node, _ = _role_of(healthy_stack, "slave")
    pid = healthy_stack.pid(node)
    values = [f"value-{i}" for i in range(10)]
    os.kill(pid, signal.SIGSTOP)
    late = threading.Timer(0.8, os.kill, (pid, signal.SIGCONT))
    late.start()
    try:
        _, outcomes = run(_writes(healthy_stack, values, uuid.uuid4().hex))
    finally:
        late.cancel()
        os.kill(pid, signal.SIGCONT)

    assert outcomes == values
