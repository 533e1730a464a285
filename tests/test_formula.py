"""Pin the Hybrid Score v2.1 formula and every decision branch (DESIGN §3)."""

from __future__ import annotations

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


def test_rule_compliance_counts_only_critical_and_high() -> None:
    score = ScoreConfig()
    assert rule_compliance([], score) == 10
    assert rule_compliance([finding("high", -75)], score) == -65
    assert rule_compliance([finding("medium", -30), finding("low", -20)], score) == 10


def test_rule_compliance_is_clamped() -> None:
    score = ScoreConfig()
    many = [finding("critical", -100)] * 5
    assert rule_compliance(many, score) == -100
    assert rule_compliance([finding("critical", +50)], score) == 10


def test_suppressed_findings_do_not_count() -> None:
    assert rule_compliance([finding("critical", -100, suppressed=True)], ScoreConfig()) == 10


def test_weighted_average() -> None:
    assert weighted_average([]) == 0
    assert weighted_average([(10, 1), (0, 3)]) == 2.5


def test_critical_finding_blocks_whatever_the_score() -> None:
    decision = decide(9.9, (finding("critical", -60),), COMPLETE, ScoreConfig())
    assert decision.value == "auto_block"
    assert "hardcoded_secret at a.py:1" in decision.reason


def test_score_below_block_threshold_blocks() -> None:
    score = ScoreConfig(block_below=3.0)
    assert decide(2.99, (), COMPLETE, score).value == "auto_block"
    assert decide(3.0, (), COMPLETE, score).value != "auto_block"


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
    assert decide(6.0, (finding("high", -75),), COMPLETE, ScoreConfig()).value == "auto_approve"
    assert decide(6.0, (finding("critical", -60, suppressed=True),), COMPLETE,
                  ScoreConfig()).value == "auto_approve"
