"""The veroscore schema on a real PostgreSQL: migrations, idempotency under concurrency,
RLS and grants, sessions, maintenance and health."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from tests.helpers import changeset_of, run_cli
from veroscore.config import Config
from veroscore.detect.engine import detect
from veroscore.maintenance import check_health, run_maintenance
from veroscore.score.engine import score_change
from veroscore.store.base import ScoreRecord, record_from_result
from veroscore.store.migrate import latest_version, migrations
from veroscore.store.postgres import PostgresStore

TABLES = ("sessions", "changes_queue", "pr_scores", "detection_results", "idempotency_keys",
          "system_metrics", "audit_log", "schema_version", "finding_rule_daily",
          "finding_folder_daily")
UUID = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"


def payload(head: str, *, head_ref: str = "feature", description: str = "",
            tests: bool = False) -> dict[str, Any]:
    files = {"src/a.py": f'TENANT_ID = "{UUID}"\n' if not tests else '"""A."""\nX = 1\n'}
    if tests:
        files["tests/test_a.py"] = "def test_a() -> None:\n    assert True\n"
    changes = dataclasses.replace(changeset_of(files, description=description),
                                  repository="acme/shop", head_sha=head, pr_number=7,
                                  head_ref=head_ref, author="dev")
    result = score_change(changes, detect(changes, Config(), use_semgrep=False), Config())
    return record_from_result(result, f"trace-{head[:4]}").payload


def record_from_result_stub(data: dict[str, Any]) -> ScoreRecord:
    """A record straight from a payload, as a replayed spool line is."""
    return ScoreRecord(data["repository"], data["pr_number"], data["head_sha"],
                       data["config_hash"], data["engine_version"], data["trace_id"], data)


def count(url: str, sql: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_migrate_twice_then_score_twice_and_a_new_head(capsys: pytest.CaptureFixture[str],
                                                       pg_empty: str,
                                                       store_url_empty: str) -> None:
    """Also through PgBouncer in transaction mode: `db migrate` works through the pooler."""
    first = run_cli(capsys, "db", "migrate", "--database-url", store_url_empty)
    assert first.code == 0, first.err
    assert [line.split()[1] for line in first.out.splitlines() if line.startswith("applied ")] \
        == [str(m.version) for m in migrations()]
    assert first.out.splitlines()[-1] == (f"{len(migrations())} migration(s) applied; schema "
                                          f"version {latest_version()}")
    second = run_cli(capsys, "db", "migrate", "--database-url", store_url_empty)
    assert second.code == 0 and f"schema is current (version {latest_version()})" in second.out
    store = PostgresStore(store_url_empty)
    record = record_from_result_stub(payload("a" * 40))
    assert [store.record(record), store.record(record)] == [True, False]
    assert count(pg_empty, "SELECT count(*) FROM veroscore.pr_scores") == 1
    assert count(pg_empty, "SELECT count(*) FROM veroscore.detection_results") == 2
    assert store.record(record_from_result_stub(payload("b" * 40))) is True
    assert count(pg_empty, "SELECT count(*) FROM veroscore.pr_scores") == 2
    assert count(pg_empty, """SELECT count(*) FROM veroscore.pr_scores p
                               WHERE NOT EXISTS (SELECT 1 FROM veroscore.audit_log a
                                                  WHERE a.pr_score_id = p.id)""") == 0
    store.close()


def test_fifty_concurrent_calls_for_ten_heads(pg_db: str) -> None:
    payloads = [payload(f"{i:040x}") for i in range(10)]

    def call(index: int) -> bool:
        with psycopg.connect(pg_db, autocommit=True) as conn:
            conn.execute("SET ROLE service_role")
            row = conn.execute("SELECT veroscore.record_pr_score(%s)",
                               (Jsonb(payloads[index % 10]),)).fetchone()
        assert row is not None
        return bool(row[0]["inserted"])

    with ThreadPoolExecutor(max_workers=50) as pool:
        inserted = list(pool.map(call, range(50)))
    assert sum(inserted) == 10
    assert count(pg_db, "SELECT count(*) FROM veroscore.pr_scores") == 10
    assert count(pg_db, "SELECT count(DISTINCT head_sha) FROM veroscore.pr_scores") == 10
    assert count(pg_db, "SELECT count(*) FROM veroscore.detection_results") == 20


@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_api_roles_get_nothing(pg_db: str, role: str) -> None:
    store = PostgresStore(pg_db)
    store.record(record_from_result_stub(payload("a" * 40)))
    store.close()
    for table in TABLES:
        for statement in (f"SELECT * FROM veroscore.{table}",
                          f"DELETE FROM veroscore.{table}"):
            with psycopg.connect(pg_db, autocommit=True) as conn:
                conn.execute(f"SET ROLE {role}")
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute(f"SET ROLE {role}")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT veroscore.record_pr_score('{}'::jsonb)")


def test_service_role_reads_and_writes_and_rls_is_on_everywhere(pg_db: str) -> None:
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("SET ROLE service_role")
        conn.execute("SELECT veroscore.record_pr_score(%s)", (Jsonb(payload("a" * 40)),))
        for table in TABLES:
            conn.execute(f"SELECT count(*) FROM veroscore.{table}")
        conn.execute("INSERT INTO veroscore.system_metrics (metric_name, metric_value) "
                     "VALUES ('probe', 1)")
        conn.execute("RESET ROLE")
        rows = conn.execute("""SELECT c.relname, c.relrowsecurity FROM pg_class c
                                 JOIN pg_namespace n ON n.oid = c.relnamespace
                                WHERE n.nspname = 'veroscore' AND c.relkind = 'r'""").fetchall()
    assert sorted(rows) == sorted((table, True) for table in TABLES)


def test_session_link_and_transitions(pg_db: str, store_url: str) -> None:
    """A scored PR waits on people: its session moves to awaiting_review, whatever the
    decision (a blocked PR waits for its author's fixes), and stays there on a new head."""
    store = PostgresStore(store_url)
    store.record(record_from_result_stub(payload("a" * 40, head_ref="auto-pr-dev-20261122")))
    waiting = count(pg_db, "SELECT count(*) FROM veroscore.sessions WHERE session_id = "
                           "'dev-20261122' AND status = 'awaiting_review' AND prs = '[7]' "
                           "AND metadata ->> 'last_decision' = 'auto_block'")
    assert waiting == 1
    store.record(record_from_result_stub(payload(
        "b" * 40, description="Fix\n\nSession: dev-20261122\n", tests=True)))
    with psycopg.connect(pg_db) as conn:
        transitions = conn.execute(
            """SELECT old_state ->> 'status', new_state ->> 'status' FROM veroscore.audit_log
                WHERE event_type = 'session' ORDER BY "timestamp", id""").fetchall()
        prs = conn.execute("SELECT prs, status FROM veroscore.sessions").fetchone()
    assert transitions == [("processing", "awaiting_review")]
    assert prs == ([7], "awaiting_review")
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("UPDATE veroscore.sessions SET status = 'completed'")
    store.record(record_from_result_stub(payload("c" * 40, head_ref="auto-pr-dev-20261122")))
    assert count(pg_db, "SELECT count(*) FROM veroscore.sessions "
                        "WHERE status = 'completed'") == 1
    store.close()


def test_sessions_timeout_moves_only_idle_active_ones(capsys: pytest.CaptureFixture[str],
                                                      pg_db: str, store_url: str) -> None:
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("""INSERT INTO veroscore.sessions (session_id, status, last_activity, prs)
            VALUES ('old', 'active', now() - interval '45 minutes', '[]'),
                   ('old-with-pr', 'active', now() - interval '45 minutes', '[12]'),
                   ('fresh', 'active', now() - interval '10 minutes', '[]'),
                   ('busy', 'processing', now() - interval '3 hours', '[]'),
                   ('review', 'awaiting_review', now() - interval '3 days', '[9]')""")
    run = run_cli(capsys, "sessions", "timeout", "--idle-minutes", "30", "--store", store_url)
    assert run.code == 0 and run.out.startswith("2 session(s)"), run.err
    with psycopg.connect(pg_db) as conn:
        states = dict(conn.execute("SELECT session_id, status FROM veroscore.sessions"))
        audit = conn.execute("SELECT count(*) FROM veroscore.audit_log "
                             "WHERE event_action = 'timed_out'").fetchone()
    assert states == {"old": "timed_out", "old-with-pr": "awaiting_review", "fresh": "active",
                      "busy": "processing", "review": "awaiting_review"}
    assert audit == (2,)


def test_health_flags_stuck_sessions_and_old_schema(capsys: pytest.CaptureFixture[str],
                                                    pg_db: str, store_url: str) -> None:
    healthy = run_cli(capsys, "health", "--store", store_url, "--format", "json")
    assert healthy.code == 0 and healthy.json()["healthy"] is True
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("INSERT INTO veroscore.sessions (session_id, status, last_activity) "
                     "VALUES ('stuck', 'processing', now() - interval '3 hours')")
    stuck = run_cli(capsys, "health", "--store", store_url)
    assert stuck.code == 1 and "1 session(s) stuck in processing" in stuck.out
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("DELETE FROM veroscore.sessions")
        conn.execute("DELETE FROM veroscore.schema_version WHERE version = %s",
                     (latest_version(),))
    behind = run_cli(capsys, "health", "--store", store_url, "--format", "markdown")
    assert behind.code == 1 and "is behind" in behind.out
    assert "| Active sessions | 0 |" in behind.out


def test_health_when_store_is_down(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "health", "--store", "postgresql://postgres@127.0.0.1:1/none")
    assert run.code == 1 and "store unreachable" in run.out


def test_maintenance_tasks_and_metrics(pg_db: str, store_url: str) -> None:
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("""INSERT INTO veroscore.idempotency_keys (key, operation_type, status,
                        expires_at) VALUES ('k1', 'score', 'completed', now() - interval '1 h'),
                        ('k2', 'score', 'completed', now() + interval '1 h')""")
        conn.execute("""INSERT INTO veroscore.system_metrics (metric_name, metric_value,
                        "timestamp") VALUES ('old', 1, now() - interval '40 days')""")
    store = PostgresStore(store_url)
    report = run_maintenance(store)
    assert (report.idempotency_keys_removed, report.metrics_archived) == (1, 1)
    assert check_health(store).healthy
    store.close()
    assert count(pg_db, "SELECT count(*) FROM veroscore.system_metrics "
                        "WHERE metric_name = 'sessions_timed_out'") == 1


def test_each_migration_records_its_own_version(pg_empty: str) -> None:
    """So a database migrated by `supabase db push` is current for `veroscore health` too."""
    with psycopg.connect(pg_empty, autocommit=True) as conn:
        for migration in migrations():
            conn.execute(migration.path.read_text(encoding="utf-8").encode())
        versions = [row[0] for row in conn.execute(
            "SELECT version FROM veroscore.schema_version ORDER BY version")]
    assert versions == [m.version for m in migrations()] and versions[-1] == latest_version()


def test_each_score_writes_metrics_rows(pg_db: str, store_url: str) -> None:
    data = payload("a" * 40)
    data["scan_duration_ms"] = 1234
    store = PostgresStore(store_url)
    store.record(record_from_result_stub(data))
    store.close()
    with psycopg.connect(pg_db) as conn:
        metrics = dict(conn.execute("SELECT metric_name, metric_value::float8 "
                                    "FROM veroscore.system_metrics").fetchall())
    assert metrics["scan_duration_ms"] == 1234
    assert metrics["findings_critical"] == 1 and metrics["findings_medium"] == 1
    assert metrics["pr_score"] == data["stabilized_score"]
