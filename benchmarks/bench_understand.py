"""Accuracy and speed of question understanding, against two naive baselines, in one run.

Run by hand:  .venv/bin/python benchmarks/bench_understand.py [--cpu] [tests/data/questions.tsv ...]
              .venv/bin/python benchmarks/bench_understand.py [--cpu] --long   # 2,000-character messages only
(--cpu: time on this thread's CPU clock, not the wall clock, when the machine is shared and busy)

- engine: the full pipeline (`Engine.answer`), scored on the verdict and documents (as `obligations eval`),
  and on the document alone for questions about one listed document;
- baselines, scored on the document alone: rapidfuzz WRatio of the question against the official titles,
  and BM25 (Okapi, k1=1.5, b=0.75) of the question against the same titles;
- latency per question (p50, p99) on one core, start-up time (import and load, in fresh processes), peak memory.
"""

from __future__ import annotations

import math
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process, utils  # noqa: E402

from bot.engine import Engine  # noqa: E402
from bot.evaluate import SINGLE, Outcome, read_cases  # noqa: E402
from bot.normalise import fold  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


class BM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75):
        self.docs, self.k1, self.b = docs, k1, b
        self.avgdl = sum(map(len, docs)) / len(docs)
        df = Counter(t for d in docs for t in set(d))
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.tf = [Counter(d) for d in docs]

    def scores(self, query: list[str]) -> list[float]:
        out = []
        for d, tf in zip(self.docs, self.tf, strict=False):
            s = 0.0
            for t in query:
                if t in tf:
                    f = tf[t]
                    s += self.idf[t] * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * len(d) / self.avgdl))
            out.append(s)
        return out


CLOCK = time.perf_counter  # wall clock; --cpu measures this thread's CPU time (for a busy shared machine)


def timed(fn, items):
    results, times = [], []
    for item in items:
        t0 = CLOCK()
        results.append(fn(item))
        times.append((CLOCK() - t0) * 1000)
    return results, times


def startup() -> tuple[float, float]:
    """Seconds to import the dependencies, and to import + load our data, each in a fresh process (median of 5)."""
    deps = "import time; t=time.perf_counter(); import pydantic, yaml, rapidfuzz; print(time.perf_counter()-t)"
    ours = (
        "import time; t=time.perf_counter(); import pydantic, yaml, rapidfuzz; d=time.perf_counter();"
        "from bot.engine import Engine; e=Engine.load(); print(time.perf_counter()-d)"
    )

    def run(code: str) -> float:
        vals = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
                ).stdout
            )
            for _ in range(5)
        ]
        return statistics.median(vals)

    return run(deps), run(ours)


def main(paths: list[str]) -> None:
    engine = Engine.load()
    titles = {
        d: r.wording
        for d in engine.rulebook.documents
        for r in [engine.rulebook.row_at(d, engine.rulebook.versions[0].applies_from)[1]]
    }
    ids, names = list(titles), [titles[d] for d in titles]
    bm25 = BM25([fold(n).split() for n in names])

    def wratio(q: str) -> str | None:
        best = process.extractOne(q, names, scorer=fuzz.WRatio, processor=utils.default_process)
        return ids[best[2]] if best else None

    def bm25_top(q: str) -> str | None:
        s = bm25.scores(fold(q).split())
        i = max(range(len(s)), key=s.__getitem__)
        return ids[i] if s[i] > 0 else None

    print(f"{'set':28} {'method':22} {'full score':>12} {'document acc':>13} {'p50 ms':>8} {'p99 ms':>8}")
    for path in paths:
        cases = read_cases(path)
        single = [c for c in cases if c.verdict in SINGLE]
        # warm-up, then measure
        for c in cases[:20]:
            engine.answer(c.question, c.date)
        answers, t_engine = timed(lambda c: engine.answer(c.question, c.date), cases)
        outcomes = [
            Outcome(c, a.verdict, tuple(a.documents), a.date, a.channel_asked)
            for c, a in zip(cases, answers, strict=False)
        ]
        verdict_acc = sum(o.ok for o in outcomes) / len(cases)
        doc_acc = sum(
            1
            for c, a in zip(cases, answers, strict=False)
            if c.verdict in SINGLE and a.documents[:1] == list(c.documents[:1])
        ) / len(single)
        name = Path(path).name
        print(
            f"{name:28} {'engine':22} {100 * verdict_acc:11.1f}% {100 * doc_acc:12.1f}% {percentile(t_engine, 50):8.3f} {percentile(t_engine, 99):8.3f}"
        )
        for label, fn in (("rapidfuzz WRatio titles", wratio), ("BM25 titles", bm25_top)):
            found, times = timed(lambda c, fn=fn: fn(c.question), single)
            acc = sum(1 for c, f in zip(single, found, strict=False) if f == c.documents[0]) / len(single)
            print(
                f"{name:28} {label:22} {'n/a':>12} {100 * acc:12.1f}% {percentile(times, 50):8.3f} {percentile(times, 99):8.3f}"
            )
    deps, ours = startup()
    tracemalloc.start()
    Engine.load()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    import resource

    print(
        f"\nstart-up: importing pydantic+yaml+rapidfuzz {deps:.3f} s; then importing bot and loading rules, sources, lexicon {ours:.3f} s"
    )
    print(
        f"peak memory: loading the data allocates {peak / 1e6:.1f} MB (tracemalloc); process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


LONG_UNITS = {
    "repeated drug word": "drugs ",
    "repeated document name": "compte rendu opératoire ",
    "one long token": "a",
    "all punctuation": "?!.,;:-«»",
    "mixed scripts": "CR биология 報告 DMP ناسخ ",
    "dates": "12/03/2024 ",
    "prose": "Bonjour, le compte rendu de biologie doit-il aller au patient par messagerie sécurisée en 2025 ? ",
}


def unknown_words(n: int) -> str:
    import random

    rng = random.Random(1)
    words = ("".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(rng.randint(5, 10))) for _ in range(n))
    return " ".join(words)[:2000]


def long_messages(repeats: int = 200) -> None:
    """p50/p99 of `Engine.answer` for 2,000-character messages of several kinds (issue 12: ≤ 5 ms p99)."""
    import datetime as dt

    engine = Engine.load()
    day = dt.date(2026, 1, 1)
    messages = {k: (u * (2000 // len(u) + 1))[:2000] for k, u in LONG_UNITS.items()}
    messages["unknown words"] = unknown_words(400)
    print(f"{'2,000 characters of':28} {'p50 ms':>8} {'p99 ms':>8} {'200 chars p50':>14}")
    for kind, text in messages.items():
        short = text[:200]
        for _ in range(10):
            engine.answer(text, day)
        _, times = timed(lambda q: engine.answer(q, day), [text] * repeats)
        _, short_times = timed(lambda q: engine.answer(q, day), [short] * repeats)
        print(
            f"{kind:28} {percentile(times, 50):8.3f} {percentile(times, 99):8.3f} {percentile(short_times, 50):14.3f}"
        )


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--cpu"]
    if "--cpu" in sys.argv[1:]:
        CLOCK = time.thread_time
    if args == ["--long"]:
        long_messages()
        sys.exit(0)
    args = args or [str(p) for p in sorted((ROOT / "tests" / "data").glob("questions*.tsv"))]
    main(args)
