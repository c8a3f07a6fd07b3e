"""How fast the Telegram bot answers, end to end, against the fake Bot API on loopback.

Measures updates per second and the time from getUpdates handing an update to the bot until the
bot's sendMessage for it reaches the server (p50 / p99), with 1 and with 50 chats asking at once.
This is the bot's own overhead (PTB, engine, rendering, HTTP), not Telegram's network latency.

    .venv/bin/python benchmarks/bench_telegram.py [--updates 500]

Note: the AIORateLimiter keeps the bot under Telegram's 30 messages/second; the 50-chat run shows
that ceiling. `--no-limit` measures without it.

Two other cases, each instead of the above (issue 12's findings 1 and 2), with the production settings:

    .venv/bin/python benchmarks/bench_telegram.py --long 20     # other chats' latency, alone, then while
                                                                # one user sends 20 messages of 4,000 characters
    .venv/bin/python benchmarks/bench_telegram.py --outage 20   # 30 answers in flight through a 20 s outage:
                                                                # sendMessage 502, then connection refused

The outage runs at the production back-off (bot.telegram.delivery.DeliveryPolicy(): 1 s doubling to
60 s) and reports answers delivered, lost and duplicated, the time from the API's return to the last
delivery, and the delivery counters as /metrics would show them (read in process: polling serves no
/metrics).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
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


LONG_UNIT = "drugs "  # the worst case of issue 12 (many overlapping lexicon matches)


async def run_long_case(long_messages: int, chats: int = 10, rounds: int = 3) -> dict[str, float]:
    """Other chats' latency (update handed to the bot → its answer) while one user sends long messages.

    `rounds` times, each of `chats` other chats asks one question just after the long messages were
    pushed; with `long_messages=0`, the same without them. Production settings (20 messages/minute per
    user, so 20 long messages are within one user's allowance).
    """
    from tests.fake_bot_api import start_bot

    long_text = (LONG_UNIT * (4000 // len(LONG_UNIT) + 1))[:4000]
    latencies: list[float] = []
    long_seconds: list[float] = []

    def answered_at(chat: int, since: float) -> float | None:
        sends = [c.at for c in api.calls("sendMessage") if c.status == 200 and str(c.params["chat_id"]) == str(chat)]
        return next((at for at in sends if at >= since), None)

    with FakeBotAPI() as api:
        bot = await start_bot(api)
        for round_ in range(rounds):
            long_chat = 90_000 + round_  # a fresh user each round: 20 per minute each
            long_started = time.monotonic()
            for _ in range(long_messages):
                api.send_text(long_chat, long_text)
            pushed = [
                api.send_text(10_000 + chat, QUESTIONS[(round_ + chat) % len(QUESTIONS)]) for chat in range(chats)
            ]
            for u in pushed:
                chat, update_id = u["message"]["chat"]["id"], u["update_id"]
                await api.wait_for(lambda: api.delivered_at(update_id) is not None, 120, "the update fetched")  # noqa: B023
                since = api.delivered_at(update_id) or 0.0
                await api.wait_for(lambda: answered_at(chat, since) is not None, 120, "an answer")  # noqa: B023
                latencies.append((answered_at(chat, since) or 0.0) - since)
            await bot.idle(120)
            if long_messages:
                long_seconds.append(max(c.at for c in api.calls("sendMessage")) - long_started)
        await bot.stop()
    latencies.sort()
    return {
        "answers": len(latencies),
        "p50_ms": statistics.median(latencies) * 1000,
        "max_ms": latencies[-1] * 1000,
        "long_s": statistics.mean(long_seconds) if long_seconds else 0.0,
    }


async def run_outage_case(outage: float, in_flight: int = 30, refused_after: float = 5.0) -> dict[str, float]:
    """`in_flight` answers pending when sendMessage starts failing: 502 for `refused_after` s, then refused."""
    from bot.observability import metrics_text
    from tests.fake_bot_api import start_bot

    def counters() -> dict[str, float]:
        out: dict[str, float] = {}
        for line in metrics_text()[0].decode().splitlines():
            if line.startswith("obligations_telegram_") and "_total" in line:
                name, value = line.rsplit(" ", 1)
                out[name] = float(value)
        return out

    logging.getLogger("bot.telegram").setLevel(logging.ERROR)  # one retry line per answer and attempt: 150 lines
    before = counters()
    with FakeBotAPI() as api:
        bot = await start_bot(api)  # production DeliveryPolicy
        api.fail("sendMessage", 502, times=10**9)
        began = time.monotonic()
        pushed = [api.send_text(20_000 + chat, QUESTIONS[chat % len(QUESTIONS)]) for chat in range(in_flight)]
        await api.wait_for(
            lambda: len({c.params["chat_id"] for c in api.calls("sendMessage")}) >= in_flight, 30, "sends"
        )
        await asyncio.sleep(max(0.0, began + refused_after - time.monotonic()))
        api.refuse()
        await asyncio.sleep(max(0.0, began + outage - time.monotonic()))
        api.clear_faults()
        api.accept()
        back = time.monotonic()
        chats = [u["message"]["chat"]["id"] for u in pushed]
        try:
            await api.wait_for(lambda: all(api.delivered(c) for c in chats), 120, "every answer")
        except AssertionError:
            pass  # some were lost: counted below
        await asyncio.sleep(2.0)  # a late duplicate would show here
        delivered = [len(api.delivered(c)) for c in chats]
        last = max((c.at for c in api.calls("sendMessage") if c.status == 200), default=back)
        await bot.stop()
    after = counters()
    return {
        "in_flight": in_flight,
        "delivered": sum(1 for n in delivered if n),
        "lost": sum(1 for n in delivered if not n),
        "duplicated": sum(1 for n in delivered if n > 1),
        "outage_s": back - began,
        "return_to_last_s": last - back,
        **{k: after.get(k, 0) - before.get(k, 0) for k in after},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--no-limit", action="store_true", help="without AIORateLimiter pacing")
    parser.add_argument("--long", type=int, metavar="N", help="other chats' latency alone, then beside N long messages")
    parser.add_argument("--outage", type=float, metavar="SECONDS", help="30 answers in flight through an outage")
    args = parser.parse_args()
    if args.long is not None:
        print(f"{'long messages':>13} {'answers':>8} {'p50 ms':>8} {'max ms':>8} {'long answered in s':>19}")
        for n in (0, args.long):
            r = asyncio.run(run_long_case(n))
            print(f"{n:>13} {r['answers']:>8} {r['p50_ms']:>8.1f} {r['max_ms']:>8.1f} {r['long_s']:>19.1f}")
        return
    if args.outage is not None:
        for key, value in asyncio.run(run_outage_case(args.outage)).items():
            print(f"{key:>60} {value:g}")
        return
    rows = []
    for chats in (1, 50):
        n = min(args.updates, 100) if chats == 1 else args.updates
        rows.append((chats, asyncio.run(run_case(n, chats, not args.no_limit))))
    print(f"{'chats':>5} {'updates':>8} {'updates/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
    for chats, r in rows:
        print(f"{chats:>5} {r['updates']:>8} {r['per_second']:>10.1f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f}")


if __name__ == "__main__":
    main()
