"""`make chaos`: every fault in turn under a mixed load of logged-in players, one table row each.

Each service replica is SIGKILLed and, separately, stopped gracefully; each store's
primary and each store's replica is SIGKILLed; one Sentinel is SIGKILLed; each store
is switched over (`motus-stack failover`); HAProxy reloads its configuration. Each is
brought back after a few seconds. A row says how many requests were sent from the
fault until the stack was whole again, how many failed, the p99 and the slowest, the
longest an acknowledged write waited, how long until every process, every HAProxy
server and every store (primary, replica in sync, three Sentinels) was back, and how
many acknowledged writes (tries, results, accounts) could not be read back afterwards.
Numbers, not assertions; a private stack; under three minutes here.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from bench.procs import stack_memory
from motus_stack.stack import Stack
from tests.support import chaos
from tests.support.ports import free_base_port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=6, help="player threads (default 6)")
    parser.add_argument("--quick", action="store_true", help="one fault of each kind (what `make test` runs)")
    args = parser.parse_args()
    faults = chaos.one_of_each_kind() if args.quick else chaos.every_fault()
    with tempfile.TemporaryDirectory(prefix="motus-chaos-") as state:
        stack = Stack(state_dir=state, base_port=free_base_port(), credential_rate=100_000)
        stack.up(timeout=90)
        try:
            time.sleep(2)
            idle = stack_memory({row.name: row.pid for row in stack.status()})
            rss, pss = (sum(v[i] for v in idle.values()) for i in (0, 1))
            print(f"idle stack, {len(idle)} processes: {rss:.0f} MB RSS, {pss:.0f} MB PSS (shared pages counted once)")
            started = time.monotonic()
            rows = []
            with chaos.MixedLoad(stack.topology.public_url, players=args.players, max_seconds=900) as load:
                for fault in faults:
                    rows.append(chaos.run_fault(stack, load, fault))
                    print(chaos.table(rows[-1:]).splitlines()[-1], flush=True)
            print()
            print(chaos.table(rows))
            print(f"\n{len(load.samples)} requests in {time.monotonic() - started:.0f} s, {args.players} players")
            for row in rows:
                if row.failures or row.lost:
                    print(f"{row.fault}: failed {row.failures[:5]} lost {row.lost[:5]}")
        finally:
            stack.down()


if __name__ == "__main__":
    main()
