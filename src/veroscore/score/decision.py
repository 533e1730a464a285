"""The decision of DESIGN §3, first match wins, with a reason a PR author understands."""

from __future__ import annotations

from dataclasses import dataclass

from veroscore.config import ScoreConfig
from veroscore.detect.finding import Finding
from veroscore.diff.model import Skipped, Unscanned
from veroscore.pipeline import PipelineStatus

DECISION_RANK = {"auto_approve": 0, "review_required": 1, "auto_block": 2}


def meets_fail_on(decision: str, fail_on: str) -> bool:
    """True when `decision` is `fail_on` or worse; `never` never fails."""
    return fail_on != "never" and DECISION_RANK[decision] >= DECISION_RANK[fail_on]


@dataclass(frozen=True)
class Decision:
    value: str
    reason: str


def _pipeline_gap(pipeline: PipelineStatus) -> str:
    if not pipeline.present:
        return ('The PR description has no "Enforcement Pipeline Compliance" section '
                "(add it to earn the +5 bonus and allow auto-approval).")
    return "The Enforcement Pipeline Compliance section is incomplete: " + \
        "; ".join(pipeline.missing) + "."


def _unscanned_reason(unscanned: tuple[Unscanned, ...]) -> str:
    listed = ", ".join(u.path for u in unscanned[:3])
    more = f" and {len(unscanned) - 3} more" if len(unscanned) > 3 else ""
    return (f"{len(unscanned)} file(s) could not be scanned ({listed}{more}: "
            f"{unscanned[0].reason}); a reviewer must look at them.")


def _unjudged_reason(unjudged: tuple[Skipped, ...]) -> str:
    listed = ", ".join(u.path for u in unjudged[:3])
    more = f" and {len(unjudged) - 3} more" if len(unjudged) > 3 else ""
    return (f"{len(unjudged)} code file(s) look generated or vendored ({listed}{more}: "
            f"{unjudged[0].reason}), so code rules did not judge them; only the base "
            "branch's .gitattributes can exempt code from review.")


def _places(findings: list[Finding]) -> str:
    """'2 high finding(s): a at x:1, b at y:2' — the first three places, then a count."""
    places = ", ".join(f"{f.violation_type} at {f.location}" for f in findings[:3])
    more = f" and {len(findings) - 3} more" if len(findings) > 3 else ""
    return f"{len(findings)} {findings[0].severity} finding(s): {places}{more}"


def decide(stabilized: float, findings: tuple[Finding, ...], pipeline: PipelineStatus,
           score: ScoreConfig, unscanned: tuple[Unscanned, ...] = (),
           unjudged_code: tuple[Skipped, ...] = ()) -> Decision:
    """auto_block on a critical finding, or on a score below block_below that high
    findings brought there; at most review when content went unscanned; review below
    approve_at, with a high finding, or with an
    incomplete pipeline section; otherwise auto_approve.

    Only findings block: a score dragged low by medium findings and weak signals alone
    asks for a review (those are advisory and noisy). The score puts a typical change
    with one high finding far below approve_at; the high-finding rule makes that hold
    for every change, so good tests and docs elsewhere never buy a high finding's
    approval."""
    critical = [f for f in findings if f.severity == "critical" and not f.suppressed]
    if critical:
        return Decision("auto_block", f"Blocked by {_places(critical)}. "
                                      "Fix them and push again.")
    high = [f for f in findings if f.severity == "high" and not f.suppressed]
    penalised = [f for f in high if f.penalty < 0]  # a note on unread text is no violation
    if stabilized < score.block_below and penalised:
        return Decision("auto_block", f"Score {stabilized:.2f} is below the blocking "
                                      f"threshold {score.block_below:.2f} with "
                                      f"{_places(penalised)}. Fix them and push again.")
    if unscanned:
        return Decision("review_required", _unscanned_reason(unscanned))
    if unjudged_code:
        return Decision("review_required", _unjudged_reason(unjudged_code))
    if stabilized < score.approve_at:
        reason = (f"Score {stabilized:.2f} is below the auto-approval threshold "
                  f"{score.approve_at:.2f}; a reviewer must look at it.")
        if not pipeline.complete:
            reason += " " + _pipeline_gap(pipeline)
        return Decision("review_required", reason)
    if high:
        return Decision("review_required", f"{_places(high)} must be looked at by a reviewer "
                                           "before this change can be approved.")
    if not pipeline.complete:
        return Decision("review_required", _pipeline_gap(pipeline))
    return Decision("auto_approve", f"Score {stabilized:.2f} meets the auto-approval threshold "
                                    f"{score.approve_at:.2f}, no blocking finding, and the "
                                    "pipeline section is complete.")
