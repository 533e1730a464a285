"""Compute the Hybrid Score v2.1 of a change from its detection result."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict

from veroscore import ENGINE_VERSION
from veroscore.config import Config
from veroscore.detect.engine import DetectionResult, RunningDetection
from veroscore.detect.finding import BLOCKING_SEVERITIES, Finding
from veroscore.diff import ChangeSet
from veroscore.pipeline import parse_pipeline
from veroscore.score.breakdown import contributions
from veroscore.score.decision import decide
from veroscore.score.formula import Compliance, compliance, stabilize, weighted_average
from veroscore.score.python_facts import PythonFacts, python_facts_by_path
from veroscore.score.result import CategoryScore, ScoreResult
from veroscore.score.signals import FILE_CATEGORIES, FileSignals, file_signals
from veroscore.session_ref import session_id_of


def config_hash(config: Config) -> str:
    """Stable hash of the effective config: part of the store's idempotency key."""
    canonical = json.dumps(asdict(config), sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _categories(signals: tuple[FileSignals, ...], comp: Compliance,
                config: Config) -> tuple[CategoryScore, ...]:
    weights = config.score.weights
    result = []
    for name in FILE_CATEGORIES:
        raw = weighted_average((value, fs.weight) for fs in signals
                               if (value := fs.category_raw(name)) is not None)
        result.append(CategoryScore(name, raw, weights[name], round(raw * weights[name], 4)))
    result.append(CategoryScore("rule_compliance", comp.value, weights["rule_compliance"],
                                round(comp.value * weights["rule_compliance"], 4)))
    return tuple(result)


def _stats(changes: ChangeSet, detection: DetectionResult, findings: tuple[Finding, ...]
           ) -> dict[str, int]:
    stats = {
        "files_changed": len(changes.files),
        "files_analysed": detection.files_scanned,
        "files_unscanned": len(detection.unscanned),
        "files_skipped": len(detection.skipped),
        "lines_added": sum(len(f.added_lines) for f in changes.files),
        "lines_removed": sum(f.removed_count for f in changes.files),
        "findings_outside_diff": detection.outside_diff,
    }
    for severity in ("critical", "high", "medium", "low", "info"):
        stats[f"findings_{severity}"] = sum(1 for f in findings
                                            if f.severity == severity and not f.suppressed)
    stats["findings_suppressed"] = sum(1 for f in findings if f.suppressed)
    return stats


def score_change(changes: ChangeSet, detection: DetectionResult, config: Config,
                 facts: Mapping[str, PythonFacts | None] | None = None) -> ScoreResult:
    """Hybrid Score v2.1 and decision for `changes`; deterministic for equal inputs.
    `facts` are the change's Python facts when the caller has read them already."""
    findings = detection.findings
    if facts is None:
        facts = python_facts_by_path(changes)
    signals = file_signals(changes, findings, config, facts)
    comp = compliance(findings, config.score)
    categories = _categories(signals, comp, config)
    pipeline = parse_pipeline(changes.description, config.score.pipeline_bonus)
    raw = round(sum(c.weighted for c in categories) + pipeline.bonus, 4)
    stabilized = stabilize(raw, config.score.k)
    decision = decide(stabilized, findings, pipeline, config.score, detection.unscanned,
                      changes.unjudged_code)
    active = [f for f in findings if not f.suppressed]
    return ScoreResult(
        repository=changes.repository, pr_number=changes.pr_number,
        base_sha=changes.base_sha, head_sha=changes.head_sha,
        categories=categories, raw_score=raw, stabilized_score=stabilized, pipeline=pipeline,
        decision=decision.value, decision_reason=decision.reason,
        findings=tuple(f for f in active if f.severity in BLOCKING_SEVERITIES),
        warnings=tuple(f for f in active if f.severity not in BLOCKING_SEVERITIES),
        suppressed=tuple(f for f in findings if f.suppressed),
        file_signals=signals,
        unscanned=detection.unscanned,
        skipped=detection.skipped,
        contributions=contributions(signals, comp, config.score.rule_compliance_base,
                                    config.score.weights, pipeline.bonus),
        notes=changes.notes + detection.notes,
        stats=_stats(changes, detection, findings),
        config_hash=config_hash(config), engine_version=ENGINE_VERSION,
        author=changes.author, head_ref=changes.head_ref,
        session_id=session_id_of(changes.head_ref, changes.description),
    )


def evaluate(changes: ChangeSet, config: Config) -> ScoreResult:
    """Detect and score in one call: what `score`, `action` and `rescore` share. The
    Python files are parsed for the score while Semgrep runs."""
    with RunningDetection(changes, config) as running:
        facts = python_facts_by_path(changes)
        detection = running.finish()
    return score_change(changes, detection, config, facts)
