"""Record a score, or spool it when the store cannot take it: the one place that decides."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import structlog

from veroscore.errors import StoreError
from veroscore.store.base import ScoreRecord
from veroscore.store.spool import spool
from veroscore.store.url import open_store


@dataclass(frozen=True)
class RecordOutcome:
    recorded: bool
    already_recorded: bool = False
    spool_file: Path | None = None
    error: str = ""

    @property
    def message(self) -> str:
        if self.spool_file is not None:
            return (f"The store is unavailable ({self.error}); the score was written to "
                    f"{self.spool_file}. Send it later with: veroscore store replay "
                    f"{self.spool_file}")
        return ""


def record_or_spool(url: str, record: ScoreRecord, spool_dir: Path) -> RecordOutcome:
    """Write `record` to the store at `url`; on a store error spool it instead."""
    log = structlog.get_logger()
    try:
        store = open_store(url)
        if store is None:
            return RecordOutcome(recorded=False)
        try:
            inserted = store.record(record)
        finally:
            store.close()
    except StoreError as exc:
        path = spool(record, spool_dir)
        log.warning("store_unavailable_spooled", error=str(exc), spool_file=str(path))
        return RecordOutcome(recorded=False, spool_file=path, error=str(exc))
    log.info("score_recorded" if inserted else "score_already_recorded")
    return RecordOutcome(recorded=inserted, already_recorded=not inserted)
