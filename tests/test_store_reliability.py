"""Store reliability on a real PostgreSQL, directly and through PgBouncer in transaction mode:
concurrency without deadlocks, time-outs, retries, schema versions, payload validation,
privileges across migration re-runs, and the session life cycle as `health` judges it."""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest
import structlog
from psycopg.types.json import Jsonb

from tests.helpers import changeset_of, new_file_patch, run_cli
from veroscore.config import Config
from veroscore.detect.engine import detect
from veroscore.maintenance import check_health
from veroscore.score.engine import score_change
from veroscore.score.result import ScoreResult
from veroscore.store.base import ScoreRecord, record_from_result
from veroscore.store.failure import StoreFailure
from veroscore.store.migrate import migrate, migrations
from veroscore.store.postgres import PostgresStore
from veroscore.store.recorder import record_or_spool
from veroscore.store.settings import StoreSettings

SESSION = "dev-20261203"


@pytest.fixture(autouse=True)
def _fresh_logging() -> None:
    """An earlier in-process CLI run left structlog writing to its closed capture stream."""
    structlog.reset_defaults()


@pytest.fixture(scope="module")
def session_result() -> ScoreResult:
    changes = dataclasses.replace(
        changeset_of({"src/a.py": '"""A."""\nX = 1\n', "tests/test_a.py": "def test_a():\n"
                      "    assert True\n"}),
        repository="acme/shop", head_sha="0" * 40, pr_number=1,
        head_ref=f"auto-pr-{SESSION}", author="agent")
    return score_change(changes, detect(changes, Config(), use_semgrep=False), Config())


def pr_record(result: ScoreResult, pr: int) -> ScoreRecord:
    return record_from_result(dataclasses.replace(result, pr_number=pr,
                                                  head_sha=f"{pr:040x}"), f"trace-{pr}")


def scalar(url: str, sql: str, params: tuple[Any, ...] = ()) -> Any:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row[0]


def spooled_lines(folder: Path) -> int:
    return sum(len(p.read_text().splitlines()) for p in folder.glob("*.jsonl")) \
        if folder.exists() else 0


def record_concurrently(url: str, result: ScoreResult, spool_dir: Path,
                        prs: range) -> list[Any]:
    def one(pr: int) -> Any:
        return record_or_spool(url, pr_record(result, pr), spool_dir, StoreSettings())

    with ThreadPoolExecutor(max_workers=len(prs)) as pool:
        return list(pool.map(one, prs))


# -- Must-show 1: concurrency --------------------------------------------------------------


def test_fifty_prs_of_one_session_at_once(pg_db: str, store_url: str, tmp_path: Path,
                                          session_result: ScoreResult) -> None:
    outcomes = record_concurrently(store_url, session_result, tmp_path / "spool", range(1, 51))
    assert [o.error for o in outcomes if o.error] == []
    assert sum(o.recorded for o in outcomes) == 50
    assert spooled_lines(tmp_path / "spool") == 0
    assert scalar(pg_db, "SELECT count(*) FROM veroscore.pr_scores "
                         "WHERE session_id = %s", (SESSION,)) == 50
    assert scalar(pg_db, "SELECT jsonb_array_length(prs) FROM veroscore.sessions "
                         "WHERE session_id = %s", (SESSION,)) == 50
    assert scalar(pg_db, "SELECT status FROM veroscore.sessions") == "awaiting_review"


