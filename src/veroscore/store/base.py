"""The store interface every back-end implements, and the record it writes.

A `ScoreRecord` is the one payload a back-end persists (the same JSON the Postgres
function `veroscore.record_pr_score(payload jsonb)` takes), so all back-ends store the
same facts. Snippets are redacted before they get here; the description is never stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

from veroscore.score.result import ScoreResult


@dataclass(frozen=True)
class ScoreRecord:
    repository: str
    pr_number: int | None
    head_sha: str
    config_hash: str
    engine_version: str
    trace_id: str
    payload: dict[str, Any]

    @property
    def idempotency_key(self) -> str:
        """One row per (repository, PR, head sha, config hash, engine version)."""
        parts = (self.repository, str(self.pr_number or ""), self.head_sha, self.config_hash,
                 self.engine_version)
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def record_from_result(result: ScoreResult, trace_id: str,
                       scan_duration_ms: int | None = None) -> ScoreRecord:
    """The record of one scoring run (the duration is not part of the deterministic result,
    so the caller that measured it passes it)."""
    return ScoreRecord(repository=result.repository, pr_number=result.pr_number,
                       head_sha=result.head_sha, config_hash=result.config_hash,
                       engine_version=result.engine_version, trace_id=trace_id,
                       payload={**result.to_dict(), "trace_id": trace_id,
                                "scan_duration_ms": scan_duration_ms})


@dataclass(frozen=True)
class HistoryRow:
    recorded_at: str
    repository: str
    pr_number: int | None
    head_sha: str
    stabilized_score: float
    decision: str
    critical: int
    trace_id: str


class Store(Protocol):
    def record(self, record: ScoreRecord) -> bool:
        """Persist once; False when this idempotency key was already recorded."""
        ...

    def history(self, repository: str | None = None, limit: int = 20) -> list[HistoryRow]:
        """Most recent scores first."""
        ...

    def close(self) -> None: ...


class ServerStore(Store, Protocol):
    """A shared Postgres/Supabase store, which also runs the scheduled maintenance."""

    def timeout_sessions(self, idle_minutes: int) -> int:
        """Active sessions idle longer than `idle_minutes` become idle; returns how many."""
        ...

    def cleanup_idempotency(self) -> int: ...

    def archive_metrics(self, keep_days: int) -> int: ...

    def record_metric(self, name: str, value: float, labels: dict[str, str]) -> None: ...

    def health_snapshot(self, stuck_minutes: int) -> dict[str, Any]:
        """Counts of sessions by state, recent scores and blocks, and the schema version."""
        ...
