"""The agent's tables in the embedded SQLite store: sessions, changes_queue,
idempotency_keys and audit_log, the same logical tables as the `veroscore` schema.

An older embedded file is brought up to date in place and additively: missing columns
are added, and a `sessions.status` CHECK that predates the lead's states is widened by
rebuilding the table from its own definition (SQLite cannot alter a CHECK), with `idle`
rows mapped to `timed_out`. Running it twice changes nothing.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from veroscore.errors import StoreError
from veroscore.session.records import LEGACY_STATES, SESSION_STATES, QueuedChange, SessionRecord
from veroscore.store.sqlite import SqliteStore

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
_ADDED_COLUMNS = {
    "sessions": {"branch_name": "TEXT"},
    "changes_queue": {"old_path": "TEXT", "commit_hash": "TEXT", "processed_at": "TEXT",
                      "metadata": "TEXT NOT NULL DEFAULT '{}'"},
    "idempotency_keys": {"status": "TEXT NOT NULL DEFAULT 'completed'"},
}
_STATUS_CHECK = re.compile(r"CHECK\s*\(\s*status\s+IN\s*\([^)]*\)\s*\)", re.IGNORECASE)
KEY_DAYS = 7


class SqliteSessionStore:
    """Every write is one transaction; every method raises `StoreError` on failure."""

    def __init__(self, path: Path) -> None:
        SqliteStore(path).close()  # creates the base schema the score store owns
        self.path = path
        try:
            self._db = sqlite3.connect(path, timeout=10, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._upgrade()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite store at {path}: {exc}") from None

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(f"the SQLite store at {self.path} failed: {exc}") from None

    def _upgrade(self) -> None:
        for table, columns in _ADDED_COLUMNS.items():
            have = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for name, decl in columns.items():
                if name not in have:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
        row = self._db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                               "name = 'sessions'").fetchone()
        if row and not all(f"'{state}'" in row[0] for state in SESSION_STATES):
            self._widen_status_check(row[0])

    def _widen_status_check(self, create_sql: str) -> None:
        states = ", ".join(f"'{s}'" for s in SESSION_STATES)
        new_sql = _STATUS_CHECK.sub(f"CHECK (status IN ({states}))", create_sql, count=1)
        new_sql = re.sub(r"^CREATE TABLE\s+(IF NOT EXISTS\s+)?\"?sessions\"?",
                         "CREATE TABLE sessions_widened", new_sql, count=1, flags=re.IGNORECASE)
        self._db.execute("PRAGMA foreign_keys = OFF")
        with self._tx() as db:
            db.execute(new_sql)
            case = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in LEGACY_STATES.items())
            columns = [r[1] for r in db.execute("PRAGMA table_info(sessions)")]
            select = ", ".join(f"CASE status {case} ELSE status END" if c == "status" else c
                               for c in columns)
            db.execute(f"INSERT INTO sessions_widened ({', '.join(columns)}) "
                       f"SELECT {select} FROM sessions")
            db.execute("DROP TABLE sessions")
            db.execute("ALTER TABLE sessions_widened RENAME TO sessions")
        self._db.execute("PRAGMA foreign_keys = ON")

    # --- sessions -------------------------------------------------------------------
    def create_session(self, record: SessionRecord) -> None:
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO sessions (session_id, author, status, branch_name, "
                       "metadata) VALUES (?, ?, ?, ?, ?)",
                       (record.session_id, record.author, record.status, record.branch_name,
                        json.dumps(record.metadata, sort_keys=True)))
            self._audit(db, record.session_id, None, "session_started",
                        {"branch": record.branch_name})

    def session(self, session_id: str) -> SessionRecord | None:
        row = self._read("SELECT session_id, status, coalesce(branch_name, ''), author, prs, "
                         "metadata, total_files, total_lines_added, total_lines_removed, "
                         "last_activity FROM sessions WHERE session_id = ?", (session_id,))
        if not row:
            return None
        r = row[0]
        return SessionRecord(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), json.loads(r[5]),
                             r[6], r[7], r[8], r[9])

    def set_status(self, session_id: str, status: str, details: dict[str, Any]) -> None:
        with self._tx() as db:
            old = db.execute("SELECT status FROM sessions WHERE session_id = ?",
                             (session_id,)).fetchone()
            if old is None or old[0] == status:
                return
            done = status not in ("active", "processing", "awaiting_review")
            db.execute(f"UPDATE sessions SET status = ?, last_activity = {_NOW}, "
                       f"completed_at = CASE WHEN ? THEN {_NOW} END WHERE session_id = ?",
                       (status, int(done), session_id))
            self._audit(db, session_id, None, "status_changed",
                        {"from": old[0], "to": status, **details})

    def save_delivery(self, session_id: str, pr: dict[str, Any], metadata: dict[str, Any],
                      totals: tuple[int, int, int], row_ids: Sequence[int | str],
                      commit: str) -> None:
        """After a delivery: the PR, the delivered commit, the totals, the queue rows done."""
        with self._tx() as db:
            row = db.execute("SELECT prs, metadata FROM sessions WHERE session_id = ?",
                             (session_id,)).fetchone()
            prs = [p for p in json.loads(row[0]) if p.get("number") != pr["number"]] + [pr]
            merged = {**json.loads(row[1]), **metadata}
            db.execute("UPDATE sessions SET prs = ?, metadata = ?, total_files = ?, "
                       f"total_lines_added = ?, total_lines_removed = ?, last_activity = {_NOW}"
                       " WHERE session_id = ?",
                       (json.dumps(prs), json.dumps(merged, sort_keys=True), *totals,
                        session_id))
            db.executemany(f"UPDATE changes_queue SET processed = 1, processed_at = {_NOW}, "
                           "commit_hash = ? WHERE session_id = ? AND id = ? AND processed = 0",
                           [(commit, session_id, int(row_id)) for row_id in row_ids])
            self._audit(db, session_id, pr["number"], "pr_delivered",
                        {"commit": commit, "pr": pr["number"]})

    def update_metadata(self, session_id: str, metadata: dict[str, Any]) -> None:
        with self._tx() as db:
            row = db.execute("SELECT metadata FROM sessions WHERE session_id = ?",
                             (session_id,)).fetchone()
            if row is not None:
                db.execute("UPDATE sessions SET metadata = ? WHERE session_id = ?",
                           (json.dumps({**json.loads(row[0]), **metadata}, sort_keys=True),
                            session_id))

    # --- queue ----------------------------------------------------------------------
    def enqueue(self, session_id: str, changes: Sequence[QueuedChange]) -> None:
        """Write the rows in one transaction."""
        with self._tx() as db:
            db.executemany(
                "INSERT INTO changes_queue (session_id, file_path, change_type, old_path, "
                "lines_added, lines_removed, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(session_id, c.file_path, c.change_type, c.old_path, c.lines_added,
                  c.lines_removed, json.dumps({"blob": c.blob})) for c in changes])
            db.execute(f"UPDATE sessions SET last_activity = {_NOW} WHERE session_id = ?",
                       (session_id,))

    def queue(self, session_id: str, pending_only: bool = True) -> list[QueuedChange]:
        rows = self._read(
            "SELECT file_path, change_type, lines_added, lines_removed, old_path, metadata, id, "
            "commit_hash, processed FROM changes_queue WHERE session_id = ?"
            + (" AND processed = 0" if pending_only else "") + " ORDER BY id", (session_id,))
        return [QueuedChange(r[0], r[1], r[2], r[3], r[4], json.loads(r[5] or "{}").get(
            "blob", ""), r[6], r[7], bool(r[8])) for r in rows]

    # --- idempotency keys and events -----------------------------------------------------
    def key_result(self, key: str) -> dict[str, Any] | None:
        rows = self._read("SELECT result FROM idempotency_keys WHERE key = ? AND "
                          "status = 'completed'", (key,))
        return json.loads(rows[0][0]) if rows else None

    def save_key(self, key: str, operation: str, result: dict[str, Any]) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO idempotency_keys (key, operation, result, status, "
                       f"expires_at) VALUES (?, ?, ?, 'completed', "
                       f"strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+{KEY_DAYS} days'))",
                       (key, operation, json.dumps(result, sort_keys=True)))

    def record_event(self, session_id: str, action: str, details: dict[str, Any]) -> None:
        with self._tx() as db:
            self._audit(db, session_id, None, action, details)

    def events(self, session_id: str) -> list[tuple[str, dict[str, Any]]]:
        rows = self._read("SELECT action, details FROM audit_log WHERE session_id = ? "
                          "ORDER BY id", (session_id,))
        return [(r[0], json.loads(r[1])) for r in rows]

    def _audit(self, db: sqlite3.Connection, session_id: str, pr: int | None, action: str,
               details: dict[str, Any]) -> None:
        db.execute("INSERT INTO audit_log (session_id, pr_number, action, actor, details) "
                   "VALUES (?, ?, ?, 'veroscore-session', ?)",
                   (session_id, pr, action, json.dumps(details, sort_keys=True)))

    def _read(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the SQLite store at {self.path}: {exc}") from None

    def close(self) -> None:
        self._db.close()
