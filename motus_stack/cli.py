"""`motus-stack`: run the whole Motus topology as local processes.

motus-stack up [--detach] [--monitoring]
                                 start everything (foreground: interleaved logs, Ctrl-C stops);
                                 --monitoring adds Prometheus and a Redis exporter per store
motus-stack down                 stop everything
motus-stack status [--json]      processes, pids, ports, and HAProxy's view of each replica
motus-stack stop|start|restart NAME...
motus-stack kill NAME...         SIGKILL, like a crash
motus-stack logs NAME [-f] [-n N]
motus-stack logs --request-id ID  one request across HAProxy and every service, in time order
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import xmlrpc.client

from motus_stack import request_trace
from motus_stack.preflight import PreflightError
from motus_stack.stack import Stack, StackError
from motus_stack.topology import HAPROXY_NAME, SERVICES, process_names

NAMES_HELP = "one or more of: " + " ".join(process_names(monitoring=True))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motus-stack", description="Run the Motus topology as local processes.")
    parser.add_argument(
        "--state-dir",
        help="where this stack keeps its config, logs, data and socket "
        "(default: $MOTUS_STACK_STATE_DIR or .motus-stack in the repository)",
    )
    parser.add_argument(
        "--base-port",
        type=int,
        help="public port; the others follow it (default: $MOTUS_STACK_BASE_PORT, else 8080/8081/8404). "
        "Remembered by `up` for the later commands.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start the stack")
    up.add_argument("-d", "--detach", action="store_true", help="start in the background and return")
    up.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for every replica to be UP")
    up.add_argument(
        "--monitoring",
        action="store_true",
        help="also run Prometheus (with the alert rules) and a Redis exporter per store; remembered for later commands",
    )
    sub.add_parser("down", help="stop the stack")
    status = sub.add_parser("status", help="show every process and HAProxy's view of it")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    for name, text in (
        ("stop", "stop gracefully (SIGTERM, drain, exit)"),
        ("start", "start stopped processes"),
        ("restart", "stop then start"),
        ("kill", "SIGKILL, like a crash; stays down until `start`"),
        ("reload", "haproxy only: read its config again without dropping a request"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("names", nargs="+", metavar="NAME", help=NAMES_HELP)
    failover = sub.add_parser(
        "failover", help="promote a store's replica now (Sentinel); the old primary stays as replica"
    )
    failover.add_argument("stores", nargs="+", metavar="STORE", help="redis-game, redis-score or redis-auth")
    logs = sub.add_parser("logs", help="show a process's log, or follow one request across all of them")
    logs.add_argument("names", nargs="*", metavar="NAME", help=NAMES_HELP)
    logs.add_argument(
        "--request-id",
        metavar="ID",
        help="every log line of this request (X-Request-ID), across HAProxy and the services, in time order",
    )
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    logs.add_argument("-n", "--lines", type=int, default=50, help="how many past lines (default 50)")
    return parser


def _print_status(stack: Stack, as_json: bool) -> None:
    rows = stack.status()
    if as_json:
        print(json.dumps([row.as_dict() for row in rows], indent=2))
        return
    width = max(12, *(len(row.name) for row in rows))
    # A replica as HAProxy sees it; a Redis node's role in its store.
    print(f"{'NAME':<{width}} {'STATE':<9} {'PID':>7} {'PORT':>6}  HAPROXY / ROLE")
    for row in rows:
        seen = row.haproxy or row.role or "-"
        print(f"{row.name:<{width}} {row.state:<9} {row.pid or '-':>7} {row.port:>6}  {seen}")
    topo = stack.topology
    print(f"\npublic {topo.public_url}   internal {topo.internal_url}   stats {topo.stats_url}/stats")


def _print_lines(stack: Stack, names: list[str], lines: int, follow: bool) -> None:
    width = max(len(n) for n in names)
    for name in names:
        for line in stack.tail(name, lines):
            print(f"{name:<{width}} | {line}")
    if follow:
        for name, line in stack.follow(names):
            print(f"{name:<{width}} | {line}", flush=True)


def _print_request(stack: Stack, request_id: str, names: list[str]) -> None:
    if not request_trace.REQUEST_ID.match(request_id):
        raise StackError(f"not a request id: {request_id!r} (letters, digits and . _ : - only, at most 128)")
    names = names or [HAPROXY_NAME, *(r for svc in SERVICES for r in svc.replicas)]
    hits = request_trace.find({name: stack.log_path(name) for name in names}, request_id)
    if not hits:
        raise StackError(
            f"no log line carries request id {request_id} in {', '.join(names)}.\n"
            "Ids come from the X-Request-ID response header or the request_id field of a log line."
        )
    width = max(len(hit.process) for hit in hits)
    for hit in hits:
        print(f"{hit.process:<{width}} | {hit.line}")


def _up(stack: Stack, detach: bool, timeout: float) -> None:
    # SIGTERM behaves like Ctrl-C from the start: an interrupted start-up must not
    # leave half a stack running behind the operator's back.
    def _interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)
    # Also when started from a script that ignores SIGINT (a background job does).
    signal.signal(signal.SIGINT, _interrupt)
    print(f"starting the Motus stack from {stack.state_dir} ...", flush=True)
    try:
        stack.up(timeout=timeout)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping what was started ...", flush=True)
        stack.down()
        raise
    topo = stack.topology
    print(f"ready: open {topo.public_url}/   (HAProxy stats: {topo.stats_url}/stats)", flush=True)
    if topo.monitoring:
        print(f"Prometheus: {topo.prometheus_url}/alerts  (queries: {topo.prometheus_url}/graph)", flush=True)
    if detach:
        print("running in the background: `motus-stack status`, `motus-stack down`.")
        return

    # Foreground: logs of every process until Ctrl-C (or SIGTERM), then stop everything.
    names = topo.process_names()
    width = max(len(n) for n in names)
    try:
        for name, line in stack.follow(names):
            print(f"{name:<{width}} | {line}", flush=True)
        print("the stack was stopped from elsewhere.")
    except KeyboardInterrupt:
        print("\nstopping the stack ...", flush=True)
        print("stopped." if stack.down() else "it was already stopped.")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        stack = Stack(args.state_dir, args.base_port, monitoring=True if getattr(args, "monitoring", False) else None)
        if args.command == "up":
            _up(stack, args.detach, args.timeout)
        elif args.command == "down":
            print("stopped." if stack.down() else f"no stack was running from {stack.state_dir}.")
        elif args.command == "status":
            _print_status(stack, args.json)
        elif args.command in ("stop", "start", "restart", "kill", "reload"):
            getattr(stack, args.command)(args.names)
            print(f"{args.command}: {' '.join(args.names)} done.")
        elif args.command == "failover":
            for store, primary in stack.failover(args.stores).items():
                print(f"failover: {store} now has {primary} as primary.")
        elif args.command == "logs" and args.request_id is not None:
            _print_request(stack, args.request_id, args.names)
        elif args.command == "logs":
            if not args.names:
                raise StackError("logs: name at least one process, or give --request-id ID")
            _print_lines(stack, args.names, args.lines, args.follow)
    except (StackError, PreflightError, ValueError) as exc:
        print(f"motus-stack: {exc}", file=sys.stderr)
        return 1
    except xmlrpc.client.Fault as exc:
        print(f"motus-stack: supervisord refused: {exc.faultString}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
