"""Cost of the feedback loop: a vote and a report written to SQLite, and a refusal on a locked file.

Run by hand:  .venv/bin/python benchmarks/bench_reports.py [N]

Writes into a temporary directory (on the disk that holds /tmp: the figures depend on its fsync),
one connection per operation as the service does. Prints p50 and p99 per operation, the file size
per report, and how long a report waits before it is refused while another process holds the lock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.feedback.facts import AnswerFacts  # noqa: E402
from bot.feedback.service import Feedback  # noqa: E402
from bot.feedback.store import ReportStore  # noqa: E402

FACTS = AnswerFacts("obligatoire", ("cr-biologie",), "arrete-2024-05-23", "fr", dt.date.today(), dt.date.today(), "dmp")
QUESTION = "Mme Dupont née le 12/03/1956 tél 06 12 34 56 78 : le compte rendu de biologie va-t-il dans le DMP ?"


def timed(action, n: int) -> list[float]:
    out = []
    for i in range(n):
        start = time.perf_counter()
        action(i)
        out.append(time.perf_counter() - start)
    return out


def show(name: str, seconds: list[float]) -> None:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{name:<28} p50 {statistics.median(seconds) * 1000:7.2f} ms   p99 {p99 * 1000:7.2f} ms   (n={len(seconds)})")


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "reports.sqlite3"
        store = ReportStore(db)
        start = time.perf_counter()
        store.migrate()
        print(f"{'migrate (new file)':<28} {(time.perf_counter() - start) * 1000:7.2f} ms")
        feedback = Feedback(store, reports_per_day=n + 1)
        show("vote", timed(lambda i: feedback.vote(i % 2 == 0, FACTS, "web"), n))
        show("report (mask + insert)", timed(lambda i: feedback.report("bench", QUESTION, "", FACTS, "web"), n))
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        print(f"{'file size':<28} {size / 1024:7.1f} KiB for {n} reports (database and WAL)")
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        refused = timed(lambda i: feedback.report(f"other{i}", QUESTION, "", FACTS, "web"), 5)
        holder.execute("ROLLBACK")
        show("refused (locked file)", refused)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
