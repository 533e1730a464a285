"""The `session:` section of `.github/veroscore.yml`: thresholds, debounce and PR options."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SessionSettings(BaseModel):
    """Defaults are the design's: a PR when 3 files or 50 lines changed, or after 5 quiet
    minutes with pending changes; events settle after 2 s; changes reach the queue in
    writes of at least `batch_size` rows while a burst lasts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_files: int = Field(default=3, ge=1)
    min_lines: int = Field(default=50, ge=1)
    max_wait_seconds: float = Field(default=300.0, gt=0)
    debounce_seconds: float = Field(default=2.0, ge=0)
    batch_size: int = Field(default=10, ge=1)
    branch_prefix: str = Field(default="auto-pr-", pattern=r"^[A-Za-z0-9._/-]{1,50}$")
    base_branch: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._/-]{1,200}$")
    remote: str = Field(default="origin", pattern=r"^[A-Za-z0-9._-]{1,100}$")
    draft: bool = True
    reviewers: tuple[str, ...] = ()
    team_reviewers: tuple[str, ...] = ()
    title: str = Field(default="Auto-PR session {session_id}", max_length=200)
    exclude: tuple[str, ...] = ()
    retry_max_seconds: float = Field(default=300.0, gt=0)
