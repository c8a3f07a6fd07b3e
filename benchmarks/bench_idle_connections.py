"""`obligations serve` exposed directly, under a flood of idle half-open connections (issue 12, finding 5).

Run by hand (not a test):

    .venv/bin/python benchmarks/bench_idle_connections.py [--nofile 1024] [--idle 1100] [--hold 20]
    .venv/bin/python benchmarks/bench_idle_connections.py --source /path/to/another/checkout   # compare

Starts `obligations serve` with its soft RLIMIT_NOFILE set to --nofile, opens --idle TCP connections
that never send a byte, and for --hold seconds asks
GET /healthz on a fresh connection every 0.2 s with a 3 s timeout. Prints how many /healthz answered,
their p50 / max latency, and how many log lines (and bytes) the server wrote meanwhile.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nofile", type=int, default=1024, help="the server's soft descriptor limit")
    parser.add_argument("--idle", type=int, default=1100, help="idle connections to hold open")
    parser.add_argument("--hold", type=float, default=20.0, help="seconds to hold them")
    parser.add_argument("--source", type=Path, default=REPO, help="checkout whose bot/ to run")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < args.idle + 200:  # this client needs a descriptor per idle connection too
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.idle + 500), hard))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("TELEGRAM_", "OBLIGATIONS_"))}
    env.update(PYTHONPATH=str(args.source), OBLIGATIONS_PORT=str(port))
    nofile = args.nofile

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

    log_path = Path(f"/tmp/bench_idle_{port}.log")
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"],
            cwd=args.source,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            preexec_fn=limit,
        )
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        for _ in range(300):
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        before = log_path.stat().st_size, len(log_path.read_bytes().splitlines())
        idle: list[socket.socket] = []
        for _ in range(args.idle):
            try:
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=3))
            except OSError:
                break
        latencies: list[float] = []
        failures = 0
        end = time.monotonic() + args.hold
        # One client, no keep-alive: every /healthz is a fresh connection, as a monitoring probe makes.
        with httpx.Client(timeout=3, limits=httpx.Limits(max_keepalive_connections=0)) as client:
            while time.monotonic() < end:
                start = time.monotonic()
                try:
                    client.get(url).raise_for_status()
                    latencies.append(time.monotonic() - start)
                except (httpx.HTTPError, OSError):
                    failures += 1
                time.sleep(0.2)
        for sock in idle:
            sock.close()
        after = log_path.stat().st_size, len(log_path.read_bytes().splitlines())
    finally:
        server.terminate()
        server.wait(timeout=30)
    asked = len(latencies) + failures
    print(f"source {args.source}  nofile {args.nofile}  idle connections opened {len(idle)}  hold {args.hold:.0f} s")
    if latencies:
        print(
            f"/healthz answered {len(latencies)}/{asked}: p50 {statistics.median(latencies) * 1000:.1f} ms, "
            f"max {max(latencies) * 1000:.1f} ms"
        )
    else:
        print(f"/healthz answered 0/{asked}")
    print(f"server log meanwhile: {after[1] - before[1]} lines, {after[0] - before[0]} bytes")
    if os.environ.get("KEEP_LOG"):
        print(f"log kept: {log_path}")
    else:
        log_path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
