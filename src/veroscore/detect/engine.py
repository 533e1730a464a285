"""Run every detector over a change and keep what the change itself adds.

Semgrep is started first and the Python detectors (and whatever else the caller has to
do, see `RunningDetection`) run while it works, so a run costs about as much as Semgrep
alone.

In score mode a finding counts only on an added line (file-level findings excepted);
findings on untouched lines are counted in `outside_diff` and not reported. Line findings
in test files are dropped unless `paths.scan_tests` is set: fixtures there hold keys,
dates and raw SQL on purpose. Suppressed findings stay in the list, marked.

Coverage is part of the result: files whose content no detector read are `unscanned`
(the intake's and Semgrep's), files code rules did not judge are `skipped` — generated
and vendored ones, and code in a language that neither a Semgrep rule nor a Python
detector of this run asked for (derived from what ran, not from a list that can drift).
"""

from __future__ import annotations

from dataclasses import dataclass

from veroscore.config import Config
from veroscore.detect.base import DetectionContext
from veroscore.detect.finding import Finding, sort_key
from veroscore.detect.registry import python_detectors
from veroscore.detect.semgrep import SemgrepOutput, start_semgrep
from veroscore.detect.suppress import apply_suppressions
from veroscore.diff import ChangeSet, Skipped, Unscanned
from veroscore.diff.language import PROGRAMMING_LANGUAGES
from veroscore.resources import resource_dir


@dataclass(frozen=True)
class DetectionResult:
    findings: tuple[Finding, ...]
    outside_diff: int
    files_scanned: int
    notes: tuple[str, ...]
    semgrep_ran: bool
    unscanned: tuple[Unscanned, ...] = ()
    skipped: tuple[Skipped, ...] = ()


class RunningDetection:
    """Detection under way: Semgrep started, the Python detectors not run yet.

    Whatever the caller does before `finish` overlaps the Semgrep process; as a context
    manager it stops Semgrep and removes its stage if an error comes first.
    """

    def __init__(self, changes: ChangeSet, config: Config, *, use_semgrep: bool = True,
                 change_level: bool = True) -> None:
        self._change_level = change_level
        self._ctx = DetectionContext(changes, config)
        self._semgrep = start_semgrep(self._ctx, [resource_dir("rules"), *config.rule_dirs]) \
            if use_semgrep else None

    def __enter__(self) -> RunningDetection:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is not None and self._semgrep is not None:
            self._semgrep.cancel()

    def finish(self) -> DetectionResult:
        """Run the Python detectors, wait for Semgrep, keep what the change adds."""
        found: list[Finding] = []
        for detector in python_detectors(self._change_level):
            found.extend(detector.detect(self._ctx))
        output = self._semgrep.finish() if self._semgrep is not None \
            else SemgrepOutput((), (), ran=False)
        found.extend(output.findings)
        return _keep_added(found, output, self._ctx, pr_mode=self._change_level)


def detect(changes: ChangeSet, config: Config, *, use_semgrep: bool = True,
           change_level: bool = True) -> DetectionResult:
    """All findings on the lines `changes` adds, deduplicated and sorted."""
    with RunningDetection(changes, config, use_semgrep=use_semgrep,
                          change_level=change_level) as running:
        return running.finish()


def _keep_added(found: list[Finding], output: SemgrepOutput, ctx: DetectionContext,
                *, pr_mode: bool = True) -> DetectionResult:
    changes, config = ctx.changes, ctx.config
    found = [f for f in found if config.scan_tests or f.line is None or not ctx.is_test(f.path)]
    in_diff = [f for f in found if _in_diff(changes, f)]
    kept = [f for f in _dedupe(in_diff) if f.rule_id not in config.disabled_rules]
    return DetectionResult(
        findings=tuple(sorted(apply_suppressions(kept, changes, config.suppressions,
                                                 pr_mode=pr_mode), key=sort_key)),
        outside_diff=len(found) - len(in_diff),
        files_scanned=sum(1 for _ in ctx.files()),
        notes=output.notes,
        semgrep_ran=output.ran,
        unscanned=_unscanned(changes, output),
        skipped=_skipped(ctx),
    )


def _unscanned(changes: ChangeSet, output: SemgrepOutput) -> tuple[Unscanned, ...]:
    """The intake's unscanned files, then Semgrep's, one entry per path."""
    seen: dict[str, Unscanned] = {}
    for entry in (*changes.unscanned, *output.unscanned):
        seen.setdefault(entry.path, entry)
    return tuple(seen.values())


def _skipped(ctx: DetectionContext) -> tuple[Skipped, ...]:
    """Generated/vendored files, and code no rule of this run covers."""
    covered = ctx.languages_read
    uncovered = [Skipped(f.path, f"not analysed for code rules: no rule covers {f.language}")
                 for f in ctx.changes.files
                 if f.analysable and not f.skipped_reason and f.language not in covered
                 and f.language in PROGRAMMING_LANGUAGES and not ctx.is_excluded(f.path)]
    return tuple(sorted((*ctx.changes.skipped, *uncovered), key=lambda s: s.path))


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
