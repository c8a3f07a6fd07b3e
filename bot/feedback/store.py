"""The reports database: one SQLite file (standard library), WAL mode, schema versioned by `user_version`.

Why it looks like this:
- One file in the service's state directory, nothing to run beside the bot; WAL lets the web process
  write while a maintainer runs `obligations reports list`.
- A connection per operation and a short busy timeout: a locked or full database makes *that* write
  fail fast with `StorageUnavailable`, which callers turn into a polite refusal; answering never waits.
- `secure_delete` so a purged report is overwritten, not left in free pages of the file.
- Rows hold a masked question, answer facts and a timestamp: no user id, no chat id, ever (the
  columns do not exist). Votes are aggregated per day: counts, not events.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.feedback.facts import AnswerFacts

FILE_NAME = "reports.sqlite3"
DEFAULT_RETENTION_DAYS = 90
BUSY_TIMEOUT_SECONDS = 0.5
PURGE_EVERY = dt.timedelta(hours=6)

# Migration n brings the schema from version n to n + 1; never edit one that has shipped, add one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE reports (
        id          INTEGER PRIMARY KEY,
        created     TEXT NOT NULL,              -- UTC, ISO 8601 to the second
        frontend    TEXT NOT NULL,              -- telegram, web, console
        lang        TEXT NOT NULL,
        question    TEXT NOT NULL,              -- as the user sent it, identifiers masked
        comment     TEXT NOT NULL DEFAULT '',   -- "the right answer would be…", masked
        masked      TEXT NOT NULL DEFAULT '',   -- kinds of identifiers masked, comma-separated
        verdict     TEXT NOT NULL,              -- of the answer given
        documents   TEXT NOT NULL DEFAULT '',   -- of the answer given, comma-separated ids
        version     TEXT NOT NULL DEFAULT '',   -- rule version of the answer given
        asked_on    TEXT NOT NULL,              -- the day the question was answered
        answer_date TEXT NOT NULL,              -- the day the answer was for
        channel     TEXT NOT NULL DEFAULT ''    -- the channel the answer understood
    );
    CREATE INDEX reports_created ON reports (created);
    CREATE TABLE votes (
        day       TEXT NOT NULL,
        vote      TEXT NOT NULL CHECK (vote IN ('up', 'down')),
        verdict   TEXT NOT NULL,
        documents TEXT NOT NULL,
        version   TEXT NOT NULL,
        frontend  TEXT NOT NULL,
        lang      TEXT NOT NULL,
        count     INTEGER NOT NULL,
        PRIMARY KEY (day, vote, verdict, documents, version, frontend, lang)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StorageUnavailable(Exception):
    """The database cannot be written now (locked, disk full, read-only, bad path); the message says which."""


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    """$STATE_DIRECTORY (set by systemd's StateDirectory=), else $XDG_STATE_HOME/obligations, else
    ~/.local/state/obligations; the file is reports.sqlite3 in it."""
    env = os.environ if environ is None else environ
    state = (env.get("STATE_DIRECTORY") or "").split(":")[0].strip()
    if state:
        return Path(state) / FILE_NAME
    xdg = (env.get("XDG_STATE_HOME") or "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path(env.get("HOME") or Path.home()) / ".local" / "state"
    return base / "obligations" / FILE_NAME


@dataclass(frozen=True)
class Report:
    id: int
    created: dt.datetime
    frontend: str
    lang: str
    question: str
    comment: str
    masked: tuple[str, ...]
    verdict: str
    documents: tuple[str, ...]
    version: str
    asked_on: dt.date
    answer_date: dt.date
    channel: str


@dataclass(frozen=True)
class VoteCount:
    vote: str
    verdict: str
    documents: tuple[str, ...]
    frontend: str
    count: int


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class ReportStore:
    """Reports and vote counts in one SQLite file; every method either succeeds or raises StorageUnavailable."""

    def __init__(
        self,
        path: Path | str,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        now: Callable[[], dt.datetime] = _utcnow,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> None:
        self.path = Path(path)
        self.retention = dt.timedelta(days=retention_days)
        self._now = now
        self._busy_timeout = busy_timeout
        self._ready = False
        self._last_purge: dt.datetime | None = None

    # ------------------------------------------------------------------------------ connection
    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                if not self.path.exists():  # readable by the service's user only
                    os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            conn = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            where = self.path.parent
            reason = f"{where} is not a directory" if where.exists() and not where.is_dir() else _reason(exc)
            for parent in where.parents:
                if parent.exists() and not parent.is_dir():
                    reason = f"{parent} is not a directory"
            raise StorageUnavailable(f"cannot open {self.path}: {reason}") from None
        try:
            conn.execute("PRAGMA secure_delete = ON")
            # With WAL, NORMAL cannot corrupt the file; a power cut may lose the last reports (fsync at checkpoint).
            conn.execute("PRAGMA synchronous = NORMAL")
            yield conn
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"{self.path}: {_reason(exc)}") from None
        finally:
            conn.close()
            self.keep_owner()

    def keep_owner(self) -> None:
        """Run as root (a maintainer's `obligations reports list`), SQLite may leave a -wal or -shm file
        owned by root next to the service's database, which the service could then not open: give
        every file of the database the owner of the database file."""
        if not hasattr(os, "geteuid") or os.geteuid() != 0:
            return
        try:
            owner = self.path.stat()
        except OSError:
            return
        for suffix in ("", "-wal", "-shm", "-journal"):
            sibling = self.path.with_name(self.path.name + suffix)
            try:
                if sibling.exists() and sibling.stat().st_uid != owner.st_uid:
                    os.chown(sibling, owner.st_uid, owner.st_gid)
            except OSError:
                pass

    def migrate(self) -> int:
        """Bring the file to SCHEMA_VERSION (creating it if needed); returns the version found before.

        Run at start-up by every front end; raises StorageUnavailable for a file from a newer release.
        """
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                found = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if found > SCHEMA_VERSION:
                    raise StorageUnavailable(
                        f"{self.path}: schema version {found} is newer than this release knows ({SCHEMA_VERSION}); "
                        "upgrade obligations or point OBLIGATIONS_REPORTS_DB at another file"
                    )
                for number in range(found, SCHEMA_VERSION):
                    for statement in MIGRATIONS[number].split(";"):
                        if statement.strip():
                            conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        self._ready = True
        self.purge_expired()
        return found

    def _ensure(self) -> None:
        if not self._ready:
            self.migrate()

    # ------------------------------------------------------------------------------ writing
    def add_report(
        self, question: str, comment: str, masked: tuple[str, ...], facts: AnswerFacts, frontend: str
    ) -> int:
        """Store one report (already masked by the caller); returns its number."""
        self._ensure()
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO reports (created, frontend, lang, question, comment, masked, verdict, documents, "
                "version, asked_on, answer_date, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self._now().isoformat(),
                    frontend,
                    facts.lang,
                    question,
                    comment,
                    ",".join(masked),
                    facts.verdict,
                    ",".join(facts.documents),
                    facts.version,
                    facts.asked_on.isoformat(),
                    facts.answer_date.isoformat(),
                    facts.channel,
                ),
            )
            number = int(cursor.lastrowid or 0)
        self._purge_now_and_then()
        return number

    def add_vote(self, up: bool, facts: AnswerFacts, frontend: str) -> None:
        """Add one to the day's count for this verdict, documents, version, front end and language."""
        self._ensure()
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO votes (day, vote, verdict, documents, version, frontend, lang, count) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (day, vote, verdict, documents, version, frontend, lang) "
                "DO UPDATE SET count = count + 1",
                (
                    self._now().date().isoformat(),
                    "up" if up else "down",
                    facts.verdict,
                    ",".join(facts.documents),
                    facts.version,
                    frontend,
                    facts.lang,
                ),
            )
        self._purge_now_and_then()

    # ------------------------------------------------------------------------------ retention
    def purge_expired(self) -> int:
        """Delete what is older than the retention period; run at start and every few hours of writing."""
        self._last_purge = self._now()
        return self.purge(before=self._now() - self.retention)

    def _purge_now_and_then(self) -> None:
        if self._last_purge is None or self._now() - self._last_purge >= PURGE_EVERY:
            self.purge_expired()

    def purge(self, before: dt.datetime | dt.date) -> int:
        """Delete reports created, and vote days, before `before`; returns the number of reports deleted."""
        self._ensure()
        if not isinstance(before, dt.datetime):
            before = dt.datetime.combine(before, dt.time(), dt.UTC)
        with self._connect() as conn:
            deleted = int(conn.execute("DELETE FROM reports WHERE created < ?", (before.isoformat(),)).rowcount)
            conn.execute("DELETE FROM votes WHERE day < ?", (before.date().isoformat(),))
        return deleted

    # ------------------------------------------------------------------------------ reading
    def reports(self, since: dt.date | None = None) -> list[Report]:
        self._ensure()
        since_text = dt.datetime.combine(since, dt.time(), dt.UTC).isoformat() if since else ""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, created, frontend, lang, question, comment, masked, verdict, documents, version, "
                "asked_on, answer_date, channel FROM reports WHERE created >= ? ORDER BY id",
                (since_text,),
            ).fetchall()
        return [
            Report(
                id=r[0],
                created=dt.datetime.fromisoformat(r[1]),
                frontend=r[2],
                lang=r[3],
                question=r[4],
                comment=r[5],
                masked=tuple(k for k in r[6].split(",") if k),
                verdict=r[7],
                documents=tuple(d for d in r[8].split(",") if d),
                version=r[9],
                asked_on=dt.date.fromisoformat(r[10]),
                answer_date=dt.date.fromisoformat(r[11]),
                channel=r[12],
            )
            for r in rows
        ]

    def votes(self, since: dt.date | None = None) -> list[VoteCount]:
        self._ensure()
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT vote, verdict, documents, frontend, SUM(count) FROM votes WHERE day >= ? "
                "GROUP BY vote, verdict, documents, frontend ORDER BY SUM(count) DESC, vote, verdict, documents",
                (since.isoformat() if since else "",),
            ).fetchall()
        return [VoteCount(r[0], r[1], tuple(d for d in r[2].split(",") if d), r[3], int(r[4])) for r in rows]


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc) or type(exc).__name__
