"""The Postgres back-end (psycopg 3, DATABASE_URL): every write is one SQL function call,
so this back-end and Supabase's share one implementation in `supabase/migrations/`.

Made for poolers in transaction mode (Supabase's port 6543, PgBouncer): no server-side
prepared statements (`prepare_threshold=None`) and no session state: each call is one
transaction that sets its own time-outs with `set_config(…, is_local => true)`. TCP
keepalives and the connect time-out are libpq parameters, which poolers never see.

The server enforces those time-outs only while it runs. A server (or pooler) that stops
answering altogether, a frozen process or a black-holed network, would still hold the
client forever, so each transaction also has a client-side deadline (statement time-out
plus a grace period): when it passes, the socket is shut down and the call fails as a
time-out.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from psycopg.types.json import Jsonb

from veroscore.detect.secret_patterns import redact
from veroscore.store.base import HistoryRow, ScoreRecord
from veroscore.store.failure import RETRYABLE, StoreFailure, kind_of
from veroscore.store.settings import StoreSettings
from veroscore.store.versions import check_schema_version

T = TypeVar("T")

HISTORY_SQL = """
SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), repository,
       pr_number, head_sha, stabilized_score::float8, decision, critical_count, trace_id
  FROM veroscore.pr_scores
 WHERE (%(repository)s::text IS NULL OR repository = %(repository)s)
 ORDER BY created_at DESC, id DESC
 LIMIT %(limit)s
"""
SET_TIMEOUTS_SQL = ("SELECT set_config('statement_timeout', %s, true), "
                    "set_config('lock_timeout', %s, true), "
                    "set_config('idle_in_transaction_session_timeout', %s, true)")
_DRIVER_SUFFIX = re.compile(r"^(postgres(?:ql)?)\+\w+://")


def redact_url(url: str) -> str:
    """The URL without its credentials, for messages (the one redactor of every surface)."""
    return redact(url)


def libpq_url(url: str) -> str:
    """`postgresql+psycopg://…` (SQLAlchemy style) as libpq spells it."""
    return _DRIVER_SUFFIX.sub(r"\1://", url)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def failure_of(exc: psycopg.Error, what: str) -> StoreFailure:
    """A psycopg error as a classified, redacted `StoreFailure`."""
    sqlstate = exc.sqlstate or ""
    kind = kind_of(sqlstate) if sqlstate else "unavailable"
    return StoreFailure(kind, f"{what}: {first_line(exc)}", sqlstate)


def connect(url: str, settings: StoreSettings, **kwargs: Any
            ) -> psycopg.Connection[tuple[Any, ...]]:
    """A connection with the connect time-out and TCP keepalives of `settings`."""
    try:
        return psycopg.connect(libpq_url(url), connect_timeout=settings.connect_timeout_s,
                               autocommit=True, prepare_threshold=None, keepalives=1,
                               keepalives_idle=settings.keepalives_idle_s,
                               keepalives_interval=settings.keepalives_interval_s,
                               keepalives_count=settings.keepalives_count,
                               application_name="veroscore", **kwargs)
    except psycopg.Error as exc:
        raise StoreFailure("unavailable", f"cannot connect to {redact_url(url)}: "
                                          f"{first_line(exc)}", exc.sqlstate or "") from None


class Deadline:
    """Shut the connection's socket down if the block takes longer than `seconds`."""

    def __init__(self, conn: psycopg.Connection[Any], seconds: float) -> None:
        self._conn = conn
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True
        self.passed = False

    def _cut(self) -> None:
        self.passed = True
        with contextlib.suppress(OSError, psycopg.Error), \
                socket.socket(fileno=os.dup(self._conn.fileno())) as sock:
            sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


class PostgresStore:
    def __init__(self, url: str, settings: StoreSettings | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._url = url
        self._settings = settings or StoreSettings()
        self._sleep = sleep
        self._schema_checked = False
        self.retries_used = 0
        self._conn = connect(url, self._settings)

    def _transaction(self, what: str, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """Run `work` in one transaction with this store's time-outs; retry serialization
        failures and deadlocks a bounded number of times with jitter."""
        s = self._settings
        seconds = s.statement_timeout_ms / 1000 + s.client_grace_s
        for attempt in range(s.retries + 1):
            deadline = Deadline(self._conn, seconds)
            try:
                with deadline, self._conn.transaction():
                    self._conn.execute(SET_TIMEOUTS_SQL, (
                        str(s.statement_timeout_ms), str(s.lock_timeout_ms),
                        str(s.idle_in_transaction_timeout_ms)))
                    return work(self._conn)
            except psycopg.Error as exc:
                if deadline.passed:
                    raise StoreFailure("timeout", f"{what} failed on {redact_url(self._url)}: "
                                       f"no answer within {seconds:g} s") from None
                if exc.sqlstate in RETRYABLE and attempt < s.retries:
                    self.retries_used += 1
                    self._sleep(random.uniform(0, s.retry_base_delay_s * 2 ** attempt))
                    continue
                raise failure_of(exc, f"{what} failed on {redact_url(self._url)}") from None
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _one(self, what: str, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        def run(conn: psycopg.Connection[Any]) -> Any:
            row = conn.execute(sql, params).fetchone()
            return row[0] if row else None
        return self._transaction(what, run)

    def schema_version(self) -> int | None:
        """The newest applied migration; a `schema` failure when the schema is missing."""
        found = self._one("reading the schema version",
                          "SELECT max(version) FROM veroscore.schema_version")
        return int(found) if found is not None else None

    def check_schema(self) -> None:
        """Once per run (per store): refuse to write to a schema older than this engine."""
        if not self._schema_checked:
            check_schema_version(self.schema_version(), redact_url(self._url))
            self._schema_checked = True

    def record(self, record: ScoreRecord) -> bool:
        self.check_schema()
        result = self._one("recording the score", "SELECT veroscore.record_pr_score(%s)",
                           (Jsonb(record.payload),))
        return bool(result["inserted"])

    def history(self, repository: str | None = None, limit: int = 20) -> list[HistoryRow]:
        rows = self._transaction("reading scores", lambda conn: conn.execute(
            HISTORY_SQL, {"repository": repository, "limit": limit}).fetchall())
        return [HistoryRow(*row) for row in rows]

    def timeout_sessions(self, idle_minutes: int) -> int:
        return int(self._one("timing out sessions", "SELECT veroscore.timeout_idle_sessions(%s)",
                             (idle_minutes,)))

    def cleanup_idempotency(self) -> int:
        return int(self._one("cleaning up idempotency keys",
                             "SELECT veroscore.cleanup_expired_idempotency()"))

    def archive_metrics(self, keep_days: int) -> int:
        return int(self._one("archiving metrics", "SELECT veroscore.archive_old_metrics(%s)",
                             (keep_days,)))

    def record_metric(self, name: str, value: float, labels: dict[str, str]) -> None:
        self._one("recording a metric", "SELECT veroscore.record_metric(%s, %s, 'gauge', %s)",
                  (name, value, Jsonb(labels)))

    def health_snapshot(self, stuck_minutes: int) -> dict[str, Any]:
        snapshot: dict[str, Any] = self._one(
            "reading health", "SELECT veroscore.health_snapshot(%s)", (stuck_minutes,))
        return snapshot

    def close(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self._conn.close()
