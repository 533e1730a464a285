"""The calibration of docs/scoring.md, on whole changes: what a score means for real code.

The reference change is a one-line fix inside a 3,000-line Python module, no test
changed, with a complete Enforcement Pipeline Compliance section: its file categories
add up to +14 and the pipeline bonus to +5, so it scores 9.63 and is auto-approved
without findings. The findings are given to the score engine directly, so each test
pins the formula, not a detector.
"""

from __future__ import annotations

import json
import math

import pytest

from tests.helpers import changeset_of
from tests.test_pipeline import complete_section
from veroscore.config import Config
from veroscore.detect.engine import DetectionResult
from veroscore.detect.finding import Finding
from veroscore.diff import ChangeSet
from veroscore.report.render import RunInfo, render_score
from veroscore.score.engine import evaluate, score_change
from veroscore.score.result import ScoreResult

MODULE = "app/billing.py"
BIG_MODULE = ('"""Billing."""\n\n\ndef total(items):\n    total = 0\n'
              + "\n".join(f"    total += {i}" for i in range(2990)) + "\n    return total\n")


def reference_change(description: str | None = None) -> ChangeSet:
    """One added line (line 7) in a 3,000-line module."""
    return changeset_of({MODULE: BIG_MODULE},
                        complete_section() if description is None else description,
                        added={MODULE: {7}})


def findings(violation_type: str, severity: str, penalty: float, count: int
             ) -> tuple[Finding, ...]:
    return tuple(Finding(f"rule-{i}", violation_type, severity, "test", "message", MODULE, 7,
                         "", "", penalty) for i in range(count))


def scored(changes: ChangeSet, found: tuple[Finding, ...] = ()) -> ScoreResult:
    return score_change(changes, DetectionResult(found, 0, len(changes.files), (), True),
                        Config())


def test_reference_change_scores_as_documented() -> None:
    result = scored(reference_change())
    assert result.raw_score == 49.0
    assert result.stabilized_score == 9.63
    assert result.decision == "auto_approve"


def test_one_ten_and_seventy_seven_high_findings_score_differently() -> None:
    change = reference_change()
    results = {n: scored(change, findings("hardcoded_date", "high", -60, n))
               for n in (1, 10, 77)}
    scores = {n: r.stabilized_score for n, r in results.items()}
    assert scores == {1: 3.61, 10: 1.24, 77: 0.40}
    assert all(r.decision == "review_required" for r in results.values())


def test_one_high_finding_pulls_the_reference_change_below_approve_at() -> None:
    result = scored(reference_change(), findings("architecture_drift", "high", -75, 1))
    assert result.stabilized_score < Config().score.approve_at
    assert result.decision == "review_required"


def test_block_below_is_reachable_by_many_high_findings() -> None:
    """docs/scoring.md: a large untested page (file categories −30, no pipeline section)
    is blocked from six high findings on; five leave it for review."""
    page = big_page_change()
    page_findings = (Finding("missing-tests", "missing_tests", "medium", "test", "m",
                             "app/page.tsx", None, "", "", -15),)
    five = scored(page, page_findings + findings("hardcoded_date", "high", -60, 5))
    six = scored(page, page_findings + findings("hardcoded_date", "high", -60, 6))
    assert five.stabilized_score == 0.05
    assert five.decision == "review_required"
    assert six.stabilized_score == 0.04
    assert six.decision == "auto_block"
    assert "below the blocking threshold 0.05 with 6 high finding(s)" in six.decision_reason


@pytest.mark.parametrize(("violation_type", "penalty", "limit"),
                         [("unstructured_logging", -30, 6), ("poor_error_handling", -10, 16)])
def test_medium_findings_flip_the_decision_at_the_documented_limit(
        violation_type: str, penalty: float, limit: int) -> None:
    change = reference_change()
    below = scored(change, findings(violation_type, "medium", penalty, limit - 1))
    at = scored(change, findings(violation_type, "medium", penalty, limit))
    assert below.decision == "auto_approve"
    assert at.decision == "review_required"
    assert "below the auto-approval threshold" in at.decision_reason


