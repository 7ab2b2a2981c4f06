"""`motus-stack`: run the whole Motus topology as local processes.

motus-stack up [--detach]        start everything (foreground: interleaved logs, Ctrl-C stops)
motus-stack down                 stop everything
motus-stack status [--json]      processes, pids, ports, and HAProxy's view of each replica
motus-stack stop|start|restart NAME...
motus-stack kill NAME...         SIGKILL, like a crash
motus-stack logs NAME [-f] [-n N]
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import xmlrpc.client

from motus_stack.preflight import PreflightError
from motus_stack.stack import Stack, StackError
from motus_stack.topology import process_names

NAMES_HELP = "one or more of: " + " ".join(process_names())


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
    sub.add_parser("down", help="stop the stack")
    status = sub.add_parser("status", help="show every process and HAProxy's view of it")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    for name, text in (
        ("stop", "stop gracefully (SIGTERM, drain, exit)"),
        ("start", "start stopped processes"),
        ("restart", "stop then start"),
        ("kill", "SIGKILL, like a crash; stays down until `start`"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("names", nargs="+", metavar="NAME", help=NAMES_HELP)
    logs = sub.add_parser("logs", help="show a process's log")
    logs.add_argument("names", nargs="+", metavar="NAME", help=NAMES_HELP)
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    logs.add_argument("-n", "--lines", type=int, default=50, help="how many past lines (default 50)")
    return parser


def _print_status(stack: Stack, as_json: bool) -> None:
    rows = stack.status()
    if as_json:
        print(json.dumps([row.as_dict() for row in rows], indent=2))
        return
    print(f"{'NAME':<12} {'STATE':<9} {'PID':>7} {'PORT':>6}  HAPROXY")
    for row in rows:
        print(f"{row.name:<12} {row.state:<9} {row.pid or '-':>7} {row.port:>6}  {row.haproxy or '-'}")
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
    if detach:
        print("running in the background: `motus-stack status`, `motus-stack down`.")
        return

    # Foreground: logs of every process until Ctrl-C (or SIGTERM), then stop everything.
    names = process_names()
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
        stack = Stack(args.state_dir, args.base_port)
        if args.command == "up":
            _up(stack, args.detach, args.timeout)
        elif args.command == "down":
            print("stopped." if stack.down() else f"no stack was running from {stack.state_dir}.")
        elif args.command == "status":
            _print_status(stack, args.json)
        elif args.command in ("stop", "start", "restart", "kill"):
            getattr(stack, args.command)(args.names)
            print(f"{args.command}: {' '.join(args.names)} done.")
        elif args.command == "logs":
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
