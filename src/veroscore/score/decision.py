"""The decision of DESIGN §3, first match wins, with a reason a PR author understands."""

from __future__ import annotations

from dataclasses import dataclass

from veroscore.config import ScoreConfig
from veroscore.detect.finding import Finding
from veroscore.diff.model import Unscanned
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


def decide(stabilized: float, findings: tuple[Finding, ...], pipeline: PipelineStatus,
           score: ScoreConfig, unscanned: tuple[Unscanned, ...] = ()) -> Decision:
    """auto_block on a critical finding or a score below block_below; at most review when
    content went unscanned; review below approve_at or with an incomplete pipeline
    section; otherwise auto_approve."""
    critical = [f for f in findings if f.severity == "critical" and not f.suppressed]
    if critical:
        places = ", ".join(f"{f.violation_type} at {f.location}" for f in critical[:3])
        more = f" and {len(critical) - 3} more" if len(critical) > 3 else ""
        return Decision("auto_block", f"Blocked by {len(critical)} critical finding(s): "
                                      f"{places}{more}. Fix them and push again.")
    if stabilized < score.block_below:
        return Decision("auto_block", f"Score {stabilized:.2f} is below the blocking "
                                      f"threshold {score.block_below:.2f}.")
    if unscanned:
        return Decision("review_required", _unscanned_reason(unscanned))
    if stabilized < score.approve_at:
        reason = (f"Score {stabilized:.2f} is below the auto-approval threshold "
                  f"{score.approve_at:.2f}; a reviewer must look at it.")
        if not pipeline.complete:
            reason += " " + _pipeline_gap(pipeline)
        return Decision("review_required", reason)
    if not pipeline.complete:
        return Decision("review_required", _pipeline_gap(pipeline))
    return Decision("auto_approve", f"Score {stabilized:.2f} meets the auto-approval threshold "
                                    f"{score.approve_at:.2f}, no blocking finding, and the "
                                    "pipeline section is complete.")
