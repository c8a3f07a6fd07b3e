"""The `obligations` command as a helpdesk agent runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

OBLIGATIONS = shutil.which("obligations") or ""


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    cmd = [OBLIGATIONS, *args] if OBLIGATIONS else [sys.executable, "-m", "bot.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, input=stdin, timeout=60)


def test_ask_plain_text_done_when():
    proc = run("ask", "Dois-je envoyer le compte rendu opératoire au patient ?", "--date", "2026-11-25")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    # asked as of another day than today: line 1 says which
    assert out.startswith("Au 25 novembre 2026, obligatoire depuis le 31 décembre 2023 : compte rendu opératoire.")
    # the annex row under its column headings, the cells as the text has them
    assert "« Le compte rendu opératoire »\nVersement au DMP : oui · Envoi aux professionnels : oui" in out
    assert "Entrée en vigueur : 31 décembre 2023" in out
    assert "« 3° Envoyés au patient par la messagerie sécurisée" in out
    assert "https://legal.tricoteuses.fr/articles/JORFARTI000045726630" in out
    assert "médecin traitant" in out


def test_ask_json_before_entry_into_force():
    proc = run("ask", "--date", "2023-06-01", "compte rendu opératoire", "--json")
    data = json.loads(proc.stdout)
    assert data["verdict"] == "pas_encore_en_vigueur" and data["documents"] == ["cr-operatoire"]
    assert data["date"] == "2023-06-01" and data["effective_date"] == "2023-12-31"
    assert data["text"].startswith("Au 1er juin 2023, pas encore obligatoire : compte rendu opératoire")
    assert data["headline"] == data["text"].splitlines()[0] and data["today"]
    (primary,) = [q for q in data["citations"] if q["primary"]]
    assert [c["text"] for c in primary["cells"]] == ["Le compte rendu opératoire", "X", "X", "X", "31 décembre 2023"]


def test_ask_jsonl_from_stdin_one_answer_per_line():
    proc = run(
        "ask",
        "--jsonl",
        "-",
        "--date",
        "2024-01-15",
        stdin="CR bio dans le DMP ?\n\nbonjour\n\x00\x01 binaire\nordo entente préalable\n",
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [d["verdict"] for d in lines] == ["obligatoire", "hors_sujet", "hors_sujet", "hors_sujet", "exclu"]
    assert all(d["date"] == "2024-01-15" for d in lines)


def test_ask_jsonl_missing_file():
    proc = run("ask", "--jsonl", "/nonexistent/questions.txt")
    assert proc.returncode == 1 and "cannot read" in proc.stderr


def test_ask_without_question_is_a_usage_error():
    proc = run("ask")
    assert proc.returncode == 2 and "give a question" in proc.stderr


def test_bad_date_is_a_usage_error():
    proc = run("ask", "CRO", "--date", "2023-13-45")
    assert proc.returncode == 2 and "not a date" in proc.stderr and "Traceback" not in proc.stderr


def test_list_json_has_every_document():
    proc = run("list", "--json", "--date", "2023-06-01")
    rows = json.loads(proc.stdout)
    assert [r["id"] for r in rows] == [
        "cr-biologie",
        "cr-imagerie",
        "prescription-produits-sante",
        "cr-operatoire",
        "prescription-biologie",
        "demande-imagerie",
        "certificats-declarations",
        "courriers",
        "lettre-liaison-entree",
        "lettre-liaison-sortie",
    ]
    by_id = {r["id"]: r for r in rows}
    assert by_id["cr-operatoire"]["effective_date"] == "2023-12-31" and by_id["cr-operatoire"]["in_force"] is False
    assert by_id["prescription-produits-sante"]["exclusions"] == ["entente_prealable", "sejour_hospitalier"]
    assert by_id["cr-biologie"]["type_code"] == "11502-2"
    for r in rows:
        assert set(r) >= {"id", "title", "effective_date", "channels", "exclusions", "type_code"}


def test_list_text():
    proc = run("list", "--date", "2025-01-01")
    assert proc.returncode == 0 and "cr-operatoire" in proc.stdout and "non vérifié" in proc.stdout


def test_show_document_and_unknown_id():
    proc = run("show", "lettre-liaison-sortie")
    assert proc.returncode == 0 and "R. 1112-1-2" in proc.stdout
    bad = run("show", "cr-dentaire")
    assert bad.returncode == 2 and "unknown document" in bad.stderr and "cr-operatoire" in bad.stderr


def test_check_ok():
    proc = run("check")
    assert proc.returncode == 0 and proc.stdout.startswith("ok:")


def test_eval_prints_accuracy(tmp_path):
    f = tmp_path / "q.tsv"
    f.write_text(
        "question\tdate\tverdict\tdocuments\tnote\nCRO au patient ?\t2026-11-25\tobligatoire\tcr-operatoire\t\nbonjour\t2026-11-25\tambigu\t\twrong on purpose\n",
        encoding="utf-8",
    )
    proc = run("eval", str(f))
    assert proc.returncode == 0
    assert "accuracy: 1/2 = 50.0 %" in proc.stdout and "line 3" in proc.stdout


def test_output_piped_into_a_closed_reader_ends_quietly():
    """`obligations ask --jsonl - | head -1`: more output than a pipe holds, reader gone early."""
    cmd = (
        [OBLIGATIONS, "ask", "--jsonl", "-"]
        if OBLIGATIONS
        else [sys.executable, "-m", "bot.cli", "ask", "--jsonl", "-"]
    )
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(("CRO au patient ?\n" * 300).encode())
    proc.stdin.close()
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_an_unknown_setting_stops_every_command(monkeypatch):
    env = {**__import__("os").environ, "OBLIGATIONS_TYPO": "1"}
    cmd = [OBLIGATIONS, "ask", "CRO ?"] if OBLIGATIONS else [sys.executable, "-m", "bot.cli", "ask", "CRO ?"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 78 and "OBLIGATIONS_TYPO" in proc.stderr and "Traceback" not in proc.stderr


def test_eval_reads_other_layouts(tmp_path):
    """A set written elsewhere may be CSV, name its columns differently, or have no date column."""
    csv_file = tmp_path / "q.csv"
    csv_file.write_text(
        "expected_verdict,question,expected_documents\nobligatoire,CRO au patient ?,cr-operatoire\nambigu,compte rendu ?,cr-biologie;cr-imagerie\n",
        encoding="utf-8",
    )
    assert "accuracy: 2/2 = 100.0 %" in run("eval", str(csv_file), "--date", "2026-11-25").stdout
    bare = tmp_path / "q.tsv"
    bare.write_text("CRO au patient ?\tobligatoire\tcr-operatoire\nbonjour\thors_sujet\t\n", encoding="utf-8")
    assert "accuracy: 2/2 = 100.0 %" in run("eval", str(bare)).stdout
    bad = tmp_path / "bad.tsv"
    bad.write_text("question\tverdict\nCRO ?\tmaybe\n", encoding="utf-8")
    proc = run("eval", str(bad))
    assert proc.returncode == 1 and "unknown verdict" in proc.stderr