def test_fifty_prs_under_a_timeout_and_health_loop(pg_db: str, store_url: str, tmp_path: Path,
                                                   session_result: ScoreResult) -> None:
    """`sessions timeout` and `health` run in a loop while the 50 PRs are recorded; the
    session starts active and idle, so the time-out really competes for its row."""
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("INSERT INTO veroscore.sessions (session_id, status, last_activity) "
                     "VALUES (%s, 'active', now() - interval '2 hours')", (SESSION,))
        conn.execute("""INSERT INTO veroscore.sessions (session_id, status, last_activity)
                        SELECT 'other-' || g, 'active', now() - interval '2 hours'
                          FROM generate_series(1, 20) g""")
    stop = threading.Event()
    loop_errors: list[str] = []
    loops = [0]

    def maintenance_loop() -> None:
        store = PostgresStore(store_url)
        try:
            while not stop.is_set():
                store.timeout_sessions(1)
                if not check_health(store).snapshot:
                    loop_errors.append("health had no snapshot")
                loops[0] += 1
        except StoreFailure as exc:
            loop_errors.append(str(exc))
        finally:
            store.close()

    looper = threading.Thread(target=maintenance_loop)
    looper.start()
    try:
        outcomes = record_concurrently(store_url, session_result, tmp_path / "spool",
                                       range(1, 51))
    finally:
        stop.set()
        looper.join()
    assert loop_errors == [] and loops[0] > 0
    assert [o.error for o in outcomes if o.error] == []
    assert sum(o.recorded for o in outcomes) == 50
    assert spooled_lines(tmp_path / "spool") == 0
    assert scalar(pg_db, "SELECT count(*) FROM veroscore.pr_scores") == 50
    assert scalar(pg_db, "SELECT count(*) FROM veroscore.sessions "
                         "WHERE status = 'timed_out'") == 20
    # recorded or timed out first: either way the session ends waiting on review with 50 PRs
    assert scalar(pg_db, "SELECT status || ':' || jsonb_array_length(prs) "
                         "FROM veroscore.sessions WHERE session_id = %s",
                  (SESSION,)) == "awaiting_review:50"


def test_deadlocks_and_serialization_failures_are_retried_then_spooled(
        pg_db: str, store_url: str, tmp_path: Path, session_result: ScoreResult) -> None:
    """A wrapper around record_pr_score fails with 40P01 / 40001 a set number of times
    (a sequence counts attempts across the rolled-back transactions)."""
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("ALTER FUNCTION veroscore.record_pr_score(jsonb) RENAME TO real_record")
        conn.execute("CREATE SEQUENCE veroscore.attempts")
        conn.execute("CREATE TABLE veroscore.failures (n integer)")
        conn.execute("""CREATE FUNCTION veroscore.record_pr_score(payload jsonb) RETURNS jsonb
            LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('veroscore.attempts') <= (SELECT n FROM veroscore.failures) THEN
                    RAISE EXCEPTION 'injected' USING ERRCODE =
                        CASE WHEN currval('veroscore.attempts') % 2 = 0 THEN '40001'
                             ELSE '40P01' END;
                END IF;
                RETURN veroscore.real_record(payload);
            END $$""")
        conn.execute("INSERT INTO veroscore.failures VALUES (3)")
    store = PostgresStore(store_url, StoreSettings(retries=4, retry_base_delay_s=0.01))
    assert store.record(pr_record(session_result, 1)) is True
    assert store.retries_used == 3
    store.close()
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("UPDATE veroscore.failures SET n = 1000")
    started = time.monotonic()
    outcome = record_or_spool(store_url, pr_record(session_result, 2), tmp_path,
                              StoreSettings(retries=4, retry_base_delay_s=0.01))
    assert time.monotonic() - started < 5
    assert outcome.spool_file is not None and "kept reporting conflicts" in outcome.error
    assert scalar(pg_db, "SELECT last_value FROM veroscore.attempts") == 3 + 1 + 5


# -- Must-show 2: time-outs ----------------------------------------------------------------


def test_a_locked_table_spools_within_the_lock_timeout(
        capsys: pytest.CaptureFixture[str], pg_db: str, store_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, session_result: ScoreResult) -> None:
    """Another connection holds pr_scores in ACCESS EXCLUSIVE mode: recording gives up after
    the 500 ms lock time-out and spools; `veroscore score` says so and exits by fail-on."""
    patch = tmp_path / "change.patch"
    patch.write_text(new_file_patch("docs/notes.txt", ["a note"]))
    monkeypatch.setenv("VEROSCORE_SPOOL_DIR", str(tmp_path / "spool"))
    monkeypatch.setenv("VEROSCORE_STORE_LOCK_TIMEOUT_MS", "500")
    with psycopg.connect(pg_db) as locker:
        locker.execute("LOCK TABLE veroscore.pr_scores IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        outcome = record_or_spool(store_url, pr_record(session_result, 1), tmp_path / "direct",
                                  StoreSettings(lock_timeout_ms=500))
        elapsed = time.monotonic() - started
        run = run_cli(capsys, "score", "--patch", str(patch), "--store", store_url,
                      "--fail-on", "review_required")
    assert outcome.spool_file is not None and "lock timeout" in outcome.error
    assert 0.5 <= elapsed < 2.5, elapsed
    assert run.code == 1  # the decision (review_required: no pipeline section) met --fail-on
    assert "did not answer in time" in run.err and "lock timeout" in run.err
    assert "veroscore store replay" in run.err
    assert spooled_lines(tmp_path / "spool") == 1
    print(f"locked table: spooled after {elapsed:.2f} s with lock_timeout 0.5 s")


