"""Plain data the agent keeps in the store: sessions, queued changes, the states they move
through (fixed by the lead; the store's CHECK constraint allows exactly these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACTIVE, PROCESSING, AWAITING_REVIEW = "active", "processing", "awaiting_review"
COMPLETED, TIMED_OUT, FAILED = "completed", "timed_out", "failed"
SESSION_STATES = (ACTIVE, PROCESSING, AWAITING_REVIEW, COMPLETED, TIMED_OUT, FAILED)
OPEN_STATES = (ACTIVE, PROCESSING, AWAITING_REVIEW)
LEGACY_STATES = {"idle": TIMED_OUT}


@dataclass(frozen=True)
class SessionRecord:
    session_id: str
    status: str
    branch_name: str
    author: str = ""
    prs: tuple[dict[str, Any], ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    total_files: int = 0
    total_lines_added: int = 0
    total_lines_removed: int = 0
    last_activity: str = ""

    @property
    def pr_number(self) -> int | None:
        return int(self.prs[-1]["number"]) if self.prs else None


@dataclass(frozen=True)
class QueuedChange:
    """A row of `changes_queue`: what git said about one path when it settled."""

    file_path: str
    change_type: str
    lines_added: int
    lines_removed: int
    old_path: str | None = None
    blob: str = ""
    id: int | str | None = None
    commit_hash: str | None = None
    processed: bool = False
