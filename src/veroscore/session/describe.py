"""The session PR's description: rendered from `templates/session-pr.md.j2`.

The agent owns two marked blocks (the session summary with the score preview, and the
verified facts of the compliance section); everything else belongs to the author. On an
update only the marked blocks of the PR's current body are replaced, so the steps an
author has completed are never overwritten, and nothing a person must attest is ever
pre-marked as passing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from veroscore.config import Config
from veroscore.detect.base import matches_any
from veroscore.pipeline import REQUIRED_CHECKS
from veroscore.report.render import render_template
from veroscore.score.result import ScoreResult
from veroscore.session.snapshot import FileChange

MAX_LISTED_FILES = 100
_BLOCKS = ("session", "verified")
RISK = {"auto_block": "high", "review_required": "medium", "auto_approve": "low"}


@dataclass(frozen=True)
class Description:
    session_id: str
    commit: str
    reason: str
    score: float
    decision: str
    decision_reason: str
    range_text: str
    files: tuple[FileChange, ...]
    tests: tuple[str, ...]
    scan_text: str
    risk: str

    @property
    def lines_added(self) -> int:
        return sum(f.lines_added for f in self.files)

    @property
    def lines_removed(self) -> int:
        return sum(f.lines_removed for f in self.files)


def describe(session_id: str, commit: str, reason: str, preview: ScoreResult,
             files: Sequence[FileChange], config: Config) -> Description:
    """The facts the agent verified itself, for the template."""
    counts = {s: preview.stats.get(f"findings_{s}", 0) for s in ("critical", "high", "medium",
                                                                  "low")}
    scan = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no findings"
    if preview.unscanned:
        scan += f"; {len(preview.unscanned)} file(s) not scanned"
    if preview.skipped:
        scan += f"; {len(preview.skipped)} file(s) not judged by code rules"
    tests = tuple(f.path for f in files
                  if f.change_type != "deleted" and matches_any(f.path, config.test_patterns))
    return Description(session_id, commit, reason, preview.stabilized_score, preview.decision,
                       preview.decision_reason,
                       f"{preview.base_sha[:12]}..{preview.head_sha[:12]}",
                       tuple(sorted(files, key=lambda f: f.path)), tests, scan,
                       RISK.get(preview.decision, "medium"))


def provisional_description(session_id: str, commit: str) -> str:
    """The description as it will read, before the preview exists: the preview scores it,
    so its decision speaks of the compliance section the PR will really carry (steps
    pending for the author) rather than of a missing one."""
    return render_description(Description(session_id, commit, "", 0.0, "review_required",
                                          "", "", (), (), "", ""))


def render_description(description: Description) -> str:
    return render_template("session-pr.md.j2", d=description, checks=REQUIRED_CHECKS,
                           max_files=MAX_LISTED_FILES)


def _block(name: str) -> re.Pattern[str]:
    return re.compile(rf"<!-- veroscore:{name}:start -->.*?<!-- veroscore:{name}:end -->",
                      re.DOTALL)


def merge_body(current: str, rendered: str) -> str:
    """`current` with the agent's blocks replaced by those of `rendered`. A body without
    the agent's blocks (the author removed them) gets the session block prepended, so
    the PR stays linked to its session."""
    merged = current
    for name in _BLOCKS:
        new = _block(name).search(rendered)
        if new is None:
            continue
        old = _block(name).search(merged)
        if old is not None:
            merged = merged[:old.start()] + new.group(0) + merged[old.end():]
        elif name == "session":
            merged = new.group(0) + "\n\n" + merged
    return merged
