"""The numbers of Hybrid Score v2.1 (DESIGN §3), kept free of I/O so tests can pin them."""

from __future__ import annotations

import math
from collections.abc import Iterable

from veroscore.config import ScoreConfig
from veroscore.detect.finding import Finding


def rule_compliance(findings: Iterable[Finding], score: ScoreConfig) -> float:
    """clamp(base + Σ penalty of unsuppressed critical/high findings, min, max)."""
    total = score.rule_compliance_base + sum(f.penalty for f in findings
                                             if f.counts_toward_compliance)
    return max(score.rule_compliance_min, min(score.rule_compliance_max, total))


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
