"""Throughput and latency of GET /api/ask on loopback, beside the engine's own time per question.

Run by hand (not a test):

    .venv/bin/python benchmarks/bench_api.py                 # starts `obligations serve` itself
    .venv/bin/python benchmarks/bench_api.py --url http://127.0.0.1:8080   # an already running server

For each number of concurrent clients (default 1 and 50) it sends at most --requests requests or
runs for at most --seconds, whichever comes first, and prints requests per second and p50/p99
latency. With `--long-clients 2` it then repeats each run, in the same server, while that many
other clients send `--long-chars`-character questions (« drugs » repeated, the worst case issue 12
found) at `--long-rate` requests per second each, and prints their own latency too:

    .venv/bin/python benchmarks/bench_api.py --clients 50 --long-clients 2 --long-rate 1.6
 The client (httpx, asyncio) runs in this process, so at high concurrency part of the cost
measured is the client's own; the server runs in its own process, as in production.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

QUESTIONS = [
    "CR bio dans le DMP ?",
    "compte rendu opératoire au patient ?",
    "compte rendu ?",
    "ordonnance de médicaments soumise à entente préalable ?",
    "lettre de liaison de sortie par messagerie sécurisée ?",
    "must I send the imaging report to the patient?",
    "certificat médical dans le DMP en 2023 ?",
    "demande d'examen de radiologie au confrère ?",
    "quel temps fera-t-il demain ?",
    "compte rendu de génétique constitutionnelle dans le DMP ?",
]


@dataclass
class Result:
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    def row(self) -> str:
        lat = sorted(self.latencies)
        p50 = percentile(lat, 50) * 1000
        p99 = percentile(lat, 99) * 1000
        rps = self.requests / self.seconds if self.seconds else 0.0
        return f"{self.clients:>7} {self.requests:>9} {self.errors:>6} {rps:>9.0f} {p50:>8.2f} {p99:>8.2f}"


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


@dataclass
class Long:
    """Clients sending long questions at a fixed pace, beside the measured ones."""

    clients: int
    rate: float  # requests per second, each
    chars: int
    unit: str = "drugs "

    def question(self) -> str:
        return (self.unit * (self.chars // len(self.unit) + 1))[: self.chars]


async def timed_ask(client: httpx.AsyncClient, question: str, latencies: list[float]) -> bool:
    """One `/api/ask`, its latency appended to `latencies`; whether it was answered (200)."""
    start = time.perf_counter()
    try:
        response = await client.get("/api/ask", params={"q": question})
        ok = response.status_code == 200
    except httpx.HTTPError:
        ok = False
    latencies.append(time.perf_counter() - start)
    return ok


async def long_senders(url: str, long: Long, stop: asyncio.Event) -> Result:
    """Each client sends one long question every 1/rate s (at once if the previous answer came later)."""
    latencies: list[float] = []
    errors = 0
    question = long.question()
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    async def sender() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
            due = time.perf_counter()
            while not stop.is_set():
                errors += not await timed_ask(client, question, latencies)
                due += 1 / long.rate
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), max(0.0, due - time.perf_counter()))

    began = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(long.clients)))
    return Result(long.clients, len(latencies), errors, time.perf_counter() - began, latencies)


async def load_beside(
    url: str, clients: int, max_requests: int, max_seconds: float, long: Long
) -> tuple[Result, Result]:
    """`load`, while `long` clients send long questions; (ordinary clients, long clients)."""
    stop = asyncio.Event()
    senders = asyncio.create_task(long_senders(url, long, stop))
    await asyncio.sleep(1.0)  # the long clients are under way before the measure starts
    try:
        ordinary = await load(url, clients, max_requests, max_seconds)
    finally:
        stop.set()
    return ordinary, await senders


async def load(url: str, clients: int, max_requests: int, max_seconds: float) -> Result:
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.perf_counter() + max_seconds
    # One client (one keep-alive connection) per simulated user: httpx's shared pool serialises
    # badly under 50 concurrent requests and would measure itself rather than the server.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    pool = [httpx.AsyncClient(base_url=url, limits=limits, timeout=30) for _ in range(clients)]
    try:
        await asyncio.gather(*(c.get("/api/ask", params={"q": QUESTIONS[0]}) for c in pool))  # warm-up, not counted

        async def worker(offset: int) -> None:
            nonlocal errors, sent
            client = pool[offset]
            i = offset
            while sent < max_requests and time.perf_counter() < deadline:
                sent += 1
                question = QUESTIONS[i % len(QUESTIONS)]
                i += 1
                errors += not await timed_ask(client, question, latencies)

        began = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(clients)))
        elapsed = time.perf_counter() - began
    finally:
        await asyncio.gather(*(c.aclose() for c in pool))
    return Result(clients, len(latencies), errors, elapsed, latencies)


def engine_time(rounds: int) -> tuple[float, float]:
    """p50 and p99 of engine.answer() alone, in milliseconds, over the same questions."""
    from bot.engine import Engine

    engine = Engine.load()
    today = dt.date.today()
    for q in QUESTIONS:
        engine.answer(q, today=today)
    times = []
    for _ in range(rounds):
        for q in QUESTIONS:
            start = time.perf_counter()
            engine.answer(q, today=today)
            times.append(time.perf_counter() - start)
    times.sort()
    return percentile(times, 50) * 1000, percentile(times, 99) * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OBLIGATIONS_", "TELEGRAM_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise SystemExit(f"obligations serve exited with {process.returncode}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise SystemExit("obligations serve did not start within 30 s")
        time.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="benchmark this running server instead of starting one")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 50], help="concurrent clients (default: 1 50)")
    parser.add_argument("--requests", type=int, default=3000, help="at most this many requests per run (default 3000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="at most this long per run (default 10)")
    parser.add_argument("--long-clients", type=int, default=0, help="then again beside this many long-question clients")
    parser.add_argument("--long-rate", type=float, default=1.6, help="long questions per second, each (default 1.6)")
    parser.add_argument("--long-chars", type=int, default=2000, help="characters per long question (default 2000)")
    args = parser.parse_args(argv)
    long = Long(args.long_clients, args.long_rate, args.long_chars)

    process = None
    url = args.url
    if url is None:
        process, url = start_server()
    try:
        results = [asyncio.run(load(url, c, args.requests, args.seconds)) for c in args.clients]
        beside = [
            asyncio.run(load_beside(url, c, args.requests, args.seconds, long)) for c in args.clients if long.clients
        ]
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    e50, e99 = engine_time(rounds=100)

    print(f"GET /api/ask on {url} ({len(QUESTIONS)} questions in turn)")
    print(f"{'clients':>7} {'requests':>9} {'errors':>6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for result in results:
        print(result.row())
    if beside:
        print(
            f"the same, beside {long.clients} clients each sending {long.rate:g} questions/s of {long.chars} characters:"
        )
        for ordinary, _ in beside:
            print(ordinary.row())
        print("the long-question clients themselves:")
        for _, longs in beside:
            print(longs.row())
    print(f"engine.answer() alone: p50 {e50:.3f} ms, p99 {e99:.3f} ms per question (in process, no HTTP)")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; mean over runs is not a promise, compare runs on one machine"
    )
    return 1 if any(r.errors for r in results + [r for pair in beside for r in pair]) else 0


if __name__ == "__main__":
    sys.exit(main())
