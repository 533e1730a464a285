"""A pull request as the REST intake reads it: plain data, filled by `github/`.

These types live in the intake layer because the intake consumes them; the GitHub client
produces them. Defining them here keeps the data flow one way (`github/` imports `diff/`,
never the reverse).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PullRequestInfo:
    """The PR fields scoring and enforcement need, from an event or the REST API.

    `changed_files` is GitHub's own count of the PR's files (None when unknown): the
    file listing stops at 3,000, so the intake compares the two.
    """

    number: int
    head_sha: str
    base_sha: str
    head_ref: str
    base_ref: str
    author: str
    title: str
    body: str
    draft: bool
    head_repo: str
    changed_files: int | None = None
    state: str = "open"
    merged: bool = False


@dataclass(frozen=True)
class PullFile:
    """One entry of `GET /repos/{owner}/{repo}/pulls/{n}/files`; `patch` is None when
    GitHub omitted it (binary or too large a diff)."""

    filename: str
    status: str
    previous_filename: str | None
    patch: str | None
    additions: int
    deletions: int