def test_every_transaction_carries_the_configured_timeouts(store_url: str) -> None:
    """Set inside each transaction (SET LOCAL semantics), so it holds through a
    transaction-mode pooler too; keepalives and prepared statements are client settings."""
    settings = StoreSettings(statement_timeout_ms=1234, lock_timeout_ms=567,
                             idle_in_transaction_timeout_ms=8910, keepalives_idle_s=42)
    store = PostgresStore(store_url, settings)
    seen = store._transaction("probing", lambda conn: conn.execute(
        "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'), "
        "current_setting('idle_in_transaction_session_timeout')").fetchone())
    options = {o.keyword.decode(): (o.val or b"").decode()
               for o in store._conn.pgconn.info}
    prepare = store._conn.prepare_threshold
    store.close()
    assert seen == ("1234ms", "567ms", "8910ms")
    assert (options["keepalives"], options["keepalives_idle"]) == ("1", "42")
    assert prepare is None


def test_a_statement_that_runs_too_long_is_cut(pg_db: str, store_url: str,
                                               session_result: ScoreResult) -> None:
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("""CREATE OR REPLACE FUNCTION veroscore.health_snapshot(
            p_stuck_minutes int DEFAULT 60)
            RETURNS jsonb LANGUAGE sql AS $$ SELECT to_jsonb(pg_sleep(5)::text) $$""")
    store = PostgresStore(store_url, StoreSettings(statement_timeout_ms=300))
    started = time.monotonic()
    report = check_health(store)
    store.close()
    assert time.monotonic() - started < 3
    assert not report.healthy and "store unreachable" in report.problems[0]
    assert "statement timeout" in report.problems[0]


