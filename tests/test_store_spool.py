"""Nothing lost: the spool under disk faults, validated replay, keys that identify the change,
the embedded SQLite store under contention, and redaction of database URLs everywhere."""

from __future__ import annotations

import dataclasses
import errno
import io
import json
import os
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest
import structlog

from tests.helpers import changeset_of, new_file_patch, run_cli
from veroscore.config import Config
from veroscore.detect.engine import detect
from veroscore.detect.secret_patterns import redact
from veroscore.log import configure_logging
from veroscore.score.engine import score_change
from veroscore.score.result import ScoreResult
from veroscore.store import spool as spool_module
from veroscore.store.base import ScoreRecord, record_from_result
from veroscore.store.failure import StoreFailure
from veroscore.store.recorder import record_or_spool
from veroscore.store.settings import StoreSettings, settings_from_env
from veroscore.store.spool import SpoolError, replay, spool, spool_line
from veroscore.store.sqlite import SqliteStore

DOWN = "postgresql://veroscore:Sup3r-S3cret@127.0.0.1:1/veroscore"


@pytest.fixture(autouse=True)
def _fresh_logging() -> None:
    """An earlier in-process CLI run left structlog writing to its closed capture stream."""
    structlog.reset_defaults()


@pytest.fixture(scope="module")
def result() -> ScoreResult:
    changes = dataclasses.replace(
        changeset_of({"src/a.py": '"""A."""\nX = 1\n'}), repository="acme/shop",
        head_sha="a" * 40, pr_number=7, author="dev")
    return score_change(changes, detect(changes, Config(), use_semgrep=False), Config())


def rec(result: ScoreResult, pr: int = 7, **payload: Any) -> ScoreRecord:
    record = record_from_result(dataclasses.replace(result, pr_number=pr,
                                                    head_sha=f"{pr:040x}"), f"trace-{pr}")
    return dataclasses.replace(record, payload={**record.payload, **payload})


