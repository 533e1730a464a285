"""The schema versions this engine ships (`supabase/migrations/*.sql`, version = the 14-digit
prefix), and the check every write makes once per run against the database's version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from veroscore.resources import resource_dir
from veroscore.store.failure import StoreFailure

_NAME = re.compile(r"^(?P<version>\d{14})_(?P<name>\w+)\.sql$")


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


def check_schema_version(found: int | None, where: str) -> None:
    """Raise a `schema` failure when the database's schema is missing or older than this
    engine's; a newer schema is fine (migrations only add)."""
    expected = latest_version()
    if found is None:
        raise StoreFailure("schema", f"the veroscore schema on {where} has no version: "
                                     "run `veroscore db migrate`")
    if found < expected:
        raise StoreFailure("schema", f"the veroscore schema on {where} is at version {found}, "
                                     f"this engine needs {expected}: run `veroscore db migrate`")
