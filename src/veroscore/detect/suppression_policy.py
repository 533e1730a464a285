"""The `suppressions:` section of the configuration: which inline waivers may waive what.

A PR author controls every comment in the PR, so by default an inline suppression the PR adds
itself cannot waive a critical finding, nor a high finding of a security type (SQL built
from a value of unknown origin is high: the author must not be able to approve it with a
comment of their own), and a wildcard (`ignore[*]`, `ignore[all]`, a bare
`veroscore: ignore`, a bare `nosemgrep`) never waives one. Like the rest of the configuration,
this section is read from the base revision on pull requests, so a PR cannot relax it for
itself.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

SECURITY_TYPES = ("sql_injection", "xss_vulnerability", "rls_violation", "hardcoded_secret")


class SuppressionPolicy(BaseModel):
    """Strict by default: both switches off."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    allow_added_in_pr_for_critical: bool = False
    """Let a suppression comment that the PR itself adds waive a critical finding."""

    allow_wildcards_for_critical: bool = False
    """Let a suppression that names no rule waive a critical finding."""

    security_types: list[str] = Field(default_factory=lambda: list(SECURITY_TYPES))
    """Violation types whose *high* findings a suppression added by the PR cannot waive
    either (unless `allow_added_in_pr_for_critical`)."""

    def protects_from_added(self, severity: str, violation_type: str) -> bool:
        """Whether a suppression the PR adds is refused for a finding of this kind."""
        if self.allow_added_in_pr_for_critical:
            return False
        return severity == "critical" or (severity == "high"
                                          and violation_type in self.security_types)
