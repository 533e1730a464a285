"""The immutable result of a detector: what is wrong, where, and what it costs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
BLOCKING_SEVERITIES = frozenset({"critical", "high"})


@dataclass(frozen=True)
class Finding:
    """One violation. `snippet` is always redacted before a Finding is built.

    `line` is None for file-level findings (missing tests). A suppressed finding keeps
    its place in the report with the reason, but never counts toward the score.
    `suppression_note` says why a suppression comment on the finding was not applied
    (added by the PR itself, or a wildcard, on a critical finding); the finding stays active.
    """

    rule_id: str
    violation_type: str
    severity: str
    detector: str
    message: str
    path: str
    line: int | None
    snippet: str
    suggested_fix: str
    penalty: float
    suppressed: bool = False
    suppression_reason: str = ""
    suppression_note: str = ""

    @property
    def fingerprint(self) -> str:
        """Line-independent identity: stable when unrelated lines move the finding."""
        key = "\x1f".join((self.rule_id, self.path, " ".join(self.snippet.split())))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    @property
    def counts_toward_compliance(self) -> bool:
        """Critical and high findings feed rule_compliance; the rest are warnings."""
        return not self.suppressed and self.severity in BLOCKING_SEVERITIES

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


def sort_key(finding: Finding) -> tuple[int, str, int, str]:
    """Most severe first, then by place, so reports and JSON are deterministic."""
    return (SEVERITY_ORDER.get(finding.severity, 9), finding.path, finding.line or 0,
            finding.rule_id)
