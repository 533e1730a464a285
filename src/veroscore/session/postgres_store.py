"""The agent's tables in a Postgres `veroscore` schema (DATABASE_URL), through psycopg.

Same contract as the SQLite back-end; status changes go through the schema's own
`veroscore.set_session_status` so their audit rows look like every other writer's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from veroscore.errors import StoreError
from veroscore.session.records import QueuedChange, SessionRecord
from veroscore.store.postgres import SET_TIMEOUTS_SQL, connect, redact_url
from veroscore.store.settings import settings_from_env

KEY_DAYS = 7


class PostgresSessionStore:
    def __init__(self, url: str) -> None:
        self._url = url
        self._settings = settings_from_env()
        self._conn = connect(url, self._settings)  # time-outs and keepalives of the store

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self._conn.transaction():
                s = self._settings
                self._conn.execute(SET_TIMEOUTS_SQL, (
                    str(s.statement_timeout_ms), str(s.lock_timeout_ms),
                    str(s.idle_in_transaction_timeout_ms)))
                yield self._conn
        except psycopg.Error as exc:
            raise StoreError(f"store query failed on {redact_url(self._url)}: "
                             f"{str(exc).strip().splitlines()[0]}") from None

    def _audit(self, conn: psycopg.Connection[Any], session_id: str, pr: int | None,
               action: str, details: dict[str, Any]) -> None:
        conn.execute("SELECT veroscore.audit('session', %s, %s, %s, NULL, NULL, %s, '')",
                     (action, session_id, pr, Jsonb(details)))

    def create_session(self, record: SessionRecord) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO veroscore.sessions (session_id, author, status, "
                         "branch_name, metadata) VALUES (%s, %s, %s, %s, %s) "
                         "ON CONFLICT (session_id) DO NOTHING",
                         (record.session_id, record.author, record.status, record.branch_name,
                          Jsonb(record.metadata)))
            self._audit(conn, record.session_id, None, "session_started",
                        {"branch": record.branch_name})

    def session(self, session_id: str) -> SessionRecord | None:
        with self._tx() as conn:
            row = conn.execute(
                "SELECT session_id, status, coalesce(branch_name, ''), author, prs, metadata, "
                "total_files, total_lines_added, total_lines_removed, last_activity::text "
                "FROM veroscore.sessions WHERE session_id = %s", (session_id,)).fetchone()
        if row is None:
            return None
        return SessionRecord(row[0], row[1], row[2], row[3], tuple(row[4]), dict(row[5]),
                             row[6], row[7], row[8], row[9])

    def set_status(self, session_id: str, status: str, details: dict[str, Any]) -> None:
        with self._tx() as conn:
            conn.execute("SELECT veroscore.set_session_status(%s, %s, NULL, '')",
                         (session_id, status))

    def save_delivery(self, session_id: str, pr: dict[str, Any], metadata: dict[str, Any],
                      totals: tuple[int, int, int], row_ids: Sequence[int | str],
                      commit: str) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE veroscore.sessions SET prs = coalesce((SELECT jsonb_agg(e) FROM "
                "jsonb_array_elements(prs) e WHERE (e->>'number')::int <> %s), '[]'::jsonb) "
                "|| jsonb_build_array(%s::jsonb), metadata = metadata || %s, total_files = %s, "
                "total_lines_added = %s, total_lines_removed = %s, last_activity = now() "
                "WHERE session_id = %s",
                (pr["number"], Jsonb(pr), Jsonb(metadata), *totals, session_id))
            conn.execute("UPDATE veroscore.changes_queue SET processed = true, "
                         "processed_at = now(), commit_hash = %s WHERE session_id = %s AND "
                         "id = ANY(%s::uuid[]) AND NOT processed",
                         (commit, session_id, [str(r) for r in row_ids]))
            self._audit(conn, session_id, int(pr["number"]), "pr_delivered",
                        {"commit": commit, "pr": pr["number"]})

    def enqueue(self, session_id: str, changes: Sequence[QueuedChange]) -> None:
        with self._tx() as conn, conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO veroscore.changes_queue (session_id, file_path, change_type, "
                "old_path, lines_added, lines_removed, metadata) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(session_id, c.file_path, c.change_type, c.old_path, c.lines_added,
                  c.lines_removed, Jsonb({"blob": c.blob})) for c in changes])
            conn.execute("UPDATE veroscore.sessions SET last_activity = now() "
                         "WHERE session_id = %s", (session_id,))

    def queue(self, session_id: str, pending_only: bool = True) -> list[QueuedChange]:
        with self._tx() as conn:
            rows = conn.execute(
                "SELECT file_path, change_type, lines_added, lines_removed, old_path, "
                "coalesce(metadata->>'blob', ''), id::text, commit_hash, processed "
                "FROM veroscore.changes_queue WHERE session_id = %s"
                + (" AND NOT processed" if pending_only else "")
                + ' ORDER BY "timestamp", file_path', (session_id,)).fetchall()
        return [QueuedChange(*row) for row in rows]

    def key_result(self, key: str) -> dict[str, Any] | None:
        with self._tx() as conn:
            row = conn.execute("SELECT result FROM veroscore.idempotency_keys WHERE key = %s "
                               "AND status = 'completed'", (key,)).fetchone()
        return dict(row[0]) if row else None

    def save_key(self, key: str, operation: str, result: dict[str, Any]) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO veroscore.idempotency_keys (key, operation_type, status, "
                         "result, expires_at) VALUES (%s, %s, 'completed', %s, now() + "
                         "make_interval(days => %s)) ON CONFLICT (key) DO UPDATE SET "
                         "status = 'completed', result = EXCLUDED.result",
                         (key, operation, Jsonb(result), KEY_DAYS))

    def record_event(self, session_id: str, action: str, details: dict[str, Any]) -> None:
        with self._tx() as conn:
            self._audit(conn, session_id, None, action, details)

    def events(self, session_id: str) -> list[tuple[str, dict[str, Any]]]:
        with self._tx() as conn:
            rows = conn.execute("SELECT event_action, coalesce(new_state, '{}'::jsonb) FROM "
                                'veroscore.audit_log WHERE session_id = %s ORDER BY "timestamp"',
                                (session_id,)).fetchall()
        return [(str(r[0]), dict(r[1])) for r in rows]

    def close(self) -> None:
        self._conn.close()
