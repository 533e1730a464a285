"""Apply `supabase/migrations/*.sql` in order, each once, tracked in veroscore.schema_version.

The same files work with `supabase db push`; each file records its own version, so a
database migrated by either tool is seen as current by the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from veroscore.errors import StoreError
from veroscore.resources import resource_dir
from veroscore.store.postgres import CONNECT_TIMEOUT_SECONDS, redact_url

_NAME = re.compile(r"^(?P<version>\d{14})_(?P<name>\w+)\.sql$")
_LOCK_KEY = 0x76657273  # pg_advisory_lock key: two concurrent migrators take turns


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def migrations(folder: Path | None = None) -> list[Migration]:
    """The shipped migrations, oldest first."""
    found = []
    for path in sorted((folder or resource_dir("migrations")).glob("*.sql")):
        match = _NAME.match(path.name)
        if match:
            found.append(Migration(int(match.group("version")), match.group("name"), path))
    return found


def latest_version() -> int:
    return max(m.version for m in migrations())


def applied_versions(conn: psycopg.Connection[tuple[object, ...]]) -> set[int]:
    exists = conn.execute("SELECT to_regclass('veroscore.schema_version')").fetchone()
    if not exists or exists[0] is None:
        return set()
    rows = conn.execute("SELECT version FROM veroscore.schema_version").fetchall()
    return {int(str(row[0])) for row in rows}


def migrate(url: str) -> list[Migration]:
    """Apply the migrations the database lacks; returns those applied (none on a rerun)."""
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS,
                             autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
            done = applied_versions(conn)
            applied = []
            for migration in migrations():
                if migration.version in done:
                    continue
                with conn.transaction():
                    conn.execute(migration.path.read_text(encoding="utf-8").encode())
                applied.append(migration)
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
            return applied
    except psycopg.Error as exc:
        raise StoreError(f"migration failed on {redact_url(url)}: "
                         f"{str(exc).strip().splitlines()[0]}") from None
