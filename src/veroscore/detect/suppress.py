"""Inline suppressions: `veroscore: ignore[RULE-ID] reason` on the line or the line above.

The legacy `RLS-exempt` marker suppresses RLS findings. A suppressed finding is kept and
reported as suppressed, so reviewers see what was waived and why.
"""

from __future__ import annotations

import dataclasses
import re

from veroscore.detect.finding import Finding
from veroscore.diff import ChangeSet

_IGNORE = re.compile(r"veroscore:\s*ignore\[(?P<ids>[^\]]+)\]\s*(?P<reason>.*)", re.IGNORECASE)
_RLS_EXEMPT = re.compile(r"RLS-exempt\b:?\s*(?P<reason>.*)")


def _reason_on(text: str, finding: Finding) -> str | None:
    match = _IGNORE.search(text)
    if match:
        ids = {part.strip() for part in match.group("ids").split(",")}
        if ids & {finding.rule_id, finding.violation_type, "*"}:
            return _clean(match.group("reason")) or "no reason given"
    if finding.violation_type == "rls_violation":
        exempt = _RLS_EXEMPT.search(text)
        if exempt:
            return _clean(exempt.group("reason")) or "RLS-exempt"
    return None


def _clean(reason: str) -> str:
    return reason.strip().rstrip("*/-#>").strip()[:200]


def apply_suppressions(findings: list[Finding], changes: ChangeSet) -> list[Finding]:
    """Mark findings suppressed by a comment on their line or the line above."""
    result = []
    for finding in findings:
        changed = changes.file(finding.path)
        reason = None
        if changed and changed.content and finding.line:
            lines = changed.content.splitlines()
            for line_no in (finding.line, finding.line - 1):
                if 0 < line_no <= len(lines):
                    reason = _reason_on(lines[line_no - 1], finding)
                    if reason:
                        break
        result.append(dataclasses.replace(finding, suppressed=True, suppression_reason=reason)
                      if reason else finding)
    return result
