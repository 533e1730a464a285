"""Migration 20261203000200 on the real PostgreSQL: the session states the agent writes."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

MIGRATION = (Path(__file__).parent.parent / "supabase/migrations/"
             "20261203000200_session_agent_states.sql")
STATES = ("active", "processing", "awaiting_review", "completed", "timed_out", "failed")


def _checks(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    rows = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                        "'veroscore.sessions'::regclass AND contype = 'c' AND "
                        "pg_get_constraintdef(oid) ILIKE '%status%'").fetchall()
    return [str(r[0]) for r in rows]


def test_every_state_is_accepted_and_no_other(pg_db: str) -> None:
    with psycopg.connect(pg_db, autocommit=True) as conn:
        for state in STATES:
            conn.execute("INSERT INTO veroscore.sessions (session_id, status) VALUES (%s, %s)",
                         (f"s-{state}", state))
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("INSERT INTO veroscore.sessions (session_id, status) "
                         "VALUES ('s-stalled', 'stalled')")


def test_rerun_and_an_equivalent_constraint_change_nothing(pg_db: str) -> None:
    with psycopg.connect(pg_db, autocommit=True) as conn:
        before = _checks(conn)
        conn.execute(MIGRATION.read_text().encode())
        assert _checks(conn) == before and len(before) == 1
        # another migration (wt-store's) set the same states under its own name first
        conn.execute("ALTER TABLE veroscore.sessions DROP CONSTRAINT sessions_status_check")
        conn.execute("ALTER TABLE veroscore.sessions ADD CONSTRAINT sessions_state_valid "
                     "CHECK (status IN ('active', 'processing', 'awaiting_review', "
                     "'completed', 'timed_out', 'failed'))")
        conn.execute(MIGRATION.read_text().encode())
        assert len(_checks(conn)) == 1 and "sessions_state_valid" in str(conn.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = "
            "'veroscore.sessions'::regclass AND contype = 'c'").fetchall())


def test_old_constraint_is_widened_and_idle_rows_become_timed_out(pg_empty: str) -> None:
    from veroscore.store.migrate import migrations
    with psycopg.connect(pg_empty, autocommit=True) as conn:
        for migration in migrations():
            if migration.version < 20261203000000:
                conn.execute(migration.path.read_text().encode())
        conn.execute("INSERT INTO veroscore.sessions (session_id, status) VALUES ('s1', 'idle')")
        conn.execute(MIGRATION.read_text().encode())
        status = conn.execute("SELECT status FROM veroscore.sessions").fetchone()
        assert status is not None and status[0] == "timed_out"
        assert all(state in _checks(conn)[0] for state in STATES)
