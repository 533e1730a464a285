"""Apply `supabase/migrations/*.sql` in order, each once, tracked in veroscore.schema_version.

The same files work with `supabase db push`; each file records its own version, so a
database migrated by either tool is seen as current by the other.

Each file runs in its own transaction, which first takes a transaction-scoped advisory
lock and re-reads the applied versions: two migrators take turns, and nothing depends on
session state, so this works through a transaction-mode pooler (Supabase's port 6543,
PgBouncer) as well as on a direct connection. A failed file is rolled back whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from veroscore.store.failure import StoreFailure, kind_of
from veroscore.store.postgres import connect, first_line, redact_url
from veroscore.store.settings import StoreSettings
from veroscore.store.versions import Migration, latest_version, migrations

__all__ = ["Migration", "MigrationRun", "latest_version", "migrate", "migrations"]

_LOCK_KEY = 0x76657273  # pg_advisory_xact_lock key: two concurrent migrators take turns
MIGRATION_STATEMENT_TIMEOUT_MS = 600_000


@dataclass(frozen=True)
class MigrationRun:
    applied: list[Migration]
    final_version: int | None


def applied_versions(conn: psycopg.Connection[Any]) -> set[int]:
    exists = conn.execute("SELECT to_regclass('veroscore.schema_version')").fetchone()
    if not exists or exists[0] is None:
        return set()
    rows = conn.execute("SELECT version FROM veroscore.schema_version").fetchall()
    return {int(str(row[0])) for row in rows}


def _final_version(conn: psycopg.Connection[Any]) -> int | None:
    done = applied_versions(conn)
    return max(done) if done else None


def migrate(url: str, settings: StoreSettings | None = None) -> MigrationRun:
    """Apply the migrations the database lacks; returns those applied (none on a rerun)
    and the schema's version afterwards."""
    s = settings or StoreSettings()
    conn = connect(url, s)
    applied: list[Migration] = []
    current: Migration | None = None
    try:
        with conn:
            for current in migrations():
                with conn.transaction():
                    conn.execute("SELECT set_config('lock_timeout', %s, true), "
                                 "set_config('statement_timeout', %s, true)",
                                 (str(s.lock_timeout_ms), str(max(
                                     s.statement_timeout_ms, MIGRATION_STATEMENT_TIMEOUT_MS))))
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                    if current.version in applied_versions(conn):
                        continue
                    conn.execute(current.path.read_text(encoding="utf-8").encode())
                applied.append(current)
            current = None
            return MigrationRun(applied, _final_version(conn))
    except psycopg.Error as exc:
        where = f" in {current.path.name}" if current else ""
        raise StoreFailure(kind_of(exc.sqlstate) if exc.sqlstate else "unavailable",
                           f"migration failed on {redact_url(url)}{where}: {first_line(exc)}"
                           + (f" ({len(applied)} migration(s) applied before it)"
                              if applied else ""), exc.sqlstate or "") from None
