"""The review loop as a maintainer runs it: a helpdesk agent reports from the console, then
`obligations reports list`, `export --format tsv`, `eval` on the export, and `purge`."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

OBLIGATIONS = shutil.which("obligations", path=str(Path(sys.executable).parent)) or shutil.which("obligations")
REPO = Path(__file__).resolve().parents[1]


def run(*args: str, db: Path, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    cmd = [OBLIGATIONS, *args] if OBLIGATIONS else [sys.executable, "-m", "bot.cli", *args]
    environ = {k: v for k, v in os.environ.items() if k != "SKIP_BROWSER_TESTS"}
    environ.update({"OBLIGATIONS_REPORTS_DB": str(db), **env})
    return subprocess.run(cmd, capture_output=True, text=True, input=stdin, timeout=60, env=environ, cwd=REPO)


CONSOLE_SESSION = (
    "CR bio dans le DMP ?\n"
    ":faux\n"
    ":signaler la bonne réponse serait : exclu\n"
    "M. Martin né le 01/02/1960 joignable au 06 11 22 33 44 : CRO au patient en 2023 ?\n"
    ":faux\n"
    ":signaler\n"
    ":juste\n"
)


def test_a_console_report_is_listed_exported_and_read_back_by_eval(tmp_path: Path) -> None:
    db = tmp_path / "reports.sqlite3"
    console = run("console", db=db, stdin=CONSOLE_SESSION)
    assert console.returncode == 0, console.stderr
    assert "l'équipe la lira" in console.stdout and ":signaler" in console.stdout
    assert "signalement n° 1 est enregistré" in console.stdout
    assert "signalement n° 2 est enregistré. Masqué avant enregistrement : date de naissance, numéro de téléphone" in (
        console.stdout
    )
    assert "Déjà noté" in console.stdout  # :juste after :faux on the same answer counts once

    listed = run("reports", "list", db=db)
    assert listed.returncode == 0, listed.stderr
    assert "#1" in listed.stdout and "question: CR bio dans le DMP ?" in listed.stdout
    assert "comment:  la bonne réponse serait : exclu" in listed.stdout
    assert "2 report(s); votes: 0 up, 2 down" in listed.stdout
    assert "Martin" not in listed.stdout and "06 11 22 33 44" not in listed.stdout

    exported = run("reports", "export", "--format", "tsv", db=db)
    assert exported.returncode == 0, exported.stderr
    header, first, second = exported.stdout.splitlines()
    assert header.split("\t") == ["question", "date", "verdict", "documents", "as_of", "channel", "note"]
    cells = first.split("\t")
    assert cells[0] == "CR bio dans le DMP ?" and cells[2:4] == ["obligatoire", "cr-biologie"] and cells[5] == "dmp"
    assert "comment: la bonne réponse serait : exclu" in cells[6]
    masked = second.split("\t")
    assert masked[0] == "[nom] [date de naissance] joignable au [téléphone] : CRO au patient en 2023 ?"
    assert masked[2:5] == ["pas_encore_en_vigueur", "cr-operatoire", "2023-01-01"]  # the answer given, as of 2023

    # The export is a labelled set `obligations eval` reads: as exported it reproduces the answers given…
    tsv = tmp_path / "reported.tsv"
    tsv.write_text(exported.stdout, encoding="utf-8")
    evaluated = run("eval", str(tsv), db=db)
    assert evaluated.returncode == 0, evaluated.stderr
    assert evaluated.stdout.startswith("accuracy: 2/2 = 100.0 %")
    # …and once a reviewer corrects a label, the row is a miss until the rules or the lexicon are fixed.
    tsv.write_text(exported.stdout.replace("\tobligatoire\tcr-biologie\t", "\texclu\tcr-biologie\t"), encoding="utf-8")
    evaluated = run("eval", str(tsv), db=db)
    assert evaluated.stdout.startswith("accuracy: 1/2 = 50.0 %")
    assert "expected exclu cr-biologie got obligatoire cr-biologie" in evaluated.stdout


def test_purge_before_a_date_and_list_since(tmp_path: Path) -> None:
    db = tmp_path / "reports.sqlite3"
    month_ago = dt.date.today() - dt.timedelta(days=30)
    week_ago = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    assert run("console", db=db, stdin="CR bio dans le DMP ?\n:signaler\n").returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE reports SET created = ?", (f"{month_ago}T10:00:00+00:00",))
    assert run("console", db=db, stdin="CRO dans le DMP ?\n:signaler\n").returncode == 0
    assert "CR bio" in run("reports", "list", db=db).stdout  # within the 90 days kept
    since = run("reports", "list", "--since", week_ago, db=db)
    assert "CRO dans le DMP" in since.stdout and "CR bio" not in since.stdout
    purged = run("reports", "purge", "--before", week_ago, db=db)
    assert purged.returncode == 0 and purged.stdout.startswith(f"deleted 1 report(s) created before {week_ago}")
    listed = run("reports", "list", db=db).stdout
    assert "CR bio" not in listed and "CRO dans le DMP" in listed
    # Without --before, purge applies the retention period: with 20 days, the month-old report would go.
    assert run("reports", "purge", db=db, OBLIGATIONS_REPORTS_RETENTION_DAYS="20").stdout.startswith("deleted 0")


def test_no_database_yet_is_said_plainly_and_not_created(tmp_path: Path) -> None:
    db = tmp_path / "none" / "reports.sqlite3"
    listed = run("reports", "list", db=db)
    assert listed.returncode == 0 and "no reports yet" in listed.stderr
    assert not db.exists()
    bad = run("reports", "list", "--since", "hier", db=db)
    assert bad.returncode == 2 and "not a date" in bad.stderr


def test_the_console_answers_even_when_reports_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run("console", db=blocker / "reports.sqlite3", stdin="CR bio dans le DMP ?\n:faux\n:signaler\n")
    assert result.returncode == 0
    assert result.stdout.startswith("Obligatoire depuis le 31 décembre 2022")
    assert "n'a pas pu être enregistré" in result.stdout and "Rien n'a été gardé" in result.stdout