def test_a_frozen_server_is_cut_at_the_client_deadline(pg_db: str, store_url: str,
                                                       tmp_path: Path,
                                                       session_result: ScoreResult) -> None:
    """Every server process of the database is stopped (SIGSTOP) after the store connected:
    the server cannot enforce its own time-outs, so the client deadline must."""
    settings = StoreSettings(statement_timeout_ms=500, client_grace_s=1, connect_timeout_s=2)
    store = PostgresStore(store_url, settings)
    store.check_schema()
    database = pg_db.rsplit("/", 1)[1]
    with psycopg.connect(pg_db) as conn:
        pids = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
            "pg_backend_pid()", (database,))]
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        with pytest.raises(StoreFailure) as frozen:
            store.record(pr_record(session_result, 1))
        elapsed = time.monotonic() - started
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
        store.close()
    assert frozen.value.kind == "timeout" and "no answer within 1.5 s" in str(frozen.value)
    assert 1.4 <= elapsed < 4, elapsed


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers (a hung server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield server.getsockname()[1]
    server.close()


def test_a_server_that_never_answers_spools_after_the_connect_timeout(
        silent_server: int, tmp_path: Path, session_result: ScoreResult) -> None:
    url = f"postgresql://veroscore:s3cret-pw@127.0.0.1:{silent_server}/veroscore"
    started = time.monotonic()
    outcome = record_or_spool(url, pr_record(session_result, 1), tmp_path,
                              StoreSettings(connect_timeout_s=1))
    elapsed = time.monotonic() - started
    assert outcome.spool_file is not None and elapsed < 4, elapsed
    assert "the store is unavailable" in outcome.error
    assert "s3cret-pw" not in outcome.message and "[REDACTED]" in outcome.message


# -- Schema versions and validation --------------------------------------------------------


def test_schema_behind_the_engine_spools_and_says_migrate(
        pg_db: str, store_url: str, tmp_path: Path, session_result: ScoreResult) -> None:
    latest = migrations()[-1].version
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("DELETE FROM veroscore.schema_version WHERE version = %s", (latest,))
    outcome = record_or_spool(store_url, pr_record(session_result, 1), tmp_path)
    assert outcome.spool_file is not None
    assert "schema problem, not an outage" in outcome.error
    assert "run `veroscore db migrate`" in outcome.error and str(latest) in outcome.error
    assert scalar(pg_db, "SELECT count(*) FROM veroscore.pr_scores") == 0


def test_missing_schema_or_function_is_a_schema_problem(
        capsys: pytest.CaptureFixture[str], pg_empty: str, tmp_path: Path,
        session_result: ScoreResult) -> None:
    outcome = record_or_spool(pg_empty, pr_record(session_result, 1), tmp_path)
    assert outcome.spool_file is not None and "schema problem" in outcome.error
    assert "veroscore.schema_version" in outcome.error
    health = run_cli(capsys, "health", "--store", pg_empty)
    assert health.code == 1 and "schema problem" in health.out
    assert "unreachable" not in health.out
    migrate(pg_empty)
    with psycopg.connect(pg_empty, autocommit=True) as conn:
        conn.execute("DROP FUNCTION veroscore.record_pr_score(jsonb)")
    store = PostgresStore(pg_empty)
    with pytest.raises(StoreFailure) as missing:
        store.record(pr_record(session_result, 1))
    store.close()
    assert missing.value.kind == "schema" and missing.value.sqlstate == "42883"


@pytest.mark.parametrize(("change", "reason"), [
    ({"raw_score": "NaN"}, "finite numbers"),
    ({"stabilized_score": "Infinity"}, "finite numbers"),
    ({"raw_score": 1e308}, "out of range"),
    ({"stabilized_score": 11}, "out of range"),
    ({"pr_number": 1.5}, "positive integer"),
    ({"decision": "approve_everything"}, "unknown decision"),
    ({"repository": "x" * 600}, "longer than 512"),
    ({"findings": [{"severity": "critical", "line": "NaN"}]}, "finite numbers"),
    ({"categories": [{"name": "security", "raw": "-Infinity"}]}, "finite raw number"),
    ({"findings": [{"severity": "high"}] * 20001}, "more than 20000"),
])
def test_the_database_refuses_payloads_that_are_not_scores(
        pg_db: str, session_result: ScoreResult, change: dict[str, Any], reason: str) -> None:
    payload = {**pr_record(session_result, 1).payload, **change}
    with psycopg.connect(pg_db, autocommit=True) as conn, \
            pytest.raises(psycopg.errors.InvalidParameterValue, match=reason):
        conn.execute("SELECT veroscore.record_pr_score(%s)", (Jsonb(payload),))
    assert scalar(pg_db, "SELECT count(*) FROM veroscore.pr_scores") == 0


def test_nan_from_python_is_refused_and_spooled_not_stored(
        pg_db: str, store_url: str, tmp_path: Path, session_result: ScoreResult) -> None:
    record = pr_record(session_result, 1)
    bad = dataclasses.replace(record, payload={**record.payload, "raw_score": float("nan")})
    outcome = record_or_spool(store_url, bad, tmp_path)
    assert outcome.spool_file is not None and "refused the record" in outcome.error
    assert scalar(pg_db, "SELECT count(*) FROM veroscore.pr_scores") == 0


# -- Privileges ----------------------------------------------------------------------------

def _acl(column: str) -> str:
    """An ACL as text with its items sorted: a re-grant may reorder them without changing
    what anyone may do."""
    return (f"coalesce((SELECT string_agg(a::text, ',' ORDER BY a::text) "
            f"FROM unnest({column}) a), '-')")


PRIVILEGES_SQL = f"""
SELECT 'rel ' || c.relname || ' ' || {_acl("c.relacl")}
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'veroscore'
UNION ALL
SELECT 'fn ' || p.oid::regprocedure::text || ' ' || {_acl("p.proacl")}
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'veroscore'
UNION ALL
SELECT 'schema ' || {_acl("nspacl")} FROM pg_namespace WHERE nspname = 'veroscore'
UNION ALL
SELECT 'default ' || d.defaclrole::regrole::text || ' ' || coalesce(d.defaclnamespace::text, '')
       || ' ' || d.defaclobjtype::text || ' ' || {_acl("d.defaclacl")} FROM pg_default_acl d
ORDER BY 1
"""


def privileges(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute(PRIVILEGES_SQL)]


def test_rerunning_any_migration_leaves_privileges_unchanged(pg_db: str) -> None:
    """Including objects a later migration added with privileges of its own."""
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("CREATE VIEW veroscore.v_later AS SELECT 1 AS one")
        conn.execute("GRANT SELECT ON veroscore.v_later TO anon")
        conn.execute("CREATE FUNCTION veroscore.later_fn() RETURNS int LANGUAGE sql "
                     "AS 'SELECT 1'")
        conn.execute("REVOKE EXECUTE ON FUNCTION veroscore.later_fn() FROM service_role")
    before = privileges(pg_db)
    assert any(line.startswith("rel v_later ") and "anon=r/" in line for line in before)
    for migration in migrations():
        with psycopg.connect(pg_db, autocommit=True) as conn:
            conn.execute(migration.path.read_text(encoding="utf-8").encode())
        assert privileges(pg_db) == before, migration.path.name


def test_future_functions_are_not_executable_by_public(pg_db: str) -> None:
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION veroscore.added_later() RETURNS int LANGUAGE sql "
                     "AS 'SELECT 1'")
        acl = conn.execute("SELECT proacl::text FROM pg_proc "
                           "WHERE proname = 'added_later'").fetchone()
        public = conn.execute("SELECT has_function_privilege('public', "
                              "'veroscore.added_later()', 'EXECUTE')").fetchone()
    assert acl is not None and acl[0] is not None
    assert "{=X" not in acl[0] and ",=X" not in acl[0] and "service_role=X" in acl[0]
    assert public == (False,)


