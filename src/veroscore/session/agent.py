"""The agent's loop: settle events, queue what git says changed, deliver when a threshold
fires, retry with backoff when GitHub, the remote or the store is away.

One thread watches (watchdog); this loop does everything else, one tick at a time, so
the order of queue writes, deliveries and status updates is simple to reason about. A
clean stop (SIGINT/SIGTERM, `session stop`) writes every waiting event to the queue.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import structlog

from veroscore.errors import StoreError, VeroScoreError
from veroscore.session import control
from veroscore.session.context import SessionPointer, Target
from veroscore.session.debounce import Debouncer
from veroscore.session.delivery import Delivery, Outcome, SessionClosed
from veroscore.session.gitcmd import GitError
from veroscore.session.noise import ChangeFilter
from veroscore.session.records import (
    ACTIVE,
    AWAITING_REVIEW,
    COMPLETED,
    PROCESSING,
    QueuedChange,
    SessionRecord,
)
from veroscore.session.snapshot import FileChange
from veroscore.session.thresholds import Progress, progress

TICK_SECONDS = 0.2
Say = Callable[[str], None]


@dataclass
class LoopState:
    """What the loop remembers between ticks (and shows in `status`)."""

    settled: list[str] = field(default_factory=list)
    unsynced: list[QueuedChange] = field(default_factory=list)
    queued_blobs: dict[str, str] = field(default_factory=dict)
    last_change: float = 0.0
    failures: int = 0
    next_attempt: float = 0.0
    last_error: str = ""
    blocked: bool = False
    dirty: bool = True
    progress: Progress | None = None
    pending: list[FileChange] = field(default_factory=list)
    record: SessionRecord | None = None
    record_stale: bool = True
    last_outcome: str = ""
    queue_writes: int = 0


class Agent:
    def __init__(self, pointer: SessionPointer, target: Target, delivery: Delivery,
                 noise: ChangeFilter, debouncer: Debouncer, say: Say,
                 clock: Callable[[], float] = time.monotonic,
                 on_closed: Callable[[SessionClosed], Delivery] | None = None) -> None:
        self.p, self.target, self.d = pointer, target, delivery
        self.noise, self.debouncer, self.say, self.clock = noise, debouncer, say, clock
        self.settings = delivery.settings
        self.state = LoopState()
        self.on_closed = on_closed
        self.log = structlog.get_logger().bind(session_id=pointer.session_id)

    # --- start-up ----------------------------------------------------------------------
    def resume(self) -> None:
        """Queue whatever changed while no agent watched (git is the source of truth)."""
        for row in self.d.store.queue(self.p.session_id):
            self.state.queued_blobs[row.file_path] = row.blob
        self.state.last_change = self.clock()
        delivered = self.d.delivered_commit()
        self.d.index.stage_all(delivered)
        self._enqueue(self.d.index.changes(delivered))

    # --- one tick -----------------------------------------------------------------------
    def tick(self, flush: bool = False) -> Outcome | None:
        now = self.clock()
        if flush:
            self.flush_events()
        self.state.settled += self.debouncer.settled(now)
        burst_over = len(self.debouncer) == 0
        if self.state.settled and (burst_over or
                                   len(self.state.settled) >= self.settings.batch_size):
            if not self._settle_or_keep(self.state.settled):
                return None
            self.state.settled = []
        if self.state.unsynced:
            self._write_queue()
        if not burst_over or self.state.settled:
            return None
        return self._maybe_deliver(now, flush)

    def _settle_or_keep(self, paths: list[str]) -> bool:
        """Settle; on a passing git error (a lock held for a moment) keep the paths for the
        next tick; on a lasting one (an unreadable file) settle the others one by one and
        say which path git refuses, so one bad file never holds the rest back."""
        try:
            self.settle(paths)
            return True
        except GitError as exc:
            self.state.last_error = str(exc)
            if exc.transient:
                return False
        for path in paths:
            try:
                self.settle([path])
            except GitError as exc:
                self.say(f"{path}: skipped, git cannot read it ({exc})")
        return True

    def settle(self, paths: list[str]) -> None:
        """Measure settled paths with git and queue what really changed."""
        changes_only = self.noise.changes_only(self.d.git, paths)
        if not changes_only:
            return
        self.d.index.stage(changes_only)
        delivered = self.d.delivered_commit()
        self._enqueue(self.d.index.drop_noise(
            delivered, self.d.index.changes(delivered, changes_only)))
        self.state.last_change = self.clock()
        self.state.dirty = True  # a file edited back to its delivered state counts no more

    def _enqueue(self, changes: list[FileChange]) -> None:
        rows = [QueuedChange(c.path, c.change_type, c.lines_added, c.lines_removed,
                             c.old_path, c.blob) for c in changes
                if self.state.queued_blobs.get(c.path) != c.blob]
        for row in rows:
            self.state.queued_blobs[row.file_path] = row.blob
        if rows:
            self.state.unsynced += rows
            self.state.dirty = True
            self.state.blocked = False
            self._write_queue()

    def _write_queue(self) -> None:
        try:
            self.d.store.enqueue(self.p.session_id, self.state.unsynced)
        except StoreError as exc:
            self.state.last_error = str(exc)
            return
        self.state.queue_writes += 1
        self.state.unsynced = []

    def _maybe_deliver(self, now: float, flush: bool) -> Outcome | None:
        if self.state.dirty:
            self.state.pending = self.d.pending()
            self.state.dirty = False
        self.state.progress = progress(self.state.pending, now - self.state.last_change,
                                       self.settings)
        fired = self.state.progress.fired
        if not flush and (not fired or self.state.blocked or now < self.state.next_attempt):
            return None
        reason = "flush requested" if flush else "threshold " + ", ".join(fired) + " met"
        return self.deliver(reason)

    def deliver(self, reason: str) -> Outcome | None:
        try:
            rows = [r.id for r in self.d.store.queue(self.p.session_id) if r.id is not None]
            record = self.d.record()
            self.d.store.set_status(self.p.session_id, PROCESSING, {"reason": reason})
        except StoreError as exc:
            self._back_off(exc)
            return None
        self.state.record_stale = True
        after = AWAITING_REVIEW if record.prs else ACTIVE
        try:
            outcome = self.d.deliver(reason, rows)
        except SessionClosed as closed:
            return self._closed(closed)
        except VeroScoreError as exc:  # GitHub, git, store, Semgrep: keep queued, retry
            self._back_off(exc)
            self._set_status(after, {"error": str(exc)})
            return None
        self.state.failures, self.state.last_error, self.state.next_attempt = 0, "", 0.0
        self.state.dirty = True
        self.state.last_outcome = outcome.message
        if outcome.secrets:
            self.state.blocked = True
        self._set_status(AWAITING_REVIEW if outcome.delivered else after, {})
        self.say(outcome.message)
        return outcome

    def _set_status(self, status: str, details: dict[str, Any]) -> None:
        self.state.record_stale = True
        try:
            self.d.store.set_status(self.p.session_id, status, details)
        except StoreError as exc:
            self.state.last_error = str(exc)

    def _back_off(self, exc: VeroScoreError) -> None:
        self.state.failures += 1
        delay = min(2.0 ** self.state.failures, self.settings.retry_max_seconds)
        self.state.next_attempt = self.clock() + delay
        self.state.last_error = str(exc)
        self.say(f"delivery postponed ({exc}); changes stay queued, retry in {delay:.0f} s")

    def _closed(self, closed: SessionClosed) -> Outcome | None:
        self._set_status(COMPLETED, {"pr": closed.pull.number, "reason": str(closed)})
        self.say(f"session {self.p.session_id} is completed: {closed}")
        if self.on_closed is None:
            return None
        self.d = self.on_closed(closed)
        self.p = self.d.p
        self.state = LoopState()
        self.resume()
        self.say(f"new session {self.p.session_id} on branch {self.p.branch}")
        return None

    # --- stop ---------------------------------------------------------------------------
    def flush_events(self) -> None:
        """Every waiting event to the queue, settled or not (a clean stop)."""
        self.settle(self.state.settled + self.debouncer.drain())
        self.state.settled = []
        if self.state.unsynced:
            self._write_queue()

    def status(self) -> dict[str, Any]:
        """What `session status` shows; the store is read only after a change of state,
        so an idle agent does no I/O for it."""
        if self.state.record is None or self.state.record_stale:
            try:
                self.state.record = self.d.store.session(self.p.session_id)
                self.state.record_stale = False
            except StoreError as exc:
                self.state.last_error = str(exc)
        record = self.state.record
        prog = self.state.progress
        return {
            "session_id": self.p.session_id, "branch": self.p.branch,
            "status": record.status if record else "unknown",
            "pr": record.prs[-1] if record and record.prs else None,
            "waiting_events": len(self.debouncer) + len(self.state.settled),
            "unsynced_changes": len(self.state.unsynced),
            "pending_files": prog.files if prog else 0,
            "pending_lines": prog.lines if prog else 0,
            "thresholds": prog.describe(self.settings) if prog else "",
            "last_error": self.state.last_error, "blocked_by_secret": self.state.blocked,
            "retry_in_seconds": max(0.0, round(self.state.next_attempt - self.clock(), 1)),
            "last_outcome": self.state.last_outcome, "queue_writes": self.state.queue_writes,
        }


def run_loop(agent: Agent, stop: threading.Event, requests: control.Requests) -> str:
    """Tick until asked to stop; returns why it stopped ("signal" or "stop")."""
    while not stop.is_set():
        asked = requests.take()
        if "stop" in asked:
            return "stop"
        outcome = agent.tick(flush="flush" in asked)
        if "flush" in asked:
            requests.answer("flush", outcome.message if outcome else
                            agent.state.last_error or "nothing to deliver")
        requests.publish(agent.status)
        stop.wait(TICK_SECONDS)
    return "signal"
