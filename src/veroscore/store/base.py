"""The store interface every back-end implements, and the record it writes.

A `ScoreRecord` is the one payload a back-end persists (the same JSON the Postgres
function `veroscore.record_pr_score(payload jsonb)` takes), so all back-ends store the
same facts. Snippets are redacted before they get here; the description is never stored.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any, Protocol

from veroscore.detect.secret_patterns import redact_data
from veroscore.diff.model import ChangeSet
from veroscore.score.result import ScoreResult

DECISIONS = ("auto_approve", "review_required", "auto_block")
SEVERITIES = ("critical", "high", "medium", "low", "info")
MAX_FINDINGS = 20_000


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
    def change_hash(self) -> str:
        """The hash of the change's content, for changes without a commit (patch, stdin)."""
        value = self.payload.get("change_hash")
        return value if isinstance(value, str) else ""

    @property
    def idempotency_key(self) -> str:
        """One row per (repository, PR, head sha, config hash, engine version[, change
        hash]); the same formula as `veroscore.record_pr_score`."""
        parts = [self.repository, str(self.pr_number or ""), self.head_sha, self.config_hash,
                 self.engine_version]
        if self.change_hash:
            parts.append(self.change_hash)
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def change_hash_of(changes: ChangeSet) -> str:
    """A hash of what the change does (paths, statuses, added lines, removed counts): two
    different patches of the same file name get different keys, the same patch the same."""
    digest = hashlib.sha256()
    for f in sorted(changes.files, key=lambda f: f.path):
        digest.update(repr((f.path, f.old_path, str(f.status), f.is_binary, f.removed_count,
                            sorted(f.added_lines.items()))).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def record_from_result(result: ScoreResult, trace_id: str,
                       scan_duration_ms: int | None = None,
                       change_hash: str | None = None) -> ScoreRecord:
    """The record of one scoring run (the duration is not part of the deterministic result,
    so the caller that measured it passes it; `change_hash` when there is no commit). Every
    string is redacted: the store and the spool never hold a credential."""
    data = {**result.to_dict(), "trace_id": trace_id, "scan_duration_ms": scan_duration_ms}
    if change_hash:
        data["change_hash"] = change_hash
    payload: dict[str, Any] = redact_data(data)  # type: ignore[assignment]
    return ScoreRecord(repository=payload["repository"], pr_number=payload["pr_number"],
                       head_sha=payload["head_sha"], config_hash=payload["config_hash"],
                       engine_version=payload["engine_version"], trace_id=payload["trace_id"],
                       payload=payload)


def payload_problem(payload: Any) -> str | None:
    """Why `payload` cannot be a stored score (the checks `validate_score_payload` makes in
    the database), or None. Numbers must be finite: NaN and infinities are refused."""
    if not isinstance(payload, dict):
        return "the payload is not a JSON object"
    for name in ("repository", "head_sha", "config_hash", "engine_version", "decision"):
        if not isinstance(payload.get(name), str):
            return f"{name} must be a string"
    if payload["decision"] not in DECISIONS:
        return f"unknown decision {payload['decision']!r}"
    for name in ("raw_score", "stabilized_score"):
        if not _finite(payload.get(name)):
            return f"{name} must be a finite number"
    if not 0 <= payload["stabilized_score"] <= 10:
        return "stabilized_score must be between 0 and 10"
    pr = payload.get("pr_number")
    if pr is not None and (not isinstance(pr, int) or isinstance(pr, bool) or pr < 1):
        return "pr_number must be a positive integer or null"
    for key in ("categories", "findings", "warnings", "suppressed"):
        items = payload.get(key, [])
        if not isinstance(items, list | tuple) or len(items) > MAX_FINDINGS:
            return f"{key} must be a list of at most {MAX_FINDINGS}"
    if any(not isinstance(c, dict) or not _finite(c.get("raw")) for c in payload["categories"]):
        return "every category needs a finite raw number"
    for key in ("findings", "warnings", "suppressed"):
        for f in payload.get(key, []):
            if not isinstance(f, dict) or f.get("severity") not in SEVERITIES:
                return f"every entry of {key} needs a known severity"
            if not _finite(f.get("penalty", 0)):
                return f"every entry of {key} needs a finite penalty"
    return None


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


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
        """Active sessions idle longer than `idle_minutes`: those without a PR become
        `timed_out`, those with PRs `awaiting_review`; returns how many moved."""
        ...

    def cleanup_idempotency(self) -> int: ...

    def archive_metrics(self, keep_days: int) -> int: ...

    def record_metric(self, name: str, value: float, labels: dict[str, str]) -> None: ...

    def health_snapshot(self, stuck_minutes: int) -> dict[str, Any]:
        """Counts of sessions by state, recent scores and blocks, and the schema version."""
        ...
