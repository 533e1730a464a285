from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.helpers import GitRepo
from veroscore.store.migrate import migrate


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the embedded store and any default config out of the developer's home."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The throwaway PostgreSQL that scripts/test starts (scripts/pg)."""
    url = os.environ.get("VEROSCORE_TEST_DATABASE_URL")
    if not url:
        pytest.fail("VEROSCORE_TEST_DATABASE_URL is not set: run the suite with scripts/test, "
                    "which starts PostgreSQL (or: eval \"$(bash scripts/pg start)\")")
    return url


@pytest.fixture
def pg_empty(pg_server: str) -> Iterator[str]:
    """A new, empty database on the test server; dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_server.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_db(pg_empty: str) -> str:
    """A migrated database."""
    migrate(pg_empty)
    return pg_empty


def _through(mode: str, url: str) -> str:
    """`url` itself (direct), or the same database through the test PgBouncer."""
    if mode == "direct":
        return url
    pooler = os.environ.get("VEROSCORE_TEST_POOLER_URL")
    if not pooler:
        pytest.skip("VEROSCORE_TEST_POOLER_URL is not set: scripts/pg starts PgBouncer")
    return pooler.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[1]


@pytest.fixture(params=["direct", "pgbouncer"])
def store_url(request: pytest.FixtureRequest, pg_db: str) -> str:
    """The migrated database as the store sees it: directly, and through PgBouncer in
    transaction mode. Tests inspect and set up data through `pg_db` (direct)."""
    return _through(request.param, pg_db)


@pytest.fixture(params=["direct", "pgbouncer"])
def store_url_empty(request: pytest.FixtureRequest, pg_empty: str) -> str:
    """An empty database, directly and through PgBouncer (for `db migrate`)."""
    return _through(request.param, pg_empty)
