"""The reports database as maintainers and auditors see it: what is in the file, and what never is."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.feedback.facts import AnswerFacts
from bot.feedback.service import Feedback
from bot.feedback.store import SCHEMA_VERSION, ReportStore, StorageUnavailable, default_path

FACTS = AnswerFacts(
    verdict="obligatoire",
    documents=("cr-biologie",),
    version="arrete-2024-05-23",
    lang="fr",
    asked_on=dt.date(2026, 11, 25),
    answer_date=dt.date(2026, 11, 25),
    channel="dmp",
)
PATIENT_LINE = (
    "Mme Dupont née le 12/03/1956, NIR 1 56 03 75 123 456 78, tél 06 12 34 56 78, "
    "jean.dupont@gmail.com : son CR bio dans le DMP ?"
)
IDENTIFIERS = ("Dupont", "12/03/1956", "1 56 03 75 123 456 78", "06 12 34 56 78", "jean.dupont@gmail.com", "123 456")


def file_bytes(path: Path) -> bytes:
    """Everything SQLite keeps on disk for this database: the file and its write-ahead log."""
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def test_a_report_with_a_nir_a_phone_an_email_and_a_birth_date_is_stored_without_them(tmp_path: Path) -> None:
    db = tmp_path / "reports.sqlite3"
    feedback = Feedback(ReportStore(db))
    outcome = feedback.report(("telegram", 987654321), PATIENT_LINE, "appelez le 01 23 45 67 89", FACTS, "telegram")
    assert outcome.stored and outcome.number == 1
    assert outcome.masked == ("nir", "birth_date", "phone", "email")
    [report] = ReportStore(db).reports()
    assert (
        report.question == "[nom] [date de naissance], NIR [NIR], tél [téléphone], [e-mail] : son CR bio dans le DMP ?"
    )
    assert report.comment == "appelez le [téléphone]"
    assert (report.verdict, report.documents, report.version) == ("obligatoire", ("cr-biologie",), "arrete-2024-05-23")
    raw = file_bytes(db)
    for identifier in (*IDENTIFIERS, "01 23 45 67 89"):
        assert identifier.encode() not in raw, identifier
    # The sender key of the daily cap (a Telegram user id) stays in memory: no column, no byte of it.
    assert b"987654321" not in raw and str(987654321).encode("utf-16-le") not in raw


def test_the_schema_holds_no_column_for_a_user_or_a_chat(tmp_path: Path) -> None:
    store = ReportStore(tmp_path / "r.sqlite3")
    store.migrate()
    with sqlite3.connect(store.path) as conn:
        columns = {
            row[1] for table in ("reports", "votes") for row in conn.execute(f"PRAGMA table_info({table})").fetchall()
        }
    assert not {c for c in columns if any(word in c for word in ("user", "chat", "ip", "addr", "name"))}


def test_the_file_is_one_wal_database_with_a_versioned_schema_migrated_on_start(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "dir" / "reports.sqlite3"
    store = ReportStore(db)
    assert store.migrate() == 0  # created from nothing
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert oct(db.stat().st_mode & 0o777) == "0o600"
    assert ReportStore(db).migrate() == SCHEMA_VERSION  # a second start finds it up to date
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StorageUnavailable, match="newer than this release"):
        ReportStore(db).migrate()


def test_reports_and_votes_older_than_the_retention_are_purged_automatically(tmp_path: Path) -> None:
    now = [dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)]
    store = ReportStore(tmp_path / "r.sqlite3", retention_days=90, now=lambda: now[0])
    store.add_report("vieux", "", (), FACTS, "web")
    store.add_vote(False, FACTS, "web")
    now[0] += dt.timedelta(days=60)
    store.add_report("récent", "", (), FACTS, "web")
    now[0] += dt.timedelta(days=31)  # the first report is now 91 days old
    store.add_vote(True, FACTS, "telegram")  # any write purges, at most every few hours
    assert [r.question for r in store.reports()] == ["récent"]
    assert [(v.vote, v.count) for v in store.votes()] == [("up", 1)]
    # A restart purges too.
    now[0] += dt.timedelta(days=92)
    fresh = ReportStore(store.path, retention_days=90, now=lambda: now[0])
    fresh.migrate()
    assert fresh.reports() == [] and fresh.votes() == []


def test_votes_are_counts_per_day_not_events(tmp_path: Path) -> None:
    feedback = Feedback(ReportStore(tmp_path / "r.sqlite3"))
    for _ in range(3):
        feedback.vote(False, FACTS, "telegram")
    feedback.vote(True, FACTS, "web")
    with sqlite3.connect(tmp_path / "r.sqlite3") as conn:
        rows = conn.execute("SELECT vote, frontend, count FROM votes ORDER BY vote").fetchall()
    assert rows == [("down", "telegram", 3), ("up", "web", 1)]


def test_an_unwritable_path_refuses_the_report_politely_and_votes_still_count(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    feedback = Feedback(ReportStore(blocker / "reports.sqlite3"))
    assert feedback.start() is False
    feedback.vote(True, FACTS, "web")  # no exception
    outcome = feedback.report("someone", "CR bio ?", "", FACTS, "web")
    assert outcome.outcome == "unavailable" and not outcome.stored


def test_a_locked_database_refuses_the_report_within_a_second(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    ReportStore(db).migrate()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    try:
        feedback = Feedback(ReportStore(db))
        started = time.monotonic()
        outcome = feedback.report("someone", "CR bio ?", "", FACTS, "web")
        assert outcome.outcome == "unavailable"
        assert time.monotonic() - started < 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert feedback.report("someone", "CR bio ?", "", FACTS, "web").stored  # and works again once released


def test_reports_are_capped_per_sender_per_day_and_by_size(tmp_path: Path) -> None:
    today = [dt.date(2026, 11, 25)]
    feedback = Feedback(ReportStore(tmp_path / "r.sqlite3"), reports_per_day=2, today=lambda: today[0])
    assert feedback.report("a", "q1", "", FACTS, "web").stored
    assert feedback.report("a", "q2", "", FACTS, "web").stored
    assert feedback.report("a", "q3", "", FACTS, "web").outcome == "limited"
    assert feedback.report("b", "q3", "", FACTS, "web").stored  # another sender
    today[0] += dt.timedelta(days=1)
    assert feedback.report("a", "q4", "", FACTS, "web").stored  # a new day
    assert feedback.report("c", "x" * 2001, "", FACTS, "web").outcome == "too_long"
    assert feedback.report("c", "   ", "", FACTS, "web").outcome == "empty"
    assert [r.question for r in feedback.store.reports()] == ["q1", "q2", "q3", "q4"]


def test_two_processes_can_write_at_once(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    ReportStore(db).migrate()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            store = ReportStore(db, busy_timeout=5)
            for i in range(20):
                store.add_report(f"q{n}-{i}", "", (), FACTS, "web")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(ReportStore(db).reports()) == 80


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"STATE_DIRECTORY": "/var/lib/obligations", "XDG_STATE_HOME": "/x", "HOME": "/h"}, "/var/lib/obligations"),
        ({"XDG_STATE_HOME": "/x", "HOME": "/h"}, "/x/obligations"),
        ({"XDG_STATE_HOME": "relative", "HOME": "/h"}, "/h/.local/state/obligations"),
        ({"HOME": "/h"}, "/h/.local/state/obligations"),
    ],
)
def test_the_default_path_follows_systemd_then_xdg_then_home(env: dict[str, str], expected: str) -> None:
    assert default_path(env) == Path(expected) / "reports.sqlite3"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_a_maintainer_running_as_root_leaves_the_files_to_the_services_user(tmp_path: Path) -> None:
    store = ReportStore(tmp_path / "reports.sqlite3")
    store.migrate()
    os.chown(store.path, 54321, 54321)  # the service's (dynamic) user owns its database
    holder = sqlite3.connect(store.path)  # keeps the -wal and -shm files alive while the command runs
    holder.execute("SELECT count(*) FROM reports").fetchone()
    try:
        assert store.reports() == []
        owners = {p.name: p.stat().st_uid for p in tmp_path.iterdir()}
    finally:
        holder.close()
    assert owners and set(owners.values()) == {54321}, owners