def rows(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return int(con.execute("SELECT count(*) FROM pr_scores").fetchone()[0])


# -- writing the spool ---------------------------------------------------------------------


def test_each_record_is_one_whole_line_and_a_torn_tail_is_repaired(
        tmp_path: Path, result: ScoreResult) -> None:
    first = spool(rec(result, 1), tmp_path)
    with first.open("ab") as handle:  # a crash in the middle of a write
        handle.write(spool_line(rec(result, 2)).encode()[:150])
    assert spool(rec(result, 3), tmp_path) == first
    lines = first.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 4
    assert json.loads(lines[0])["pr_number"] == 1 and json.loads(lines[2])["pr_number"] == 3
    assert oct(first.stat().st_mode & 0o777) == "0o600"
    store = SqliteStore(tmp_path / "s.db")
    replayed = replay(first, store)
    store.close()
    assert (replayed.inserted, replayed.already_recorded) == (2, 0)
    assert [(r.line, r.reason.split(" (")[0]) for r in replayed.rejected] == [(2, "not JSON")]


@pytest.mark.parametrize(("fault", "reason"), [
    ("file-in-the-way", "File exists"),
    ("parent-is-a-file", "a path component is a file"),
    ("read-only", "read-only file system"),
    ("disk-full", "no space left on the device"),
])
def test_a_spool_that_cannot_be_written_names_the_path_and_logs_the_record(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, result: ScoreResult,
        monkeypatch: pytest.MonkeyPatch, fault: str, reason: str) -> None:
    folder = tmp_path / "spool"
    if fault == "file-in-the-way":
        folder.write_text("not a folder")
    elif fault == "parent-is-a-file":
        (tmp_path / "blocker").write_text("x")
        folder = tmp_path / "blocker" / "spool"
    else:  # running as root ignores chmod: inject the error the kernel would give
        code = errno.EROFS if fault == "read-only" else errno.ENOSPC
        call = "open" if fault == "read-only" else "write"

        def failing(*args: Any, **kwargs: Any) -> Any:
            raise OSError(code, os.strerror(code))
        monkeypatch.setattr(spool_module.os, call, failing)
    record = rec(result, 7, decision_reason=f"store at {DOWN} said no")
    with pytest.raises(SpoolError, match=reason) as refused:
        spool(record, folder)
    assert str(folder) in str(refused.value)
    capsys.readouterr()
    outcome = record_or_spool(DOWN, record, folder, StoreSettings(connect_timeout_s=1))
    err = capsys.readouterr().err
    assert outcome.spool_file is None and reason in outcome.spool_error
    assert str(folder) in outcome.message and "veroscore store replay" in outcome.message
    logged = [line for line in err.splitlines() if line.startswith("veroscore-record: ")]
    assert len(logged) == 1 and "Sup3r-S3cret" not in err
    assert json.loads(logged[0].split(": ", 1)[1])["payload"]["decision_reason"] == \
        "store at postgresql://veroscore:[REDACTED]@127.0.0.1:1/veroscore said no"
    assert outcome.record_line in outcome.summary_markdown
    monkeypatch.undo()
    saved = tmp_path / "from-the-log.txt"  # the line as copied from the job log, prefix and all
    saved.write_text(f"2026-12-03T08:00:00.0000000Z {logged[0]}\n")
    store = SqliteStore(tmp_path / "s.db")
    assert replay(saved, store).inserted == 1
    store.close()


def test_summary_fence_outlasts_backticks_in_the_record(tmp_path: Path,
                                                        result: ScoreResult) -> None:
    (tmp_path / "blocker").write_text("x")
    outcome = record_or_spool(DOWN, rec(result, decision_reason="see ```` here"),
                              tmp_path / "blocker" / "spool",
                              StoreSettings(connect_timeout_s=1))
    assert "\n`````json\n" in outcome.summary_markdown


# -- replay --------------------------------------------------------------------------------


def test_replay_skips_and_names_every_bad_line_and_inserts_every_good_one(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, result: ScoreResult) -> None:
    good = [spool_line(rec(result, pr)) for pr in (1, 2, 3)]
    nan = spool_line(rec(result, 4)).replace('"raw_score": ', '"raw_score": NaN, "x": ', 1)
    missing = json.dumps({"repository": "acme/shop", "payload": {}})
    spool_file = tmp_path / "veroscore-spool-20261203.jsonl"
    spool_file.write_bytes(b"\n".join([
        good[0].encode(),            # 1 inserted
        good[1].encode()[:90],       # 2 torn
        good[2].encode(),            # 3 inserted
        b"{not json",                # 4 corrupt
        b"",                         # 5 blank: skipped
        b"[1, 2, 3]",                # 6 not an object
        missing.encode(),            # 7 not a record
        nan.encode(),                # 8 NaN score
        good[1].encode(),            # 9 inserted
        good[0].encode(),            # 10 already present
        b"\xff\xfe broken bytes",    # 11 not UTF-8
        good[2].encode()[:-10],      # 12 torn, no newline at the end
    ]))
    db = f"sqlite:///{tmp_path / 's.db'}"
    run = run_cli(capsys, "store", "replay", str(spool_file), "--store", db)
    assert run.code == 2 and "Traceback" not in run.err
    assert run.out.strip() == "3 inserted, 1 already present, 7 rejected"
    rejected = [line.removeprefix("veroscore: rejected ") for line in run.err.splitlines()
                if line.startswith("veroscore: rejected ")]
    assert [line.split(": ", 1)[0] for line in rejected] == [
        f"{spool_file}:{n}" for n in (2, 4, 6, 7, 8, 11, 12)]
    reasons = " | ".join(rejected)
    for words in ("not JSON", "not a JSON object", "missing pr_number, head_sha",
                  "raw_score must be a finite number", "not UTF-8", "the last line, torn"):
        assert words in reasons
    again = run_cli(capsys, "store", "replay", str(spool_file), "--store", db)
    assert again.out.strip() == "0 inserted, 4 already present, 7 rejected"
    assert rows(tmp_path / "s.db") == 3


@pytest.mark.parametrize(("make", "code", "said"), [
    (lambda p: p.mkdir(), 2, "is a folder"),
    (lambda p: p.write_bytes(b""), 0, "0 inserted, 0 already present, 0 rejected"),
    (lambda p: None, 2, "spool file not found"),
    (lambda p: p.write_bytes(b"\xff\xfe\x00\x01"), 2, "not UTF-8"),
])
def test_replay_never_tracebacks(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                 make: Any, code: int, said: str) -> None:
    target = tmp_path / "spool.jsonl"
    make(target)
    run = run_cli(capsys, "store", "replay", str(target), "--store",
                  f"sqlite:///{tmp_path / 's.db'}")
    assert run.code == code and said in run.out + run.err
    assert "Traceback" not in run.err and len(run.err.splitlines()) <= 1


def test_replay_into_a_store_that_goes_down_stops_and_counts(tmp_path: Path,
                                                             result: ScoreResult) -> None:
    class FailsSecond:
        calls = 0

        def record(self, record: ScoreRecord) -> bool:
            self.calls += 1
            if self.calls == 2:
                raise StoreFailure("unavailable", "connection lost")
            return True

        def history(self, repository: str | None = None, limit: int = 20) -> list[Any]:
            return []

        def close(self) -> None:
            pass

    path = tmp_path / "s.jsonl"
    path.write_text("".join(spool_line(rec(result, pr)) + "\n" for pr in (1, 2, 3)))
    outcome = replay(path, FailsSecond())
    assert (outcome.inserted, outcome.not_sent) == (1, 2)
    assert "unavailable" in outcome.store_error and not outcome.ok


# -- keys that identify the change ---------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_patches_with_one_file_name_are_two_rows(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        request: pytest.FixtureRequest, backend: str) -> None:
    store = f"sqlite:///{tmp_path / 's.db'}" if backend == "sqlite" else \
        request.getfixturevalue("pg_db")
    patches = []
    for name, value in (("one", 1), ("two", 2)):
        (tmp_path / name).mkdir()
        patches.append(tmp_path / name / "fix.patch")
        patches[-1].write_text(new_file_patch("docs/notes.txt", [f"step {value}"]))
    assert run_cli(capsys, "score", "--patch", str(patches[0]), "--store", store).code == 0
    assert run_cli(capsys, "score", "--patch", str(patches[1]), "--store", store).code == 0
    rerun = run_cli(capsys, "score", "--patch", str(patches[0]), "--store", store)
    assert "already recorded" in rerun.err
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(
        new_file_patch("docs/notes.txt", ["step 3"]).encode())))
    assert run_cli(capsys, "score", "--patch", "-", "--store", store).code == 0
    if backend == "sqlite":
        assert rows(tmp_path / "s.db") == 3
    else:
        with psycopg.connect(store) as conn:
            count = conn.execute("SELECT count(*), count(DISTINCT repository) "
                                 "FROM veroscore.pr_scores").fetchone()
        assert count == (3, 2)  # fix.patch twice, then stdin ("-")


