"""Scheduled maintenance and the health check of a Postgres/Supabase store.

Healthy means: the store answers, its schema version is the one this engine ships, and
no session is stuck in `processing` longer than the limit. Only `processing` can stall (a
batch being committed, pushed or scored); `awaiting_review` waits on people and is never
stuck however long the review takes, and `active` sessions idle too long are moved by
`sessions timeout`, not reported. Everything else is reported (sessions by state, scores
and blocks in the last 24 h, store errors). A missing schema or function is reported as a
schema problem, not as an unreachable store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from veroscore.errors import StoreError
from veroscore.store.base import ServerStore
from veroscore.store.failure import StoreFailure
from veroscore.store.versions import latest_version

DEFAULT_IDLE_MINUTES = 30
DEFAULT_STUCK_MINUTES = 60
METRICS_KEEP_DAYS = 30


@dataclass(frozen=True)
class MaintenanceReport:
    sessions_timed_out: int
    idempotency_keys_removed: int
    metrics_archived: int


@dataclass(frozen=True)
class HealthReport:
    healthy: bool
    expected_schema_version: int
    snapshot: dict[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def run_maintenance(store: ServerStore, idle_minutes: int = DEFAULT_IDLE_MINUTES
                    ) -> MaintenanceReport:
    """Time out idle sessions (see `veroscore.timeout_idle_sessions`: active ones without
    a PR become timed_out, with PRs awaiting_review), drop expired idempotency keys,
    archive old metrics."""
    report = MaintenanceReport(
        sessions_timed_out=store.timeout_sessions(idle_minutes),
        idempotency_keys_removed=store.cleanup_idempotency(),
        metrics_archived=store.archive_metrics(METRICS_KEEP_DAYS),
    )
    store.record_metric("sessions_timed_out", report.sessions_timed_out, {"source": "schedule"})
    return report


def check_health(store: ServerStore | None, stuck_minutes: int = DEFAULT_STUCK_MINUTES,
                 unreachable: str = "") -> HealthReport:
    """The health report; an unreachable store (None) is unhealthy with its error."""
    expected = latest_version()
    if store is None:
        return HealthReport(False, expected, problems=(f"store unreachable: {unreachable}",))
    try:
        snapshot = store.health_snapshot(stuck_minutes)
    except StoreFailure as exc:
        label = "schema problem" if exc.kind == "schema" else \
            "store refused the credentials" if exc.kind == "permission" else "store unreachable"
        return HealthReport(False, expected, problems=(f"{label}: {exc}",))
    except StoreError as exc:
        return HealthReport(False, expected, problems=(f"store unreachable: {exc}",))
    problems = []
    version = snapshot.get("schema_version") or 0
    if int(version) < expected:
        problems.append(f"schema version {version} is behind {expected}: run "
                        "`veroscore db migrate`")
    if int(snapshot.get("stuck_sessions") or 0):
        problems.append(f"{snapshot['stuck_sessions']} session(s) stuck in processing for "
                        f"more than {stuck_minutes} minutes")
    return HealthReport(not problems, expected, snapshot, tuple(problems))
