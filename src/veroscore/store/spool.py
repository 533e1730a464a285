"""Nothing lost: a record the store could not take goes to a spool file, replayed later.

One JSON document per line. Replay goes through the store's normal idempotent write, so
replaying a file twice (or one that was partly recorded) inserts each score exactly once.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from veroscore.errors import InputError
from veroscore.store.base import ScoreRecord, Store


def default_spool_dir() -> Path:
    configured = os.environ.get("VEROSCORE_SPOOL_DIR")
    return Path(configured) if configured else \
        Path(platformdirs.user_data_dir("veroscore")) / "spool"


def spool(record: ScoreRecord, folder: Path) -> Path:
    """Append the record to today's spool file in `folder`; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"veroscore-spool-{datetime.now(UTC):%Y%m%d}.jsonl"
    line = json.dumps({"repository": record.repository, "pr_number": record.pr_number,
                       "head_sha": record.head_sha, "config_hash": record.config_hash,
                       "engine_version": record.engine_version, "trace_id": record.trace_id,
                       "payload": record.payload}, sort_keys=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return path


@dataclass(frozen=True)
class ReplayResult:
    inserted: int
    already_recorded: int


def replay(path: Path, store: Store) -> ReplayResult:
    """Send every record of a spool file to `store`."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: spool file not found") from None
    inserted = skipped = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            record = ScoreRecord(data["repository"], data["pr_number"], data["head_sha"],
                                 data["config_hash"], data["engine_version"], data["trace_id"],
                                 data["payload"])
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(f"{path}:{number}: not a VeroScore spool record") from None
        if store.record(record):
            inserted += 1
        else:
            skipped += 1
    return ReplayResult(inserted, skipped)
