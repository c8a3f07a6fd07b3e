"""`obligations ask --jsonl` fed any bytes, under any locale: one valid UTF-8 JSON line out per line in."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

OBLIGATIONS = shutil.which("obligations") or ""
COMMAND = [OBLIGATIONS] if OBLIGATIONS else [sys.executable, "-m", "bot.cli"]

# 300 lines; every 7th carries bytes that are not UTF-8 (Latin-1 é, a lone continuation byte, a cut
# sequence, 0xFF), one is CRLF-terminated, one is blank.
GOOD = "Dois-je verser le CR bio dans le DMP ?"
BAD_LINES = [b"compte rendu op\xe9ratoire au patient ?", b"\x80\x81 ordonnance", b"lettre de liaison \xc3", b"\xff\xfe"]


def _batch() -> tuple[bytes, list[bool]]:
    lines: list[bytes] = []
    bad: list[bool] = []
    for i in range(300):
        if i % 7 == 3:
            lines.append(BAD_LINES[i % len(BAD_LINES)])
            bad.append(True)
        elif i == 12:
            lines.append(b"")
            bad.append(False)
        else:
            lines.append(GOOD.encode())
            bad.append(False)
    body = b"\n".join(lines[:20]) + b"\r\n" + b"\n".join(lines[20:]) + b"\n"
    return body, bad


def _env(locale: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONIOENCODING", "PYTHONUTF8", "LANG", "LC_CTYPE"}}
    locale, _, io_encoding = locale.partition("+")
    env["LC_ALL"] = locale
    if io_encoding:  # a strict UTF-8 locale (en_US.UTF-8) where none is installed: Python's strict stdio
        env["PYTHONIOENCODING"] = io_encoding
    return env


@pytest.mark.parametrize("locale", ["C", "C.UTF-8", "C.UTF-8+utf-8:strict"])
@pytest.mark.parametrize("source", ["stdin", "file"])
def test_any_bytes_give_one_valid_utf8_json_line_per_line(locale: str, source: str, tmp_path) -> None:
    body, bad = _batch()
    if source == "file":
        path = tmp_path / "questions.txt"
        path.write_bytes(body)
        args, stdin = [str(path)], None
    else:
        args, stdin = ["-"], body
    proc = subprocess.run(
        [*COMMAND, "ask", "--date", "2024-01-15", "--jsonl", *args],
        input=stdin,
        capture_output=True,
        env=_env(locale),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    assert b"Traceback" not in proc.stderr
    out_lines = proc.stdout.split(b"\n")
    assert out_lines[-1] == b"" and len(out_lines) - 1 == 300
    answers = [json.loads(line.decode("utf-8")) for line in out_lines[:-1]]  # strict: invalid UTF-8 raises
    for answer, was_bad in zip(answers, bad, strict=True):
        assert ("\ufffd" in answer["question"]) == was_bad
        assert "\r" not in answer["question"]
    assert answers[0]["question"] == GOOD and answers[0]["verdict"] == "obligatoire"
    assert answers[12]["question"] == "" and answers[19]["question"] == GOOD
    # The Latin-1 line still reads as the question it was, with the é replaced.
    assert answers[24]["question"] == "compte rendu op\ufffdratoire au patient ?"
