"""The Postgres back-end (psycopg 3, DATABASE_URL): every write is one SQL function call,
so this back-end and Supabase's share one implementation in `supabase/migrations/`."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from veroscore.errors import StoreError
from veroscore.store.base import HistoryRow, ScoreRecord

CONNECT_TIMEOUT_SECONDS = 10
HISTORY_SQL = """
SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), repository,
       pr_number, head_sha, stabilized_score::float8, decision, critical_count, trace_id
  FROM veroscore.pr_scores
 WHERE (%(repository)s::text IS NULL OR repository = %(repository)s)
 ORDER BY created_at DESC, id DESC
 LIMIT %(limit)s
"""


def redact_url(url: str) -> str:
    """The URL without its password, for messages."""
    from veroscore.detect.secret_patterns import redact
    return redact(url)


class PostgresStore:
    def __init__(self, url: str) -> None:
        self._url = url
        try:
            self._conn = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS,
                                         autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {redact_url(url)}: "
                             f"{str(exc).strip().splitlines()[0]}") from None

    def _one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        try:
            row = self._conn.execute(sql, params).fetchone()
        except psycopg.Error as exc:
            raise StoreError(f"store query failed on {redact_url(self._url)}: "
                             f"{str(exc).strip().splitlines()[0]}") from None
        return row[0] if row else None

    def record(self, record: ScoreRecord) -> bool:
        result = self._one("SELECT veroscore.record_pr_score(%s)", (Jsonb(record.payload),))
        return bool(result["inserted"])

    def history(self, repository: str | None = None, limit: int = 20) -> list[HistoryRow]:
        try:
            rows = self._conn.execute(HISTORY_SQL, {"repository": repository,
                                                    "limit": limit}).fetchall()
        except psycopg.Error as exc:
            raise StoreError(f"cannot read scores: {str(exc).strip().splitlines()[0]}") from None
        return [HistoryRow(*row) for row in rows]

    def timeout_sessions(self, idle_minutes: int) -> int:
        return int(self._one("SELECT veroscore.timeout_idle_sessions(%s)", (idle_minutes,)))

    def cleanup_idempotency(self) -> int:
        return int(self._one("SELECT veroscore.cleanup_expired_idempotency()"))

    def archive_metrics(self, keep_days: int) -> int:
        return int(self._one("SELECT veroscore.archive_old_metrics(%s)", (keep_days,)))

    def record_metric(self, name: str, value: float, labels: dict[str, str]) -> None:
        self._one("SELECT veroscore.record_metric(%s, %s, 'gauge', %s)",
                  (name, value, Jsonb(labels)))

    def health_snapshot(self, stuck_minutes: int) -> dict[str, Any]:
        snapshot: dict[str, Any] = self._one("SELECT veroscore.health_snapshot(%s)",
                                             (stuck_minutes,))
        return snapshot

    def close(self) -> None:
        self._conn.close()
