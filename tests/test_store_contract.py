"""One contract for every back-end: SQLite, real Postgres, and Supabase at the HTTP level
(supabase-py → respx → PostgREST-shaped fake → the same real Postgres)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import respx

from tests.conftest import _through
from tests.helpers import changeset_of, make_jwt
from tests.postgrest_fake import FakePostgrest
from veroscore.config import Config
from veroscore.detect.engine import detect
from veroscore.errors import StoreError
from veroscore.score.engine import score_change
from veroscore.score.result import ScoreResult
from veroscore.store.base import Store, record_from_result
from veroscore.store.failure import StoreFailure
from veroscore.store.sqlite import SqliteStore
from veroscore.store.url import open_store

SUPABASE_URL = "https://abcdefghijklmnopqrst.supabase.co"
UUID = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"


def scored(head: str, pr: int = 7, head_ref: str = "feature") -> ScoreResult:
    changes = dataclasses.replace(
        changeset_of({"src/a.py": f'TENANT_ID = "{UUID}"\nprint("x")\n'}),
        repository="acme/shop", head_sha=head, pr_number=pr, head_ref=head_ref, author="dev")
    return score_change(changes, detect(changes, Config(), use_semgrep=False), Config())


@pytest.fixture(params=["sqlite", "postgres", "pgbouncer", "supabase"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        backend: Store | None = SqliteStore(tmp_path / "s.db")
        assert backend is not None
        yield backend
        backend.close()
        return
    url = request.getfixturevalue("pg_db")
    if request.param in ("postgres", "pgbouncer"):
        backend = open_store(_through("direct" if request.param == "postgres" else "pgbouncer",
                                      url))
        assert backend is not None
        yield backend
        backend.close()
        return
    fake = FakePostgrest(SUPABASE_URL, url)
    with respx.mock(assert_all_called=False) as mock:
        fake.install(mock)
        backend = open_store("supabase", {"SUPABASE_URL": SUPABASE_URL,
                                          "SUPABASE_KEY": make_jwt("service_role")})
        assert backend is not None
        yield backend
    assert all(r.headers.get("apikey") for r in fake.requests)


def test_record_is_idempotent_per_head(store: Store) -> None:
    first = scored("a" * 40)
    assert store.record(record_from_result(first, "t1")) is True
    assert store.record(record_from_result(first, "t2")) is False
    assert store.record(record_from_result(scored("b" * 40), "t3")) is True
    rows = store.history("acme/shop")
    assert [r.head_sha[0] for r in rows] == ["b", "a"]
    assert (rows[0].pr_number, rows[0].decision, rows[0].critical) == (7, "auto_block", 1)
    assert rows[1].trace_id == "t1"
    assert store.history("other/repo") == []


def test_history_limit(store: Store) -> None:
    for head in ("c", "d", "e"):
        store.record(record_from_result(scored(head * 40), "t"))
    assert len(store.history(limit=2)) == 2


def test_supabase_rejects_unexposed_schema_and_anon_key(pg_db: str) -> None:
    fake = FakePostgrest(SUPABASE_URL, pg_db, exposed_schemas=("public",))
    with respx.mock(assert_all_called=False) as mock:
        fake.install(mock)
        hidden = open_store("supabase", {"SUPABASE_URL": SUPABASE_URL,
                                         "SUPABASE_SERVICE_ROLE_KEY": make_jwt("service_role")})
        assert hidden is not None
        with pytest.raises(StoreFailure, match="The schema must be one of the following") as hid:
            hidden.record(record_from_result(scored("a" * 40), "t"))
        assert hid.value.kind == "schema"
        fake.exposed_schemas = ("public", "veroscore")
        anon = open_store("supabase", {"SUPABASE_URL": SUPABASE_URL,
                                       "SUPABASE_KEY": make_jwt("anon")})
        assert anon is not None
        with pytest.raises(StoreFailure, match="permission denied") as denied:
            anon.record(record_from_result(scored("a" * 40), "t"))
        assert denied.value.kind == "permission"
    with psycopg.connect(pg_db) as conn:
        assert conn.execute("SELECT count(*) FROM veroscore.pr_scores").fetchone() == (0,)
    check = fake.requests[0]
    assert check.url.path == "/rest/v1/schema_version"
    assert check.headers["accept-profile"] == "veroscore"
    assert check.headers["authorization"] == f"Bearer {make_jwt('service_role')}"


def test_supabase_store_needs_url_and_key() -> None:
    with pytest.raises(StoreError, match="needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY"):
        open_store("supabase", {"SUPABASE_URL": SUPABASE_URL})
