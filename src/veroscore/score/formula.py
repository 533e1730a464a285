"""The numbers of Hybrid Score v2.1 (DESIGN §3), kept free of I/O so tests can pin them.

Rule compliance is where findings enter the score (docs/scoring.md has the whole
calibration). Each tier of findings costs a logarithm of its penalty points:

    rule_compliance = base − high_scale · ln(1 + B / high_unit)
                           − medium_scale · ln(1 + M / medium_unit)

B sums |penalty| over unsuppressed critical and high findings, M over medium ones
(file-level findings such as missing tests count once per rule); low and info findings
are warnings and cost nothing. A logarithm never saturates (ten and
seventy-seven high findings score differently) while each further finding costs less
than the one before. The tiny `high_unit` makes the first high finding take most of its
cost at once (one high finding drops a typical change far below approve_at); the larger
`medium_unit` makes medium findings add up nearly linearly for the first few, so that
enough of them cross approve_at (docs/scoring.md gives the limits).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from veroscore.config import ScoreConfig
from veroscore.detect.finding import Finding


@dataclass(frozen=True)
class Compliance:
    """rule_compliance and the parts it is made of (each part in category points)."""

    blocking_count: int
    blocking_points: float
    blocking_cost: float
    medium_count: int
    medium_points: float
    medium_cost: float
    value: float


def _points(findings: Iterable[Finding]) -> tuple[int, float]:
    """Count and |penalty| sum of the unsuppressed findings. A file-level finding (no
    line, such as missing tests) counts once per rule for the whole change: forty
    untested files are one missing habit, already weighed per file by test_coverage."""
    counted: list[Finding] = []
    file_level: set[str] = set()
    for finding in findings:
        if finding.suppressed:
            continue
        if finding.line is None:
            if finding.rule_id in file_level:
                continue
            file_level.add(finding.rule_id)
        counted.append(finding)
    return len(counted), sum(max(0.0, -f.penalty) for f in counted)


def compliance(findings: Iterable[Finding], score: ScoreConfig) -> Compliance:
    """The rule_compliance category of DESIGN §3 with its two costs."""
    items = list(findings)
    b_count, b_points = _points(f for f in items if f.severity in ("critical", "high"))
    m_count, m_points = _points(f for f in items if f.severity == "medium")
    b_cost = round(score.high_scale * math.log1p(b_points / score.high_unit), 4)
    m_cost = round(score.medium_scale * math.log1p(m_points / score.medium_unit), 4)
    value = score.rule_compliance_base - b_cost - m_cost
    value = max(score.rule_compliance_min, min(score.rule_compliance_max, value))
    return Compliance(b_count, b_points, b_cost, m_count, m_points, m_cost, round(value, 4))


def rule_compliance(findings: Iterable[Finding], score: ScoreConfig) -> float:
    """base − logarithmic cost of critical/high findings − that of medium findings."""
    return compliance(findings, score).value


def stabilize(raw: float, k: float) -> float:
    """10 / (1 + e^(−raw/k)), rounded to 2 places; saturates instead of overflowing."""
    exponent = -raw / k
    if exponent > 700:
        return 0.0
    return round(10 / (1 + math.exp(exponent)), 2)


def weighted_average(values: Iterable[tuple[float, int]]) -> float:
    """Mean of (value, weight) pairs; 0 when there are none."""
    pairs = list(values)
    total_weight = sum(weight for _, weight in pairs)
    if total_weight == 0:
        return 0.0
    return round(sum(value * weight for value, weight in pairs) / total_weight, 4)
