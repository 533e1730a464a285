"""Inline suppressions: `veroscore: ignore[RULE-ID] reason` on the line or the line above.

The legacy `RLS-exempt` marker suppresses RLS findings, and Semgrep's own `nosemgrep`
(`nosemgrep: rule-id`) suppresses Semgrep findings under the same policy (Semgrep runs with
`--disable-nosem`, so it never drops a finding unseen). A suppressed finding is kept and
reported as suppressed, so reviewers see what was waived and why.

Everything in a PR is written by its author, so the `suppressions:` policy (read from the
base) limits what a comment can waive on a critical finding:

- a suppression on an added line of the change (one the PR adds itself) is not applied;
- a wildcard (`ignore[*]`, `ignore[all]`, a bare `veroscore: ignore` or `nosemgrep`) is not
  applied.

The finding then stays active, with `suppression_note` and its message saying why. In
`veroscore scan` there is no base, every line counts as added, and suppressions are treated
as pre-existing (scan has nothing to compare with; the gate that matters runs on PRs).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from veroscore.detect.finding import Finding
from veroscore.detect.suppression_policy import SuppressionPolicy
from veroscore.diff import ChangedFile, ChangeSet

_IGNORE = re.compile(r"veroscore:[ \t]*ignore\b(?:\[(?P<ids>[^\]\n]{0,500})\])?(?P<reason>.*)",
                     re.IGNORECASE)
_RLS_EXEMPT = re.compile(r"RLS-exempt\b:?(?P<reason>.*)")
_NOSEMGREP = re.compile(r"\bnosemgrep\b(?::[ \t]*(?P<ids>[\w.\-]+(?:[ \t]*,[ \t]*[\w.\-]+)*))?",
                        re.IGNORECASE)
_WILDCARD_IDS = frozenset({"*", "all"})
ADDED_IN_PR = "suppression added in this PR, not applied"
WILDCARD = "wildcard suppression, not applied to a critical finding"


@dataclass(frozen=True)
class _Marker:
    """A suppression comment that covers a finding."""

    reason: str
    wildcard: bool
    line: int


def _marker_on(text: str, line: int, finding: Finding) -> _Marker | None:
    match = _IGNORE.search(text)
    if match:
        ids = {part.strip().lower() for part in (match.group("ids") or "").split(",")} - {""}
        reason = _clean(match.group("reason")) or "no reason given"
        if not ids or ids & _WILDCARD_IDS:
            return _Marker(reason, True, line)
        if ids & {finding.rule_id.lower(), finding.violation_type.lower()}:
            return _Marker(reason, False, line)
    if finding.violation_type == "rls_violation":
        exempt = _RLS_EXEMPT.search(text)
        if exempt:
            return _Marker(_clean(exempt.group("reason")) or "RLS-exempt", False, line)
    if finding.detector == "semgrep":
        nosem = _NOSEMGREP.search(text)
        if nosem:
            ids = {i.strip().rsplit(".", 1)[-1].lower()
                   for i in (nosem.group("ids") or "").split(",")} - {""}
            if not ids:
                return _Marker("nosemgrep", True, line)
            if finding.rule_id.lower() in ids:
                return _Marker("nosemgrep", False, line)
    return None


def _clean(reason: str) -> str:
    return reason.strip().rstrip("*/-#>").strip()[:200]


def _find_marker(changed: ChangedFile, finding: Finding) -> _Marker | None:
    if not changed.content or not finding.line:
        return None
    lines = changed.content.splitlines()
    for line_no in (finding.line, finding.line - 1):
        if 0 < line_no <= len(lines):
            marker = _marker_on(lines[line_no - 1], line_no, finding)
            if marker:
                return marker
    return None


def _refusal(finding: Finding, marker: _Marker, changed: ChangedFile,
             policy: SuppressionPolicy, pr_mode: bool) -> str:
    """Why `marker` may not waive `finding`; empty when it may."""
    if finding.severity == "critical" and marker.wildcard \
            and not policy.allow_wildcards_for_critical:
        return WILDCARD
    if pr_mode and marker.line in changed.added_lines \
            and policy.protects_from_added(finding.severity, finding.violation_type):
        return ADDED_IN_PR
    return ""


def apply_suppressions(findings: list[Finding], changes: ChangeSet,
                       policy: SuppressionPolicy | None = None, *,
                       pr_mode: bool = True) -> list[Finding]:
    """Mark findings suppressed by a comment on their line or the line above, as `policy`
    allows; a refused suppression leaves the finding active with a note. `pr_mode` is False
    for `veroscore scan`, where every line is "added" and suppressions count as existing."""
    policy = policy or SuppressionPolicy()
    result = []
    for finding in findings:
        changed = changes.file(finding.path)
        marker = _find_marker(changed, finding) if changed else None
        if marker is None or changed is None:
            result.append(finding)
            continue
        refusal = _refusal(finding, marker, changed, policy, pr_mode)
        if refusal:
            note = f"{refusal} (line {marker.line}: {marker.reason})"
            result.append(dataclasses.replace(finding, suppression_note=note,
                                              message=f"{finding.message} [{note}]"))
        else:
            result.append(dataclasses.replace(finding, suppressed=True,
                                              suppression_reason=marker.reason))
    return result
