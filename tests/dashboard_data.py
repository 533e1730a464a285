"""Stores for the dashboard tests, filled through the real write paths (SqliteStore.record,
veroscore.record_pr_score) with scores computed by the real engine, then back-dated.

One PR is hostile: its title, branch, author and file path carry HTML, script and a CSV
formula, as a PR author can make them.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from tests.helpers import changeset_of
from veroscore.config import Config
from veroscore.detect.engine import detect
from veroscore.score.engine import score_change
from veroscore.store.base import ScoreRecord, record_from_result
from veroscore.store.postgres import PostgresStore
from veroscore.store.sqlite import SqliteStore

HOSTILE_TITLE = '<script>window.__pwned=1</script></script><img src=x onerror="window.__pwned=2">'
HOSTILE_PATH = 'src/<img src=x onerror=window.__pwned=3>/"x".py'
HOSTILE_BRANCH = "<b>feature</b><script>window.__pwned=4</script>"
HOSTILE_AUTHOR = '=HYPERLINK("http://evil.example","x")'
TENANT = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"

CLEAN = {"src/app/service.py": '"""Service."""\n\n\ndef total(items: list[int]) -> int:\n'
                               '    return sum(items)\n',
         "tests/test_service.py": "def test_total() -> None:\n    assert True\n"}
LEAKY = {"src/app/tenant.py": f'TENANT_ID = "{TENANT}"\n'}
LOGGY = {"src/api/handlers/log.py": "def handle(x):\n    print(x)\n    try:\n        pass\n"
                                    "    except Exception:\n        pass\n"}


@dataclasses.dataclass(frozen=True)
class SeedPr:
    repository: str
    number: int
    author: str
    title: str
    branch: str
    files: dict[str, str]
    days_ago: float
    session: str | None = None


SEED = (
    SeedPr("acme/shop", 1, "alice", "Add totals", "feature/totals", CLEAN, 40),
    SeedPr("acme/shop", 2, "bob", "Tenant constant", "feature/tenant", LEAKY, 20),
    SeedPr("acme/shop", 3, "alice", "Logging", "feature/log", LOGGY, 9, "s-one"),
    SeedPr("acme/api", 4, "carol", "Refactor service", "refactor", CLEAN, 3),
    SeedPr("acme/api", 5, HOSTILE_AUTHOR, HOSTILE_TITLE, HOSTILE_BRANCH,
           {HOSTILE_PATH: f'TENANT_ID = "{TENANT}"\n'}, 1.5, "s-two"),
    SeedPr("acme/api", 6, "bob", "More logging", "feature/log2", LOGGY, 0.0005),
)
"""Ages are chosen so that "today" does not depend on the hour the tests run: 1.5 days ago
is never today, 43 seconds ago is (except in the first minute after midnight UTC)."""


def record_for(seed: SeedPr, head: str | None = None) -> ScoreRecord:
    """The engine's record of a seed PR (real detectors, real score)."""
    changes = dataclasses.replace(
        changeset_of(seed.files), repository=seed.repository, pr_number=seed.number,
        head_sha=head or f"{seed.number:040d}", author=seed.author, head_ref=seed.branch,
        title=seed.title)
    result = score_change(changes, detect(changes, Config(), use_semgrep=False), Config())
    record = record_from_result(result, f"trace-{seed.number}", scan_duration_ms=1200)
    payload: dict[str, Any] = {**record.payload, "title": seed.title,
                               "session_id": seed.session}
    return dataclasses.replace(record, payload=payload)


def fill_sqlite(path: Path, seeds: tuple[SeedPr, ...] = SEED) -> None:
    store = SqliteStore(path)
    for seed in seeds:
        store.record(record_for(seed))
    store.close()
    with sqlite3.connect(path) as db:
        for seed in seeds:
            when = _iso(datetime.now(UTC) - timedelta(days=seed.days_ago))
            db.execute("UPDATE pr_scores SET created_at = ?, session_id = ? "
                       "WHERE pr_number = ? AND repository = ?",
                       (when, seed.session, seed.number, seed.repository))
        for session, status, author in (("s-one", "active", "alice"),
                                        ("s-two", "processing", HOSTILE_AUTHOR),
                                        ("s-three", "completed", "carol")):
            db.execute("INSERT OR IGNORE INTO sessions (session_id, author, status, prs, "
                       "total_files, total_lines_added, total_lines_removed) "
                       "VALUES (?, ?, ?, '[3]', 2, 10, 1)", (session, author, status))
        db.execute("INSERT INTO changes_queue (session_id, file_path, change_type) "
                   "VALUES ('s-one', 'src/a.py', 'modified')")


def add_sqlite_score(path: Path, seed: SeedPr) -> None:
    store = SqliteStore(path)
    store.record(record_for(seed))
    store.close()


def fill_postgres(url: str, seeds: tuple[SeedPr, ...] = SEED) -> None:
    store = PostgresStore(url)
    for seed in seeds:
        store.record(record_for(seed))
    store.close()
    with psycopg.connect(url, autocommit=True) as conn:
        for seed in seeds:
            when = datetime.now(UTC) - timedelta(days=seed.days_ago)
            conn.execute("UPDATE veroscore.pr_scores SET created_at = %s "
                         "WHERE pr_number = %s AND repository = %s",
                         (when, seed.number, seed.repository))
        conn.execute("UPDATE veroscore.sessions SET branch_name = %s, author = %s "
                     "WHERE session_id = 's-two'", (HOSTILE_BRANCH, HOSTILE_AUTHOR))
        # Scoring moves every session to awaiting_review: give one another state, as an
        # agent's session would have, so the status filter has something to tell apart.
        conn.execute("UPDATE veroscore.sessions SET status = 'active' WHERE session_id = 's-one'")
        conn.execute("INSERT INTO veroscore.changes_queue (session_id, file_path, change_type) "
                     "VALUES ('s-one', 'src/a.py', 'modified')")


def add_postgres_score(url: str, seed: SeedPr) -> None:
    store = PostgresStore(url)
    store.record(record_for(seed))
    store.close()


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
