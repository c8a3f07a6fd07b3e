"""How long an answer is on a phone: visible characters before the fold, over every labelled set.

Run by hand:  .venv/bin/python benchmarks/bench_answer_length.py [tests/data/*.tsv ...]

Each question is answered at its labelled date and rendered for Telegram (`render_html`); what counts is
the text a reader sees before opening the expandable blockquote (tags stripped, entities decoded), the
same measure as `bot.render.html.visible_before_fold`. Target: median ≤ 700 characters (one phone screen
at 390 px), 95th percentile ≤ 1,000. Prints the figures overall, by verdict and by language, and the
longest answers.
"""

from __future__ import annotations

import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Engine  # noqa: E402
from bot.evaluate import read_cases  # noqa: E402
from bot.render.html import render_html, visible_before_fold  # noqa: E402

MEDIAN_TARGET = 700
P95_TARGET = 1000


def percentile(values: list[int], p: float) -> int:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def line(name: str, values: list[int]) -> str:
    return f"{name:<24} {len(values):>6} {statistics.median(values):>7.0f} {percentile(values, 95):>6} {max(values):>6}"


def main(paths: list[str]) -> int:
    engine = Engine.load()
    lengths: list[int] = []
    by_verdict: dict[str, list[int]] = defaultdict(list)
    by_lang: dict[str, list[int]] = defaultdict(list)
    longest: list[tuple[int, str, str]] = []
    for path in paths:
        for case in read_cases(path):
            answer = engine.answer(case.question, case.date)
            n = len(visible_before_fold(render_html(answer)))
            lengths.append(n)
            by_verdict[answer.verdict].append(n)
            by_lang[answer.lang].append(n)
            longest.append((n, answer.verdict, f"{Path(path).name}:{case.line}"))
    print(f"{len(paths)} labelled sets, {len(lengths)} questions; visible characters before the fold (Telegram)")
    print(f"{'':<24} {'n':>6} {'median':>7} {'p95':>6} {'max':>6}")
    print(line("all", lengths))
    for verdict, values in sorted(by_verdict.items()):
        print(line("  " + verdict, values))
    for lang, values in sorted(by_lang.items()):
        print(line("  lang " + lang, values))
    print("longest:", ", ".join(f"{n} ({v}, {where})" for n, v, where in sorted(longest, reverse=True)[:5]))
    median, p95 = statistics.median(lengths), percentile(lengths, 95)
    ok = median <= MEDIAN_TARGET and p95 <= P95_TARGET
    print(f"target median ≤ {MEDIAN_TARGET}, p95 ≤ {P95_TARGET}: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or sorted(str(p) for p in (ROOT / "tests" / "data").glob("questions*.tsv"))))
