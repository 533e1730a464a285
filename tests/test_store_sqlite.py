"""The embedded SQLite store: idempotent records, findings, audit rows, history."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from tests.helpers import changeset_of
from veroscore.config import Config
from veroscore.detect.engine import detect
from veroscore.errors import StoreError
from veroscore.score.engine import score_change
from veroscore.store import open_store
from veroscore.store.base import record_from_result


def result_for(head: str):  # type: ignore[no-untyped-def]
    changes = dataclasses.replace(changeset_of(
        {"src/a.py": 'TENANT_ID = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"\norg_id = "x"\n'}),
        head_sha=head, pr_number=7)
    return score_change(changes, detect(changes, Config(), use_semgrep=False), Config())


def counts(db: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(db)
    return tuple(con.execute(f"select count(*) from {t}").fetchone()[0]  # type: ignore[return-value]
                 for t in ("pr_scores", "detection_results", "audit_log"))


def test_same_head_recorded_once_new_head_twice(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store = open_store(f"sqlite:///{db}")
    assert store is not None
    first = result_for("a" * 40)
    assert store.record(record_from_result(first, "trace-1")) is True
    assert store.record(record_from_result(first, "trace-2")) is False
    assert counts(db) == (1, 2, 1)
    assert store.record(record_from_result(result_for("b" * 40), "trace-3")) is True
    assert counts(db) == (2, 4, 2)
    rows = store.history("test")
    assert [r.head_sha[0] for r in rows] == ["b", "a"]
    assert rows[0].pr_number == 7 and rows[0].critical == 1
    store.close()


def test_unknown_and_unreachable_urls() -> None:
    with pytest.raises(StoreError, match="unknown store URL"):
        open_store("mysql://x")
    with pytest.raises(StoreError, match="cannot connect to postgresql://app:"):
        open_store("postgresql://app:hunter2hunter2@127.0.0.1:1/db")
    assert open_store("none") is None


def test_unwritable_location(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open the SQLite store"):
        open_store(f"sqlite:///{blocker}/sub/s.db")
