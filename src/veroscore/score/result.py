"""`ScoreResult`: everything a report, the store and the enforcer need, as plain data."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from veroscore.detect.finding import Finding
from veroscore.diff.model import Skipped, Unscanned
from veroscore.pipeline import PipelineStatus
from veroscore.score.breakdown import Contribution
from veroscore.score.signals import FileSignals


@dataclass(frozen=True)
class CategoryScore:
    name: str
    raw: float
    weight: float
    weighted: float


@dataclass(frozen=True)
class ScoreResult:
    """The deterministic outcome of scoring one ChangeSet under one Config."""

    repository: str
    pr_number: int | None
    base_sha: str
    head_sha: str
    categories: tuple[CategoryScore, ...]
    raw_score: float
    stabilized_score: float
    pipeline: PipelineStatus
    decision: str
    decision_reason: str
    findings: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    file_signals: tuple[FileSignals, ...]
    unscanned: tuple[Unscanned, ...]
    """Files whose content was not analysed at all: the decision is at most review."""
    skipped: tuple[Skipped, ...]
    """Files code rules did not judge (generated, vendored, uncovered language)."""
    contributions: tuple[Contribution, ...]
    notes: tuple[str, ...]
    stats: dict[str, int]
    config_hash: str
    engine_version: str
    author: str = ""
    head_ref: str = ""
    session_id: str | None = None

    @property
    def all_findings(self) -> tuple[Finding, ...]:
        return self.findings + self.warnings + self.suppressed

    @property
    def critical_count(self) -> int:
        return sum(1 for f in self.findings if f.severity == "critical")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: the `score` JSON contract of DESIGN §4."""
        data = asdict(self)
        data["pipeline"]["missing"] = list(self.pipeline.missing)
        for key in ("findings", "warnings", "suppressed"):
            for item, finding in zip(data[key], getattr(self, key), strict=True):
                item["fingerprint"] = finding.fingerprint
        return data
