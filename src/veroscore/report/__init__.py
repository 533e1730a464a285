"""Render a ScoreResult as text, JSON, Markdown (the PR comment) or SARIF 2.1.0."""

from veroscore.report.render import FORMATS, RunInfo, render_scan, render_score

__all__ = ["FORMATS", "RunInfo", "render_scan", "render_score"]
