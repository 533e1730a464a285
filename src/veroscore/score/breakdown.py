"""Name every point of the raw score: which signal or finding tier gained or lost it.

The raw score is Σ weight × category + pipeline bonus, and a file category is the average
of the files' clamped signal sums weighted by lines changed. A signal's share of the raw
score is therefore its delta × the file's share of the category's weight × the category
weight (scaled down with the other signals of that file when the file's sum was clamped
to ±10). Shares of the same signal in several files are added up, so the list stays
short; the contributions add up to the raw score (up to rounding to 4 places).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from veroscore.score.formula import Compliance
from veroscore.score.signals import FILE_CATEGORIES, FileSignals


@dataclass(frozen=True)
class Contribution:
    """Points of the raw score gained (positive) or lost (negative), and why."""

    category: str
    name: str
    reason: str
    points: float


@dataclass
class _Share:
    points: float
    reason: str
    best: float
    files: int


def _file_shares(signals: tuple[FileSignals, ...], category: str, weight: float
                 ) -> dict[str, _Share]:
    taking_part = [fs for fs in signals if fs.category_raw(category) is not None]
    total_weight = sum(fs.weight for fs in taking_part)
    shares: dict[str, _Share] = {}
    for fs in taking_part:
        own = [s for s in fs.signals if s.category == category]
        total = sum(s.delta for s in own)
        clamped = fs.category_raw(category) or 0.0
        scale = clamped / total if total else 1.0
        for signal in own:
            points = signal.delta * scale * fs.weight / total_weight * weight
            share = shares.setdefault(signal.name, _Share(0.0, signal.detail, 0.0, 0))
            share.points += points
            share.files += 1
            if abs(points) > share.best:
                share.best, share.reason = abs(points), signal.detail
    return shares


def _signal_contributions(signals: tuple[FileSignals, ...], weights: Mapping[str, float]
                          ) -> Iterable[Contribution]:
    for category in FILE_CATEGORIES:
        for name, share in _file_shares(signals, category, weights[category]).items():
            reason = share.reason if share.files == 1 else \
                f"{share.reason} (and in {share.files - 1} other file(s))"
            yield Contribution(category, name, reason, round(share.points, 4))


def _compliance_contributions(comp: Compliance, base: float, weight: float
                              ) -> Iterable[Contribution]:
    c = "rule_compliance"
    yield Contribution(c, "base", "rule compliance before any finding", round(base * weight, 4))
    if comp.blocking_count:
        yield Contribution(c, "critical_high_findings",
                           f"{comp.blocking_count} critical/high finding(s), "
                           f"{comp.blocking_points:g} penalty points",
                           round(-comp.blocking_cost * weight, 4))
    if comp.medium_count:
        yield Contribution(c, "medium_findings",
                           f"{comp.medium_count} medium finding(s), "
                           f"{comp.medium_points:g} penalty points",
                           round(-comp.medium_cost * weight, 4))
    unclamped = base - comp.blocking_cost - comp.medium_cost
    if abs(comp.value - unclamped) > 1e-9:
        yield Contribution(c, "clamp", "rule compliance kept within its configured bounds",
                           round((comp.value - unclamped) * weight, 4))


def contributions(signals: tuple[FileSignals, ...], comp: Compliance, base: float,
                  weights: Mapping[str, float], pipeline_bonus: float
                  ) -> tuple[Contribution, ...]:
    """Every gain and loss of the raw score, largest first (ties by category and name)."""
    items = [*_signal_contributions(signals, weights),
             *_compliance_contributions(comp, base, weights["rule_compliance"])]
    if pipeline_bonus:
        items.append(Contribution("pipeline", "pipeline_bonus",
                                  "complete Enforcement Pipeline Compliance section",
                                  pipeline_bonus))
    kept = [c for c in items if c.points != 0]
    return tuple(sorted(kept, key=lambda c: (-abs(c.points), c.category, c.name)))