# -- the embedded SQLite store -------------------------------------------------------------


def test_sqlite_uses_wal_and_takes_concurrent_writers(tmp_path: Path,
                                                      result: ScoreResult) -> None:
    db = tmp_path / "s.db"

    def write(pr: int) -> bool:
        store = SqliteStore(db)
        try:
            return store.record(rec(result, pr))
        finally:
            store.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        written = list(pool.map(write, range(1, 41)))
    assert sum(written) == 40 and rows(db) == 40
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_sqlite_busy_past_its_timeout_spools(tmp_path: Path, result: ScoreResult) -> None:
    db = tmp_path / "s.db"
    SqliteStore(db).close()
    locker = sqlite3.connect(db, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        outcome = record_or_spool(f"sqlite:///{db}", rec(result), tmp_path / "spool",
                                  StoreSettings(sqlite_busy_timeout_ms=300))
        elapsed = time.monotonic() - started
    finally:
        locker.rollback()
        locker.close()
    assert outcome.spool_file is not None and "did not answer in time" in outcome.error
    assert elapsed < 3, elapsed


# -- settings ------------------------------------------------------------------------------


def test_store_settings_from_the_environment() -> None:
    settings = settings_from_env({"VEROSCORE_STORE_LOCK_TIMEOUT_MS": "750"})
    assert settings.lock_timeout_ms == 750 and settings.statement_timeout_ms == 15_000
    with pytest.raises(Exception, match="VEROSCORE_STORE_LOCK_TIMEOUT_MS='soon'"):
        settings_from_env({"VEROSCORE_STORE_LOCK_TIMEOUT_MS": "soon"})
    with pytest.raises(Exception, match="unknown store setting VEROSCORE_STORE_LOKC"):
        settings_from_env({"VEROSCORE_STORE_LOKC_TIMEOUT_MS": "1"})


# -- redaction of database URLs ------------------------------------------------------------

SECRET = "Zq8-pw.xY"
URL_FORMS = [
    f"postgres://app:{SECRET}@db.example.com:5432/app",
    f"postgresql://app:{SECRET}@db.example.com/app?sslmode=require",
    f"postgresql+psycopg://postgres.abcdefghijklmnop:{SECRET}@aws-0-eu.pooler.supabase.com:6543/postgres",
    f"postgresql://app@db.example.com/app?password={SECRET}&sslmode=require",
    f"postgresql://db.example.com/app?sslmode=verify-full&user=app&password={SECRET}",
    f"postgresql://app:p@ss{SECRET}@db.example.com/app",
    f"postgresql://app:{SECRET.replace('.', '%2E')}@[::1]:5432/app",
    f"host=db.example.com user=app password={SECRET} dbname=app",
    f"host=db.example.com password='{SECRET} x' dbname=app",
    f"DATABASE_URL=postgres://u:{SECRET}@h/db",
]


@pytest.mark.parametrize("url", URL_FORMS)
def test_every_database_url_form_is_redacted(url: str) -> None:
    hidden = redact(url)
    assert SECRET not in hidden and SECRET.replace(".", "%2E") not in hidden
    assert "[REDACTED]" in hidden
    assert str(StoreFailure("unavailable", f"cannot connect to {url}")).count(SECRET) == 0


def test_database_urls_are_redacted_on_every_store_surface(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, result: ScoreResult,
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"postgresql+psycopg://app:{SECRET}@127.0.0.1:1/app?password={SECRET}"
    health = run_cli(capsys, "health", "--store", url, "--format", "markdown")
    assert health.code == 1 and SECRET not in health.out + health.err
    monkeypatch.setenv("CI", "true")  # JSON log lines, as in Actions
    configure_logging("trace", debug=True)
    structlog.get_logger().info("connecting", url=url, note=f"dsn password={SECRET}")
    outcome = record_or_spool(url, rec(result, decision_reason=url), tmp_path,
                              StoreSettings(connect_timeout_s=1))
    captured = capsys.readouterr()
    assert outcome.spool_file is not None
    assert SECRET not in captured.err and "[REDACTED]" in captured.err
    assert SECRET not in outcome.message and SECRET not in outcome.spool_file.read_text()
    replayed = run_cli(capsys, "store", "replay", str(outcome.spool_file), "--store", url)
    assert replayed.code == 2 and SECRET not in replayed.out + replayed.err


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_database_urls_are_redacted_in_reports(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path, fmt: str) -> None:
    """A finding's line holding every URL form: the snippet shows none of the passwords."""
    target = tmp_path / "deploy.txt"
    target.write_text(" ".join(f"DB{i}={url}" for i, url in enumerate(URL_FORMS[:7])) + "\n")
    run = run_cli(capsys, "scan", str(target), "--format", fmt)
    assert run.code == 0 and "secret-database-url-password" in run.out
    assert fmt != "json" or "[REDACTED]" in run.json()["findings"][0]["snippet"]
    assert SECRET not in run.out + run.err and SECRET.replace(".", "%2E") not in run.out


def test_the_stored_record_holds_no_credentials(tmp_path: Path, result: ScoreResult) -> None:
    url = f"postgresql://app@db.example.com/app?password={SECRET}"
    record = record_from_result(dataclasses.replace(result, decision_reason=f"see {url}"), "t")
    assert SECRET not in json.dumps(record.payload)
    store = SqliteStore(tmp_path / "s.db")
    assert store.record(record) is True
    store.close()
    assert SECRET.encode() not in (tmp_path / "s.db").read_bytes()
