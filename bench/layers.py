"""What each layer of a replica costs a request, on this machine (`make bench`).

The same tiny POST (a guess's body) through FastAPI alone, then with a JSON body
model, a response model, five dependencies; then inside a replica's shell, with and
without its request-context middleware and its metrics. Each served by the replicas'
server stack (motus_kit.serve), wrk at 64 connections. Nothing is asserted: it tells
where a guess's time goes before it reaches Redis, and the floor: one redis-py command
per request, inside FastAPI and in a bare ASGI callable.
"""

from __future__ import annotations

import re
import subprocess
import sys

from bench.throughput import Process
from tests.support.ports import free_port

SECONDS = 5
CASES = [
    ("bench.layer_apps:framework", "/layers/plain", "FastAPI, body read"),
    ("bench.layer_apps:framework", "/layers/body", "  + a JSON body model"),
    ("bench.layer_apps:framework", "/layers/model", "  + a response model"),
    ("bench.layer_apps:framework", "/layers/deps", "  + five dependencies"),
    ("bench.layer_apps:kit", "/layers/plain", "replica shell, body read"),
    ("bench.layer_apps:kit_without_metrics", "/layers/plain", "  without the request metrics"),
    (
        "bench.layer_apps:kit_without_request_context",
        "/layers/plain",
        "  without the request-context middleware (nor metrics)",
    ),
    ("bench.layer_apps:kit", "/layers/deps", "replica shell, body + response models + five dependencies"),
    # The floor of a guess on this stack: one Redis round trip through redis-py.
    ("bench.layer_apps:redis_floor", "/layers/redis", "FastAPI, body read, one redis-py GET"),
    ("bench.layer_apps:raw_asgi", "/layers/raw", "no framework (raw ASGI), body read"),
    ("bench.layer_apps:raw_asgi_redis", "/layers/raw", "no framework (raw ASGI), body read, one redis-py GET"),
]
SCRIPT = (
    'wrk.method = \'POST\'; wrk.body = \'{"attempt":2,"word":"abcdefg"}\'; '
    "wrk.headers['Content-Type'] = 'application/json'"
)


def rate(url: str, script: str) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{SECONDS}s", "-s", script, url],
        capture_output=True,
        text=True,
        timeout=SECONDS + 30,
        check=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main(script_dir: str = "/tmp") -> None:
    script = f"{script_dir}/motus-layers.lua"
    with open(script, "w") as fh:
        fh.write(SCRIPT)
    print(f"\nWhat each layer costs (POST, 64 connections, {SECONDS} s each)")
    servers: dict[str, tuple[Process, int]] = {}
    redis_port = free_port()
    redis_server = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    env = {"LAYERS_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
    try:
        first = None
        for factory, path, label in CASES:
            if factory not in servers:
                port = free_port()
                cmd = [sys.executable, "-m", "motus_kit.serve", factory, "--port", str(port)]
                servers[factory] = (Process(cmd, env, f"http://127.0.0.1:{port}/nope"), port)
            value = rate(f"http://127.0.0.1:{servers[factory][1]}{path}", script)
            first = first or value
            print(f"  {label:<58} {value:8.0f} req/s  {1e6 / value:6.0f} µs  ({value / first:4.0%})")
    finally:
        for process, _ in servers.values():
            process.stop()
        redis_server.terminate()
        redis_server.wait(timeout=10)


if __name__ == "__main__":
    main()
