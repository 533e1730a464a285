"""Run every detector over a change and keep what the change itself adds.

Semgrep is started first and the Python detectors run while it works, so a run costs
about as much as Semgrep alone.

In score mode a finding counts only on an added line (file-level findings excepted);
findings on untouched lines are counted in `outside_diff` and not reported. Line findings
in test files are dropped unless `paths.scan_tests` is set: fixtures there hold keys,
dates and raw SQL on purpose. Suppressed findings stay in the list, marked.
"""

from __future__ import annotations

from dataclasses import dataclass

from veroscore.config import Config
from veroscore.detect.base import DetectionContext
from veroscore.detect.finding import Finding, sort_key
from veroscore.detect.registry import python_detectors
from veroscore.detect.semgrep import SemgrepOutput, start_semgrep
from veroscore.detect.suppress import apply_suppressions
from veroscore.diff import ChangeSet
from veroscore.resources import resource_dir


@dataclass(frozen=True)
class DetectionResult:
    findings: tuple[Finding, ...]
    outside_diff: int
    files_scanned: int
    notes: tuple[str, ...]
    semgrep_ran: bool


def detect(changes: ChangeSet, config: Config, *, use_semgrep: bool = True,
           change_level: bool = True) -> DetectionResult:
    """All findings on the lines `changes` adds, deduplicated and sorted."""
    ctx = DetectionContext(changes, config)
    semgrep = start_semgrep(ctx, [resource_dir("rules"), *config.rule_dirs]) \
        if use_semgrep else None
    found: list[Finding] = []
    try:
        for detector in python_detectors(change_level):
            found.extend(detector.detect(ctx))
    except BaseException:
        if semgrep is not None:
            semgrep.cancel()
        raise
    output = semgrep.finish() if semgrep is not None else SemgrepOutput((), (), ran=False)
    found.extend(output.findings)
    notes, semgrep_ran = output.notes, output.ran
    found = [f for f in found if config.scan_tests or f.line is None or not ctx.is_test(f.path)]
    in_diff = [f for f in found if _in_diff(changes, f)]
    kept = [f for f in _dedupe(in_diff) if f.rule_id not in config.disabled_rules]
    return DetectionResult(
        findings=tuple(sorted(apply_suppressions(kept, changes), key=sort_key)),
        outside_diff=len(found) - len(in_diff),
        files_scanned=sum(1 for _ in ctx.files()),
        notes=notes,
        semgrep_ran=semgrep_ran,
    )


def _in_diff(changes: ChangeSet, finding: Finding) -> bool:
    if finding.line is None:
        return True
    changed = changes.file(finding.path)
    return changed is not None and finding.line in changed.added_lines


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, int | None]] = set()
    unique = []
    for finding in findings:
        key = (finding.rule_id, finding.path, finding.line)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique
