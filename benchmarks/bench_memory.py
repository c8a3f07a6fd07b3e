"""Memory of the Telegram bot before, at the peak of, and after the follow-up TTL (issue 12, finding 6).

Run by hand (not a test):

    .venv/bin/python benchmarks/bench_memory.py --chats 20000                 # RSS (~180 chats/s here)
    .venv/bin/python benchmarks/bench_memory.py --chats 5000 --tracemalloc    # and Python's own view (4× slower)

The real PTB Application (production handlers, per-chat processor, delivery, the periodic sweep started
by bot.telegram.lifecycle) answers one question from each of N chats, fed to its update queue as the
webhook does; its requests go over HTTP to the fake Bot API (tests/fake_bot_api.py), which runs in a
child process so that its record of every call is not counted here. The clock that drives context
expiry and the rate-limit windows is a fake one, moved past the TTL once the chats are in; the sweep
runs every second (instead of 60 s) so the script does not wait a minute.

Printed: RSS (VmRSS), with --tracemalloc the Python memory it sees since the baseline (total, and
allocated by `bot/` code: contexts, windows, vote tokens and their dicts), and
how many follow-up contexts, rate-limit windows and vote tokens the bot holds, at four moments: after a
warm-up (baseline), when every chat was answered (peak), after the context TTL and the sweep, and after
the vote buttons' 24 h as well. The answers' own clock ("today") is not moved.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import gc
import logging
import multiprocessing
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.bench_telegram import QUESTIONS  # noqa: E402  (the same questions as the latency benchmark)


def serve_fake_api(port_out: Any, stop_in: Any) -> None:
    """The child process: the fake Bot API, until the parent says stop."""
    from tests.fake_bot_api import FakeBotAPI

    with FakeBotAPI() as api:
        port_out.send(api.base_url)
        stop_in.recv()


def delivery_counters() -> dict[str, float]:
    """Answers given up or not retried, as /metrics counts them (a load test should show none)."""
    from bot.observability import DUPLICATES_AVOIDED, SENDS_DROPPED

    return {
        "dropped": SENDS_DROPPED._value.get(),
        "not_retried": DUPLICATES_AVOIDED.labels(source="send_timeout")._value.get(),
    }


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def update(chat_id: int, update_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Dr", "language_code": "fr"},
            "text": text,
        },
    }


async def measure(base_url: str, chats: int, batch: int, trace: bool) -> list[tuple[str, dict[str, float]]]:
    from telegram import Update

    from bot.engine import Engine
    from bot.settings import load_settings
    from bot.telegram.app import build_application
    from bot.telegram.delivery import RetryingRateLimiter
    from bot.telegram.feedback import VOTE_TTL_SECONDS
    from bot.telegram.lifecycle import running
    from tests.fake_bot_api import TEST_TOKEN

    logging.getLogger("bot").setLevel(logging.WARNING)  # one INFO line per answer otherwise
    clock = FakeClock()
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_API_BASE_URL": base_url})
    # Without Telegram's 30 messages/second pacing, or 50,000 answers take half an hour.
    limiter = RetryingRateLimiter(overall_max_rate=0, group_max_rate=0)
    application = build_application(settings, Engine.load(), monotonic=clock, updater=False, rate_limiter=limiter)
    application.bot_data["sweep_seconds"] = 1.0
    services = application.bot_data["services"]
    rows: list[tuple[str, dict[str, float]]] = []
    next_id = iter(range(1, 10**9))

    async def feed(first_chat: int, count: int) -> None:
        for start in range(0, count, batch):
            for chat in range(first_chat + start, first_chat + min(count, start + batch)):
                n = next(next_id)
                await application.update_queue.put(
                    Update.de_json(update(chat, n, QUESTIONS[n % len(QUESTIONS)]), application.bot)
                )
            while not application.update_queue.empty() or application.update_processor.current_concurrent_updates:
                await asyncio.sleep(0.01)

    def row(label: str) -> None:
        gc.collect()
        ours = float("nan")
        if trace:
            snapshot = tracemalloc.take_snapshot()
            ours = sum(s.size for s in snapshot.statistics("filename") if "/bot/" in s.traceback[0].filename)
        rows.append(
            (
                label,
                {
                    "rss_mb": rss_mb(),
                    "traced_mb": tracemalloc.get_traced_memory()[0] / 2**20 if trace else float("nan"),
                    "bot_code_mb": ours / 2**20,
                    "contexts": len(services.contexts._items),
                    "windows": len(services.rate_limit),
                    "vote_tokens": len(services.ledger._shown),
                },
            )
        )

    async def swept() -> None:
        await asyncio.sleep(2.5)  # the sweep runs every second (bot_data["sweep_seconds"])

    async with running(application):
        await feed(10_000_000, 500)  # warm-up: caches, pools, PTB's own structures
        clock.now += settings.obligations_context_ttl_seconds + 61
        await swept()
        if trace:
            tracemalloc.start()
        row("baseline (after a 500-chat warm-up)")
        began = time.monotonic()
        await feed(1, chats)
        took = time.monotonic() - began
        row(f"peak: {chats:,} chats answered in {took:.0f} s")
        clock.now += settings.obligations_context_ttl_seconds + 61
        await swept()
        row("after the context TTL and the sweep")
        clock.now += VOTE_TTL_SECONDS
        await swept()
        row("after the vote buttons' 24 h too")
        with contextlib.suppress(OSError, AttributeError):  # glibc only
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            row("then malloc_trim(0) (diagnostic)")
        unsent = {name: value for name, value in delivery_counters().items() if value}
        if unsent:
            rows.append((f"(answers not delivered: {unsent})", {}))
    if trace:
        tracemalloc.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=20_000, help="chats that each ask one question (default 20,000)")
    parser.add_argument("--batch", type=int, default=64, help="updates queued at once (default 64)")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (4× slower)")
    args = parser.parse_args(argv)

    ctx = multiprocessing.get_context("spawn")
    port_out, port_in = ctx.Pipe()
    stop_out, stop_in = ctx.Pipe()
    child = ctx.Process(target=serve_fake_api, args=(port_in, stop_out), daemon=True)
    child.start()
    try:
        base_url = port_out.recv()
        rows = asyncio.run(measure(base_url, args.chats, args.batch, args.tracemalloc))
    finally:
        stop_in.send("stop")
        child.join(10)
        if child.is_alive():
            child.kill()
    print(f"{'':<40} {'RSS MB':>8} {'traced MB':>10} {'bot/ MB':>8} {'contexts':>9} {'windows':>8} {'votes':>7}")
    for label, r in rows:
        if not r:
            print(label)
            continue
        print(
            f"{label:<40} {r['rss_mb']:>8.1f} {r['traced_mb']:>10.1f} {r['bot_code_mb']:>8.2f}"
            f" {r['contexts']:>9,.0f} {r['windows']:>8,.0f} {r['vote_tokens']:>7,.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