def test_old_idle_sessions_become_timed_out(pg_empty: str) -> None:
    with psycopg.connect(pg_empty, autocommit=True) as conn:
        for migration in migrations():
            if migration.version >= 20261203000100:
                break
            conn.execute(migration.path.read_text(encoding="utf-8").encode())
        conn.execute("INSERT INTO veroscore.sessions (session_id, status) VALUES ('s', 'idle')")
    migrate(pg_empty)
    assert scalar(pg_empty, "SELECT status FROM veroscore.sessions") == "timed_out"
    with psycopg.connect(pg_empty, autocommit=True) as conn, \
            pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("UPDATE veroscore.sessions SET status = 'idle'")


# -- Must-show 4: the life cycle as health sees it -----------------------------------------


def set_clock(url: str, status: str, minutes_ago: int) -> None:
    """Simulated clock: the session has been in `status` since `minutes_ago`."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE veroscore.sessions SET status = %s, last_activity = now() - "
                     "make_interval(mins => %s) WHERE session_id = %s",
                     (status, minutes_ago, SESSION))


def test_health_green_through_a_review_of_hours_red_when_really_stalled(
        capsys: pytest.CaptureFixture[str], pg_db: str, store_url: str,
        session_result: ScoreResult) -> None:
    def health() -> tuple[int, str]:
        timeout = run_cli(capsys, "sessions", "timeout", "--idle-minutes", "30", "--store",
                          store_url)
        assert timeout.code == 0
        run = run_cli(capsys, "health", "--store", store_url, "--stuck-minutes", "60")
        return run.code, scalar(pg_db, "SELECT status FROM veroscore.sessions "
                                       "WHERE session_id = %s", (SESSION,))

    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("INSERT INTO veroscore.sessions (session_id) VALUES (%s)", (SESSION,))
    assert health() == (0, "active")
    set_clock(pg_db, "processing", 5)              # the agent commits and opens the PR
    assert health() == (0, "processing")
    store = PostgresStore(store_url)
    store.record(pr_record(session_result, 1))     # the PR is scored
    store.close()
    assert health() == (0, "awaiting_review")
    for hours in (1, 2, 4, 8, 24, 72):             # people take their time to review
        set_clock(pg_db, "awaiting_review", hours * 60)
        assert health() == (0, "awaiting_review"), hours
    set_clock(pg_db, "completed", 0)               # merged
    assert health() == (0, "completed")
    set_clock(pg_db, "processing", 45)             # a new batch, slow but within the limit
    assert health() == (0, "processing")
    set_clock(pg_db, "processing", 3 * 60)         # a batch that never finished
    code, state = health()
    assert (code, state) == (1, "processing")
    stuck = run_cli(capsys, "health", "--store", store_url, "--format", "json").json()
    assert stuck["snapshot"]["stuck_sessions"] == 1
    assert stuck["problems"] == ["1 session(s) stuck in processing for more than 60 minutes"]
