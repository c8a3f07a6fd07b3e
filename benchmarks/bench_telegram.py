"""How fast the Telegram bot answers, end to end, against the fake Bot API on loopback.

Measures updates per second and the time from getUpdates handing an update to the bot until the
bot's sendMessage for it reaches the server (p50 / p99), with 1 and with 50 chats asking at once.
This is the bot's own overhead (PTB, engine, rendering, HTTP), not Telegram's network latency.

    .venv/bin/python benchmarks/bench_telegram.py [--updates 500]

Note: the AIORateLimiter keeps the bot under Telegram's 30 messages/second; the 50-chat run shows
that ceiling. `--no-limit` measures without it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fake_bot_api import FakeBotAPI, bot_settings, shared_engine

QUESTIONS = [
    "Le compte rendu opératoire doit-il aller dans le DMP ?",
    "CR bio au patient ?",
    "ordonnance soumise à entente préalable ?",
    "lettre de liaison de sortie par messagerie sécurisée ?",
    "Must the imaging report go to the DMP?",
]


async def run_case(updates: int, chats: int, limit: bool) -> dict[str, float]:
    from bot.telegram.app import build_application
    from bot.telegram.main import serve_polling

    with FakeBotAPI() as api:
        kwargs = {}
        if not limit:
            from telegram.ext import AIORateLimiter

            kwargs["rate_limiter"] = AIORateLimiter(overall_max_rate=0, group_max_rate=0)
        application = build_application(
            bot_settings(api, OBLIGATIONS_RATE_LIMIT_PER_MINUTE="10000"), shared_engine(), **kwargs
        )
        stop = asyncio.Event()
        task = asyncio.create_task(serve_polling(application, poll_timeout=1, stop=stop, handle_signals=False))
        await api.wait_for(lambda: bool(api.calls("getUpdates")), 10, "start")
        started = time.monotonic()
        sent_before = len(api.calls("sendMessage"))
        pushed = []
        per_chat = max(1, updates // chats)
        for round_ in range(per_chat):
            for chat in range(chats):
                u = api.send_text(10_000 + chat, QUESTIONS[(round_ + chat) % len(QUESTIONS)])
                pushed.append(u)
            # one question in flight per chat, as people do: wait for this round's answers
            await api.wait_for(lambda: len(api.calls("sendMessage")) - sent_before >= len(pushed), 120, "answers")
        elapsed = time.monotonic() - started
        stop.set()
        await task
        latencies = []
        sends = api.calls("sendMessage")[sent_before:]
        by_chat: dict[int, list[float]] = {}
        for c in sends:
            by_chat.setdefault(int(c.params["chat_id"]), []).append(c.at)
        for u in pushed:
            answer_at = by_chat[u["message"]["chat"]["id"]].pop(0)
            latencies.append(answer_at - api.delivered_at(u["update_id"]))
        latencies.sort()
        return {
            "updates": len(pushed),
            "per_second": len(pushed) / elapsed,
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--no-limit", action="store_true", help="without AIORateLimiter pacing")
    args = parser.parse_args()
    rows = []
    for chats in (1, 50):
        n = min(args.updates, 100) if chats == 1 else args.updates
        rows.append((chats, asyncio.run(run_case(n, chats, not args.no_limit))))
    print(f"{'chats':>5} {'updates':>8} {'updates/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
    for chats, r in rows:
        print(f"{chats:>5} {r['updates']:>8} {r['per_second']:>10.1f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f}")


if __name__ == "__main__":
    main()
