"""Record a score, or spool it when the store cannot take it: the one place that decides.

Never raises: whatever the store or the disk does, the caller goes on to enforce. Every
wait on the store is bounded by the time-outs of `StoreSettings`; a store that does not
answer in time is treated as down. When even the spool cannot be written, the record is
written to stderr (the job log) as one redacted JSON line, and the outcome carries it for
the step summary, so it can be replayed from there.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import structlog

from veroscore.errors import StoreError, VeroScoreError
from veroscore.store.base import ScoreRecord
from veroscore.store.failure import StoreFailure, describe
from veroscore.store.settings import StoreSettings
from veroscore.store.spool import LOG_PREFIX, SpoolError, spool, spool_line
from veroscore.store.url import open_store


@dataclass(frozen=True)
class RecordOutcome:
    recorded: bool
    already_recorded: bool = False
    spool_file: Path | None = None
    error: str = ""
    spool_error: str = ""
    record_line: str = ""

    @property
    def message(self) -> str:
        """What the user needs to know, or "" when the score was simply recorded."""
        if self.already_recorded:
            return ("score already recorded (same repository, PR, head, config, engine and "
                    "change): nothing written")
        if self.spool_file is not None:
            return (f"{self.error}; the score was written to {self.spool_file}. "
                    f"Send it later with: veroscore store replay {self.spool_file}")
        if self.spool_error:
            return (f"{self.error}; and {self.spool_error}. The record was written to the "
                    "log as one JSON line (after 'veroscore-record:'); save that line to a "
                    "file and send it with: veroscore store replay FILE")
        return ""

    @property
    def summary_markdown(self) -> str:
        """The record for the step summary when it could not be spooled ("" otherwise)."""
        if not self.record_line:
            return ""
        fence = "`" * max(3, _longest_backtick_run(self.record_line) + 1)
        return (f"\n### Score record not stored\n\nSave this line to a file and run "
                f"`veroscore store replay FILE`:\n\n{fence}json\n{self.record_line}\n{fence}\n")


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def record_or_spool(url: str, record: ScoreRecord, spool_dir: Path,
                    settings: StoreSettings | None = None,
                    env: Mapping[str, str] = os.environ) -> RecordOutcome:
    """Write `record` to the store at `url`; on any store failure spool it instead."""
    log = structlog.get_logger()
    try:
        store = open_store(url, env, settings)
        if store is None:
            return RecordOutcome(recorded=False)
        try:
            inserted = store.record(record)
        finally:
            store.close()
    except VeroScoreError as exc:
        return _keep(record, spool_dir, exc)
    if inserted:
        log.info("score_recorded", key=record.idempotency_key)
    else:
        log.info("score_already_recorded", key=record.idempotency_key)
    return RecordOutcome(recorded=inserted, already_recorded=not inserted)


def _keep(record: ScoreRecord, spool_dir: Path, exc: VeroScoreError) -> RecordOutcome:
    """Spool the record after a store failure; when that fails too, log it whole."""
    log = structlog.get_logger()
    kind = exc.kind if isinstance(exc, StoreFailure) else "unavailable"
    error = f"{describe(kind)} ({exc})" if isinstance(exc, StoreError) else str(exc)
    try:
        path = spool(record, spool_dir)
    except SpoolError as spool_exc:
        line = spool_line(record)
        log.error("spool_unwritable", error=error, spool_error=str(spool_exc))
        sys.stderr.write(f"veroscore: error: {spool_exc}\n{LOG_PREFIX.decode()}{line}\n")
        sys.stderr.flush()
        return RecordOutcome(recorded=False, error=error, spool_error=str(spool_exc),
                             record_line=line)
    log.warning("store_failed_spooled", kind=kind, error=error, spool_file=str(path))
    return RecordOutcome(recorded=False, spool_file=path, error=error)
