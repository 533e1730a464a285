"""The dashboard's read path: a connection that cannot write, per request.

SQLite is opened with `mode=ro`. Postgres runs each request in a READ ONLY transaction as
the `veroscore_dashboard` role (migration 20261203000300), which holds SELECT grants only.
Both check the store's schema first, so an old store gives one clear message instead of a
query error deep inside a page.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from veroscore.dashboard.dialect import POSTGRES, SQLITE, Dialect
from veroscore.errors import StoreError

DASHBOARD_SCHEMA_VERSION = 20261203000300
READER_ROLE = "veroscore_dashboard"
STATEMENT_TIMEOUT_MS = 10_000
_SQLITE_COLUMNS = {
    "pr_scores": {"id", "repository", "pr_number", "decision", "stabilized_score", "payload",
                  "created_at", "category_scores", "session_id"},
    "detection_results": {"pr_score_id", "rule_id", "severity", "file_path", "snippet"},
    "sessions": {"session_id", "status", "author", "prs", "last_activity"},
}


class SchemaTooOld(StoreError):
    """The store was written by an older engine and lacks what the dashboard reads."""


class Reader(Protocol):
    dialect: Dialect

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one SELECT; rows as dicts."""
        ...


@dataclass(frozen=True)
class StoreLocation:
    """Where the dashboard reads from: the URL never leaves the server."""

    url: str

    @property
    def kind(self) -> str:
        if self.url.startswith("sqlite:///"):
            return "sqlite"
        if self.url.startswith(("postgres://", "postgresql://")):
            return "postgres"
        if self.url == "supabase":
            raise StoreError("the dashboard reads Supabase through its Postgres connection "
                             "string: pass --store postgresql://… (Project settings → "
                             "Database), with a login granted veroscore_dashboard")
        raise StoreError("unknown store URL (expected sqlite:///PATH or postgresql://…)")

    @property
    def label(self) -> str:
        """What the pages may show about the store: its kind, never the URL."""
        return self.kind


class _SqliteReader:
    dialect = SQLITE

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        try:
            cursor = self._conn.execute(sql, params or {})
        except sqlite3.Error as exc:
            raise StoreError(f"the SQLite store could not answer: {exc}") from None
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class _PostgresReader:
    dialect = POSTGRES

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        import psycopg
        try:
            cursor = self._conn.execute(sql, params or {})
            names = [d.name for d in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except psycopg.Error as exc:
            raise StoreError("the Postgres store could not answer: "
                             f"{str(exc).strip().splitlines()[0]}") from None


@contextmanager
def open_reader(location: StoreLocation) -> Iterator[Reader]:
    """A read-only connection for one request or one build."""
    if location.kind == "sqlite":
        with _sqlite(Path(location.url.removeprefix("sqlite:///"))) as reader:
            yield reader
    else:
        with _postgres(location.url) as pg_reader:
            yield pg_reader


@contextmanager
def _sqlite(path: Path) -> Iterator[Reader]:
    if not path.is_file():
        raise StoreError(f"no SQLite store at {path}")
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the SQLite store at {path}: {exc}") from None
    try:
        _check_sqlite_schema(conn)
        yield _SqliteReader(conn)
    finally:
        conn.close()


def _check_sqlite_schema(conn: sqlite3.Connection) -> None:
    for table, needed in _SQLITE_COLUMNS.items():
        try:
            have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the SQLite store: {exc}") from None
        missing = sorted(needed - have)
        if missing:
            what = f"table {table}" if not have else f"{table}.{', '.join(missing)}"
            raise SchemaTooOld(f"the store's schema is older than this engine (no {what}): "
                               "record a score with this version of veroscore to upgrade it")


@contextmanager
def _postgres(url: str) -> Iterator[Reader]:
    from veroscore.store.postgres import connect
    from veroscore.store.settings import settings_from_env

    conn = connect(url, settings_from_env())  # the store's time-outs and keepalives
    try:
        _enter_read_only(conn)
        yield _PostgresReader(conn)
    finally:
        conn.close()


def _enter_read_only(conn: Any) -> None:
    """Read-only session as the reader role, after checking the schema is new enough."""
    import psycopg
    try:
        conn.execute("SET default_transaction_read_only = on")
        conn.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
        row = conn.execute("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)",
                           (READER_ROLE,)).fetchone()
        if not row or not row[0]:
            raise SchemaTooOld(_too_old_message("not migrated for the dashboard"))
        conn.execute(f"SET ROLE {READER_ROLE}")
    except psycopg.errors.InsufficientPrivilege:
        raise StoreError(f"this login may not act as {READER_ROLE}: GRANT {READER_ROLE} TO "
                         "<the dashboard's login>") from None
    except psycopg.Error as exc:
        raise StoreError(f"cannot read the store: {str(exc).strip().splitlines()[0]}") from None
    try:
        version = conn.execute("SELECT max(version) FROM veroscore.schema_version").fetchone()
    except (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedTable,
            psycopg.errors.InvalidSchemaName):
        raise SchemaTooOld(_too_old_message("not migrated for the dashboard")) from None
    except psycopg.Error as exc:
        raise StoreError(f"cannot read the store: {str(exc).strip().splitlines()[0]}") from None
    if not version or version[0] is None or int(version[0]) < DASHBOARD_SCHEMA_VERSION:
        raise SchemaTooOld(_too_old_message(str(version[0] if version else "none")))


def _too_old_message(have: str) -> str:
    return (f"the store's schema ({have}) is older than this engine's dashboard "
            f"(needs {DASHBOARD_SCHEMA_VERSION}): run `veroscore db migrate`")
