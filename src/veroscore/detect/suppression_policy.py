"""The `suppressions:` section of the configuration: which inline waivers may waive what.

A PR author controls every comment in the PR, so by default an inline suppression the PR adds
itself cannot waive a critical finding, and a wildcard (`ignore[*]`, `ignore[all]`, a bare
`veroscore: ignore`, a bare `nosemgrep`) never waives one. Like the rest of the configuration,
this section is read from the base revision on pull requests, so a PR cannot relax it for
itself.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from veroscore.errors import ConfigError


class SuppressionPolicy(BaseModel):
    """Strict by default: both switches off."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    allow_added_in_pr_for_critical: bool = False
    """Let a suppression comment that the PR itself adds waive a critical finding."""

    allow_wildcards_for_critical: bool = False
    """Let a suppression that names no rule waive a critical finding."""


def parse_suppression_policy(data: Any, source: str) -> SuppressionPolicy:
    """Validate the `suppressions:` mapping; errors name the file and the dotted key."""
    if data is None:
        return SuppressionPolicy()
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: key 'suppressions' must be a mapping, "
                          f"got {type(data).__name__}")
    try:
        return SuppressionPolicy.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in ("suppressions", *error["loc"]))
        if error["type"] == "extra_forbidden":
            allowed = ", ".join(sorted(SuppressionPolicy.model_fields))
            raise ConfigError(f"{source}: unknown key '{key}' (allowed: {allowed})") from None
        raise ConfigError(f"{source}: key '{key}' must be true or false, "
                          f"got {type(error.get('input')).__name__}") from None
