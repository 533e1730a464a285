"""The `suppressions:` section of the configuration: which inline waivers may waive what.

A PR author controls every comment in the PR, so by default an inline suppression the PR adds
itself cannot waive a critical finding, and a wildcard (`ignore[*]`, `ignore[all]`, a bare
`veroscore: ignore`, a bare `nosemgrep`) never waives one. Like the rest of the configuration,
this section is read from the base revision on pull requests, so a PR cannot relax it for
itself.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SuppressionPolicy(BaseModel):
    """Strict by default: both switches off."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    allow_added_in_pr_for_critical: bool = False
    """Let a suppression comment that the PR itself adds waive a critical finding."""

    allow_wildcards_for_critical: bool = False
    """Let a suppression that names no rule waive a critical finding."""
