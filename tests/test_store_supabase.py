"""The Supabase back-end under faults, at the HTTP level: PostgREST's error bodies for a
missing function or table, denied permissions, time-outs, deadlocks and serialization
failures, gateway pages and transport errors; each classified as the Postgres back-end
classifies it, retried when it is a conflict, spooled otherwise."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
import respx
import structlog

from tests.helpers import changeset_of, make_jwt
from tests.postgrest_fake import FakePostgrest
from veroscore.config import Config
from veroscore.detect.engine import detect
from veroscore.score.engine import score_change
from veroscore.store.base import ScoreRecord, record_from_result
from veroscore.store.failure import StoreFailure
from veroscore.store.recorder import record_or_spool
from veroscore.store.settings import StoreSettings
from veroscore.store.supabase import SupabaseStore

SUPABASE_URL = "https://abcdefghijklmnopqrst.supabase.co"
ENV = {"SUPABASE_URL": SUPABASE_URL, "SUPABASE_SERVICE_ROLE_KEY": ""}


def body(status: int, code: str, message: str, details: str | None = None) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "details": details, "hint": None,
                                        "message": message})


MISSING_FUNCTION = body(
    404, "PGRST202", "Could not find the function veroscore.record_pr_score(payload) in the "
    "schema cache", "Searched for the function veroscore.record_pr_score with parameter "
    "payload or with a single unnamed json/jsonb parameter, but no matches were found in the "
    "schema cache.")
MISSING_TABLE = body(404, "PGRST205", "Could not find the table 'veroscore.schema_version' in "
                     "the schema cache")
DENIED = body(403, "42501", "permission denied for function record_pr_score")
STATEMENT_TIMEOUT = body(500, "57014", "canceling statement due to statement timeout")
DEADLOCK = body(500, "40P01", "deadlock detected")
SERIALIZATION = body(500, "40001", "could not serialize access due to concurrent update")
SCHEMA_CACHE = body(503, "PGRST002", "Could not query the database for the schema cache. "
                    "Retrying.")
GATEWAY = httpx.Response(502, text="<html><body>502 Bad Gateway</body></html>",
                         headers={"content-type": "text/html"})


@pytest.fixture(autouse=True)
def _fresh_logging() -> None:
    structlog.reset_defaults()


@pytest.fixture
def fake(pg_db: str) -> Iterator[FakePostgrest]:
    postgrest = FakePostgrest(SUPABASE_URL, pg_db)
    with respx.mock(assert_all_called=False) as mock:
        postgrest.install(mock)
        yield postgrest


@pytest.fixture
def env() -> dict[str, str]:
    return {**ENV, "SUPABASE_SERVICE_ROLE_KEY": make_jwt("service_role")}


@pytest.fixture(scope="module")
def record() -> ScoreRecord:
    changes = dataclasses.replace(changeset_of({"src/a.py": '"""A."""\nX = 1\n'}),
                                  repository="acme/shop", head_sha="a" * 40, pr_number=7)
    result = score_change(changes, detect(changes, Config(), use_semgrep=False), Config())
    return record_from_result(result, "trace")


def scores(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM veroscore.pr_scores").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(("endpoint", "fault", "said"), [
    ("record_pr_score", MISSING_FUNCTION, "schema problem, not an outage"),
    ("schema_version", MISSING_TABLE, "schema problem, not an outage"),
    ("record_pr_score", DENIED, "refused the credentials"),
    ("record_pr_score", STATEMENT_TIMEOUT, "did not answer in time"),
    ("record_pr_score", SCHEMA_CACHE, "the store is unavailable"),
    ("record_pr_score", GATEWAY, "the store is unavailable"),
    ("record_pr_score", httpx.ReadTimeout("timed out"), "did not answer in time"),
    ("schema_version", httpx.ConnectError("connection refused"), "the store is unavailable"),
])
def test_each_fault_is_classified_and_spooled(
        fake: FakePostgrest, env: dict[str, str], record: ScoreRecord, pg_db: str,
        tmp_path: Path, endpoint: str, fault: httpx.Response | Exception, said: str) -> None:
    fake.faults[endpoint] = [fault] * 10
    outcome = record_or_spool("supabase", record, tmp_path, StoreSettings(retries=2), env)
    assert outcome.spool_file is not None and said in outcome.error, outcome.error
    assert scores(pg_db) == 0


def test_conflicts_are_retried_with_jitter_then_spooled(
        fake: FakePostgrest, env: dict[str, str], record: ScoreRecord, pg_db: str,
        tmp_path: Path) -> None:
    naps: list[float] = []
    fake.faults["record_pr_score"] = [DEADLOCK, SERIALIZATION]
    store = SupabaseStore(SUPABASE_URL, env["SUPABASE_SERVICE_ROLE_KEY"],
                          StoreSettings(retries=3, retry_base_delay_s=0.1), sleep=naps.append)
    assert store.record(record) is True
    assert store.retries_used == 2 and len(naps) == 2
    assert 0 <= naps[0] <= 0.1 and 0 <= naps[1] <= 0.2
    assert store.record(record) is False  # the key is taken: "already recorded"
    fake.faults["record_pr_score"] = [DEADLOCK] * 4
    with pytest.raises(StoreFailure) as gave_up:
        store.record(dataclasses.replace(record, payload={**record.payload, "head_sha": "b"}))
    store.close()
    assert gave_up.value.kind == "conflict" and "40P01" in str(gave_up.value)
    assert scores(pg_db) == 1


def test_schema_behind_is_refused_before_writing(fake: FakePostgrest, env: dict[str, str],
                                                 record: ScoreRecord, pg_db: str,
                                                 tmp_path: Path) -> None:
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("DELETE FROM veroscore.schema_version WHERE version = "
                     "(SELECT max(version) FROM veroscore.schema_version)")
    outcome = record_or_spool("supabase", record, tmp_path, env=env)
    assert outcome.spool_file is not None and "run `veroscore db migrate`" in outcome.error
    assert not any("/rpc/" in r.url.path for r in fake.requests)


def test_requests_carry_the_configured_timeouts(fake: FakePostgrest, env: dict[str, str],
                                                record: ScoreRecord) -> None:
    store = SupabaseStore(SUPABASE_URL, env["SUPABASE_SERVICE_ROLE_KEY"],
                          StoreSettings(http_timeout_s=3.5, connect_timeout_s=2))
    assert store.record(record) is True
    store.close()
    for request in fake.requests:
        assert request.extensions["timeout"] == {"connect": 2.0, "read": 3.5, "write": 3.5,
                                                 "pool": 3.5}
