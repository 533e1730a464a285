"""The embedded store: one SQLite file per user, same logical tables as `veroscore.*`.

Journal mode WAL (readers never block the writer, a crash never tears a committed score);
writes take the write lock up front (`BEGIN IMMEDIATE`), so two writers queue on the busy
time-out instead of failing on a lock upgrade; a store busy past the time-out is a
`timeout` failure and the record is spooled like any other.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from veroscore.store.base import HistoryRow, ScoreRecord, payload_problem
from veroscore.store.failure import FailureKind, StoreFailure

_SCHEMA = Path(__file__).with_name("sql") / "sqlite_schema.sql"


class SqliteStore:
    """Writes each score, its findings and an audit row in one transaction."""

    def __init__(self, path: Path, busy_timeout_ms: int = 10_000) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=busy_timeout_ms / 1000,
                                       isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.executescript(_SCHEMA.read_text(encoding="utf-8"))
        except OSError as exc:
            raise StoreFailure("unavailable", f"cannot open the SQLite store at {path}: "
                                              f"{exc.strerror or exc}") from None
        except sqlite3.Error as exc:
            raise self._failure(exc, "cannot open the SQLite store") from None

    def _failure(self, exc: sqlite3.Error, what: str) -> StoreFailure:
        kind: FailureKind = "unavailable"
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            kind = "timeout"
        elif isinstance(exc, sqlite3.IntegrityError):
            kind = "rejected"
        return StoreFailure(kind, f"{what} at {self.path}: {exc}")

    def record(self, record: ScoreRecord) -> bool:
        payload = record.payload
        problem = payload_problem(payload)
        if problem:
            raise StoreFailure("rejected", f"the record was refused: {problem}")
        try:
            self._db.execute("BEGIN IMMEDIATE")
            with self._db:
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO pr_scores (idempotency_key, repository, pr_number, "
                    "head_sha, config_hash, engine_version, raw_score, stabilized_score, "
                    "decision, decision_reason, category_scores, pipeline_complete, "
                    "critical_count, trace_id, payload) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (record.idempotency_key, record.repository, record.pr_number,
                     record.head_sha, record.config_hash, record.engine_version,
                     payload["raw_score"], payload["stabilized_score"], payload["decision"],
                     payload["decision_reason"], json.dumps(payload["categories"]),
                     int(payload["pipeline"]["complete"]), _critical(payload),
                     record.trace_id, json.dumps(payload, sort_keys=True)))
                if cursor.rowcount == 0:
                    return False
                self._insert_findings(cursor.lastrowid, payload)
                self._db.execute(
                    "INSERT INTO audit_log (pr_number, action, details, trace_id) "
                    "VALUES (?, 'score_recorded', ?, ?)",
                    (record.pr_number, json.dumps({"repository": record.repository,
                                                   "head_sha": record.head_sha,
                                                   "decision": payload["decision"]}),
                     record.trace_id))
            return True
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.rollback()
            raise self._failure(exc, "cannot write to the SQLite store") from None

    def _insert_findings(self, score_id: int | None, payload: dict[str, Any]) -> None:
        rows = [(score_id, f["rule_id"], f["violation_type"], f["severity"], f["detector"],
                 f["path"], f["line"], f["message"], f["snippet"], f["suggested_fix"],
                 f["penalty"], int(f["suppressed"]), f["fingerprint"])
                for key in ("findings", "warnings", "suppressed") for f in payload[key]]
        self._db.executemany(
            "INSERT INTO detection_results (pr_score_id, rule_id, violation_type, severity, "
            "detector, file_path, line_number, message, snippet, suggested_fix, penalty, "
            "suppressed, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def history(self, repository: str | None = None, limit: int = 20) -> list[HistoryRow]:
        query = ("SELECT created_at, repository, pr_number, head_sha, stabilized_score, "
                 "decision, critical_count, trace_id FROM pr_scores")
        params: tuple[Any, ...] = ()
        if repository:
            query += " WHERE repository = ?"
            params = (repository,)
        query += " ORDER BY created_at DESC, id DESC LIMIT ?"
        try:
            rows = self._db.execute(query, (*params, limit)).fetchall()
        except sqlite3.Error as exc:
            raise self._failure(exc, "cannot read the SQLite store") from None
        return [HistoryRow(*row) for row in rows]

    def close(self) -> None:
        self._db.close()


def _critical(payload: dict[str, Any]) -> int:
    return sum(1 for f in payload["findings"] if f["severity"] == "critical")
