"""The short chaos run: one fault of each kind under a mixed load of logged-in players
(`make chaos` runs them all, bench/chaos.py). A stack of its own: faults move the
stores' primaries, and the other tests expect the -1 nodes to be primary."""

from __future__ import annotations

import pytest

from motus_stack.stack import Stack
from tests.support import chaos
from tests.support.ports import free_base_port


@pytest.fixture(scope="module")
def chaos_stack(tmp_path_factory):
    stack = Stack(state_dir=tmp_path_factory.mktemp("chaos"), base_port=free_base_port(), credential_rate=100_000)
    stack.up(timeout=90)
    yield stack
    stack.down()


def test_one_fault_of_each_kind_costs_no_request_and_no_acknowledged_write(chaos_stack, capsys):
    rows = []
    with chaos.MixedLoad(chaos_stack.topology.public_url, players=4, max_seconds=240) as load:
        for fault in chaos.one_of_each_kind():
            rows.append(chaos.run_fault(chaos_stack, load, fault))
    report = chaos.table(rows)
    with capsys.disabled():
        print("\n" + report)
    for row in rows:
        assert row.recovered_s is not None, f"{row.fault}: the stack did not become whole again\n{report}"
        assert row.lost == [], f"{row.fault}: acknowledged writes lost: {row.lost[:10]}\n{report}"
        assert row.failed == 0, f"{row.fault}: failed requests: {row.failures}\n{report}"
        assert row.requests > 20, f"{row.fault}: too little load to tell\n{report}"
        # Writes wait through a failover (Sentinel promotes within ~3 s), never longer than 5 s.
        assert row.write_max_s is not None and row.write_max_s < 5, f"{row.fault}: writes stalled\n{report}"
