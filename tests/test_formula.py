"""Pin the Hybrid Score v2.1 formula and every decision branch (DESIGN §3)."""

from __future__ import annotations

import itertools

import pytest

from veroscore.config import Config, ScoreConfig
from veroscore.detect.finding import Finding
from veroscore.pipeline import PipelineStatus
from veroscore.score.decision import decide
from veroscore.score.formula import rule_compliance, stabilize, weighted_average

COMPLETE = PipelineStatus(present=True, complete=True, bonus=5.0, missing=())
ABSENT = PipelineStatus(present=False, complete=False, bonus=0.0,
                        missing=('the "Enforcement Pipeline Compliance" section is missing',))


def finding(severity: str, penalty: float, suppressed: bool = False) -> Finding:
    return Finding(rule_id="r", violation_type="hardcoded_secret", severity=severity,
                   detector="t", message="m", path="a.py", line=1, snippet="",
                   suggested_fix="", penalty=penalty, suppressed=suppressed)


def test_default_weights_are_the_designs() -> None:
    assert ScoreConfig().weights == {"code_quality": 3, "test_coverage": 4, "documentation": 2,
                                     "architecture": 4, "security": 5, "rule_compliance": 5}
    assert Config().penalties["rls_violation"] == -100
    assert Config().penalties["poor_error_handling"] == -10


@pytest.mark.parametrize(("raw", "expected"), [(0, 5.00), (15, 7.31), (-15, 2.69),
                                                (-1e6, 0.00), (1e6, 10.00), (-5000, 0.00)])
def test_stabilization(raw: float, expected: float) -> None:
    assert stabilize(raw, 15) == expected


def test_rule_compliance_is_pinned_at_chosen_points() -> None:
    """base 6 − 1.8·ln(1 + B/0.1) − 6·ln(1 + M/50) (docs/scoring.md)."""
    score = ScoreConfig()
    assert rule_compliance([], score) == 6
    assert rule_compliance([finding("high", -60)], score) == pytest.approx(-5.5175, abs=1e-4)
    assert rule_compliance([finding("high", -60)] * 10, score) == pytest.approx(-9.6594, abs=1e-4)
    assert rule_compliance([finding("high", -60)] * 77, score) == pytest.approx(-13.3334,
                                                                              abs=1e-4)
    assert rule_compliance([finding("critical", -100)], score) == pytest.approx(-6.4358,
                                                                               abs=1e-4)
    assert rule_compliance([finding("medium", -30)], score) == pytest.approx(3.1800, abs=1e-4)
    assert rule_compliance([finding("medium", -30)] * 6, score) == pytest.approx(-3.1563,
                                                                                abs=1e-4)


def test_low_and_info_findings_cost_nothing() -> None:
    assert rule_compliance([finding("low", -20), finding("info", -5)], ScoreConfig()) == 6


def test_high_cost_diminishes_and_never_saturates() -> None:
    score = ScoreConfig()
    values = [rule_compliance([finding("high", -60)] * n, score) for n in (1, 2, 10, 77, 1000)]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)
    steps = [a - b for a, b in itertools.pairwise(values)]
    per_finding = [steps[0] / 1, steps[1] / 8, steps[2] / 67, steps[3] / 923]
    assert per_finding == sorted(per_finding, reverse=True)


def test_rule_compliance_is_clamped_above() -> None:
    assert rule_compliance([finding("critical", +50)], ScoreConfig()) == 6
    floor = ScoreConfig(rule_compliance_min=-8.0)
    assert rule_compliance([finding("critical", -100)] * 50, floor) == -8


def test_suppressed_findings_do_not_count() -> None:
    assert rule_compliance([finding("critical", -100, suppressed=True)], ScoreConfig()) == 6


def test_weighted_average() -> None:
    assert weighted_average([]) == 0
    assert weighted_average([(10, 1), (0, 3)]) == 2.5


def test_critical_finding_blocks_whatever_the_score() -> None:
    decision = decide(9.9, (finding("critical", -60),), COMPLETE, ScoreConfig())
    assert decision.value == "auto_block"
    assert "hardcoded_secret at a.py:1" in decision.reason


def test_score_below_block_threshold_blocks_when_high_findings_brought_it_there() -> None:
    score = ScoreConfig(block_below=3.0)
    highs = (finding("high", -60),)
    decision = decide(2.99, highs, COMPLETE, score)
    assert decision.value == "auto_block"
    assert "below the blocking threshold 3.00 with 1 high finding(s)" in decision.reason
    assert decide(3.0, highs, COMPLETE, score).value == "review_required"


def test_low_score_without_high_findings_asks_for_review_only() -> None:
    mediums = (finding("medium", -30),) * 40
    assert decide(0.01, mediums, COMPLETE, ScoreConfig()).value == "review_required"


def test_a_high_finding_is_never_auto_approved() -> None:
    decision = decide(9.9, (finding("high", -60),), COMPLETE, ScoreConfig())
    assert decision.value == "review_required"
    assert "1 high finding(s): hardcoded_secret at a.py:1" in decision.reason


def test_score_below_approve_threshold_requires_review_and_names_pipeline_gap() -> None:
    decision = decide(5.99, (), ABSENT, ScoreConfig())
    assert decision.value == "review_required"
    assert "below the auto-approval threshold 6.00" in decision.reason
    assert "Enforcement Pipeline Compliance" in decision.reason


def test_incomplete_pipeline_requires_review() -> None:
    partial = PipelineStatus(True, False, 0.0, ("Step 4: Implementation Plan is missing",))
    decision = decide(9.0, (), partial, ScoreConfig())
    assert decision.value == "review_required"
    assert "Step 4: Implementation Plan is missing" in decision.reason


def test_everything_in_order_approves() -> None:
    assert decide(6.0, (finding("medium", -30),), COMPLETE, ScoreConfig()).value == \
        "auto_approve"
    assert decide(6.0, (finding("high", -75, suppressed=True),), COMPLETE,
                  ScoreConfig()).value == "auto_approve"
    assert decide(6.0, (finding("critical", -60, suppressed=True),), COMPLETE,
                  ScoreConfig()).value == "auto_approve"
