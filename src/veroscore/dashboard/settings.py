"""The `dashboard:` section of `.github/veroscore.yml`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator


class DashboardConfig(BaseModel):
    """What a team may change about the dashboard.

    `hide_authors` drops the per-author table from analytics for teams that do not want a
    leaderboard; `github_server_url` points PR links at GitHub Enterprise (default: the
    GITHUB_SERVER_URL environment variable, else https://github.com).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    hide_authors: bool = False
    github_server_url: str | None = None

    @field_validator("github_server_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// or http://")
        return value.rstrip("/") if value else value