def test_file_level_findings_count_once_per_rule() -> None:
    def missing_tests(count: int) -> tuple[Finding, ...]:
        return tuple(Finding("missing-tests", "missing_tests", "medium", "test", "m",
                             f"app/m{i}.py", None, "", "", -15) for i in range(count))

    one, forty = scored(reference_change(), missing_tests(1)), \
        scored(reference_change(), missing_tests(40))
    assert one.raw_score == forty.raw_score
    compliance = next(c for c in forty.contributions if c.name == "medium_findings")
    assert compliance.reason == "1 medium finding(s), 15 penalty points"


def test_many_medium_findings_never_block() -> None:
    result = scored(reference_change(""), findings("unstructured_logging", "medium", -30, 500))
    assert result.stabilized_score < Config().score.block_below
    assert result.decision == "review_required"


def big_page_change() -> ChangeSet:
    body = "\n".join(f"      <p>Paragraph {i}</p>" for i in range(1000))
    page = ("export default function Page() {\n  return (\n    <div>\n" + body
            + "\n    </div>\n  );\n}\n")
    return changeset_of({"app/page.tsx": page})


def test_category_signals_judge_the_change_not_the_file() -> None:
    fix = scored(reference_change(""))
    page = scored(big_page_change())
    assert fix.stabilized_score >= page.stabilized_score
    fix_signals = {s.name for fs in fix.file_signals for s in fs.signals}
    assert "large_addition" not in fix_signals and "focused_change" in fix_signals
    page_signals = {s.name: s.delta for fs in page.file_signals for s in fs.signals}
    assert page_signals["large_addition"] == -3
    assert page_signals["untested_lines"] == -8


def test_one_line_fix_in_a_large_file_scores_at_least_a_new_untested_page_for_real() -> None:
    """Semgrep and every detector run: the missing-tests finding hits both changes."""
    fix = evaluate(reference_change(""), Config())
    page = evaluate(big_page_change(), Config())
    assert fix.stabilized_score >= page.stabilized_score
    assert page.stabilized_score < Config().score.approve_at


def test_every_point_of_the_raw_score_is_named() -> None:
    change = changeset_of({"app/api.py": "def handler(x):\n    return x\n",
                           "tests/test_api.py": "def test_handler() -> None:\n"
                                                "    assert handler(1) == 1\n",
                           "README.md": "# Notes\n"}, complete_section())
    result = scored(change, findings("hardcoded_date", "high", -60, 2)
                    + findings("unstructured_logging", "medium", -30, 3))
    points = [c.points for c in result.contributions]
    assert math.isclose(sum(points), result.raw_score, abs_tol=1e-3)
    for category in result.categories:
        own = sum(c.points for c in result.contributions if c.category == category.name)
        assert math.isclose(own, category.weighted, abs_tol=1e-3), category.name
    names = {(c.category, c.name) for c in result.contributions}
    assert {("rule_compliance", "critical_high_findings"), ("rule_compliance", "medium_findings"),
            ("pipeline", "pipeline_bonus"), ("documentation", "docs_changed")} <= names
    data = json.loads(render_score(result, "json", RunInfo("t")))
    assert data["contributions"][0].keys() == {"category", "name", "reason", "points"}
    assert "2 critical/high finding(s), 120 penalty points" in \
        render_score(result, "text", RunInfo("t"))
    assert "Score breakdown" in render_score(result, "markdown", RunInfo("t"))


def test_clamped_file_signals_are_scaled_in_the_breakdown() -> None:
    untyped = "".join(f"def f{i}(a, b):\n    return a\n\n\n" for i in range(8))
    change = changeset_of({"app/many.py": untyped + "# TODO: x\n# TODO: y\n# TODO: z\n"})
    result = scored(change)
    quality = next(c for c in result.categories if c.name == "code_quality")
    assert quality.raw == -8
    own = sum(c.points for c in result.contributions if c.category == "code_quality")
    assert math.isclose(own, quality.weighted, abs_tol=1e-3)


def test_breakdown_reasons_are_escaped_in_markdown() -> None:
    change = changeset_of({"app/x.py": "def evil_name_(a):\n    return a\n"})
    body = render_score(scored(change), "markdown", RunInfo("t"))
    assert "evil\\_name\\_" in body


def test_score_is_deterministic_bit_for_bit() -> None:
    change = reference_change()
    found = findings("hardcoded_date", "high", -60, 3) + findings("missing_tests", "medium",
                                                                  -15, 2)
    first = json.dumps(scored(change, found).to_dict(), sort_keys=True)
    assert all(json.dumps(scored(change, found).to_dict(), sort_keys=True) == first
               for _ in range(3))
