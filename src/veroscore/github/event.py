"""What a GitHub Actions run tells VeroScore: read from the standard environment only.

The PR's head sha comes from the event payload; GITHUB_SHA is not even read, because on
pull_request events it is the temporary merge commit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veroscore.diff.pull_request import PullRequestInfo as PullRequestInfo
from veroscore.errors import InputError

PR_EVENTS = ("pull_request", "pull_request_target")
SCORED_ACTIONS = ("opened", "synchronize", "reopened", "edited", "ready_for_review")


@dataclass(frozen=True)
class ActionsContext:
    """The standard Actions environment of one run, parsed once."""

    event_name: str
    event: dict[str, Any]
    repository: str
    api_url: str
    server_url: str
    run_id: str
    workspace: Path
    token: str = field(repr=False)
    output_path: Path | None
    summary_path: Path | None
    temp_dir: Path
    job: str = ""
    run_attempt: str = ""

    @property
    def run_url(self) -> str:
        if not self.run_id:
            return ""
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"

    @property
    def action(self) -> str:
        return str(self.event.get("action", ""))

    def pull_request(self) -> PullRequestInfo | None:
        """The PR of a pull_request/pull_request_target event, else None."""
        payload = self.event.get("pull_request")
        return pull_request_from_payload(payload) if isinstance(payload, dict) else None


def pull_request_from_payload(pr: Mapping[str, Any]) -> PullRequestInfo:
    """Map a REST/webhook pull request object to `PullRequestInfo`."""
    head, base = pr.get("head") or {}, pr.get("base") or {}
    return PullRequestInfo(
        number=int(pr["number"]),
        head_sha=str(head.get("sha", "")),
        base_sha=str(base.get("sha", "")),
        head_ref=str(head.get("ref", "")),
        base_ref=str(base.get("ref", "")),
        author=str((pr.get("user") or {}).get("login", "")),
        title=str(pr.get("title") or ""),
        body=str(pr.get("body") or ""),
        draft=bool(pr.get("draft", False)),
        head_repo=str((head.get("repo") or {}).get("full_name", "")),
        state=str(pr.get("state") or "open"),
        merged=bool(pr.get("merged") or pr.get("merged_at")),
        changed_files=_count(pr.get("changed_files")),
    )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _optional_path(value: str | None) -> Path | None:
    return Path(value) if value else None


def load_context(env: Mapping[str, str]) -> ActionsContext:
    """Read GITHUB_* variables and the event payload; missing essentials are input errors."""
    missing = [name for name in ("GITHUB_EVENT_NAME", "GITHUB_REPOSITORY") if not env.get(name)]
    if missing:
        raise InputError(f"not running in GitHub Actions: {', '.join(missing)} not set")
    event: dict[str, Any] = {}
    if env.get("GITHUB_EVENT_PATH"):
        try:
            event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"cannot read the event payload {env['GITHUB_EVENT_PATH']}: "
                             f"{exc}") from None
    return ActionsContext(
        event_name=env["GITHUB_EVENT_NAME"], event=event, repository=env["GITHUB_REPOSITORY"],
        api_url=env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
        server_url=env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/"),
        run_id=env.get("GITHUB_RUN_ID", ""),
        workspace=Path(env.get("GITHUB_WORKSPACE", ".")),
        token=env.get("GITHUB_TOKEN", "") or env.get("INPUT_GITHUB_TOKEN", ""),
        output_path=_optional_path(env.get("GITHUB_OUTPUT")),
        summary_path=_optional_path(env.get("GITHUB_STEP_SUMMARY")),
        temp_dir=Path(env.get("RUNNER_TEMP") or env.get("TMPDIR") or "/tmp"),
        job=env.get("GITHUB_JOB", ""),
        run_attempt=env.get("GITHUB_RUN_ATTEMPT", ""),
    )
