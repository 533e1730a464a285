"""The pull-request calls of the agent over GitHub's REST API (public or Enterprise).

Create-or-update, never duplicate: the PR is always looked up by its head branch before
one is created, and a create refused with 422 "already exists" (an earlier create whose
response was lost) is answered by looking it up again. Failures that may pass (network,
5xx, rate limits) are `GitHubUnavailable`, so the agent keeps the changes queued and
retries; the others are `GitHubRefused` with GitHub's message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import requests

from veroscore.errors import VeroScoreError

DEFAULT_API_URL = "https://api.github.com"
TIMEOUT_SECONDS = 20
_API_VERSION = "2022-11-28"


class GitHubUnavailable(VeroScoreError):
    """GitHub could not be reached or answered 5xx / a rate limit: retry later."""


class GitHubRefused(VeroScoreError):
    """GitHub refused the request (bad token, no access, validation)."""


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    state: str
    merged: bool
    body: str
    head_ref: str


def _pull(data: dict[str, Any]) -> PullRequest:
    return PullRequest(int(data["number"]), str(data.get("html_url") or ""),
                       str(data.get("state") or "open"), bool(data.get("merged_at")),
                       str(data.get("body") or ""), str((data.get("head") or {}).get("ref", "")))


class PullRequests:
    """The pulls endpoints of one repository."""

    def __init__(self, token: str, repository: str, api_url: str = DEFAULT_API_URL) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repository):
            raise VeroScoreError(f"'{repository}' is not a GitHub repository (OWNER/NAME)")
        self.repository = repository
        self._base = f"{api_url.rstrip('/')}/repos/{repository}"
        self._http = requests.Session()
        self._http.headers.update({"Accept": "application/vnd.github+json",
                                   "X-GitHub-Api-Version": _API_VERSION,
                                   "User-Agent": "veroscore-session-agent"})
        if token:
            self._http.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, self._base + path, timeout=TIMEOUT_SECONDS,
                                          **kwargs)
        except requests.RequestException as exc:
            raise GitHubUnavailable(f"cannot reach GitHub: {type(exc).__name__}") from None
        if response.status_code < 300:
            return response.json() if response.content else None
        message = _message(response)
        limited = response.status_code == 429 or (
            response.status_code == 403 and "rate limit" in message.lower())
        if response.status_code >= 500 or limited:
            raise GitHubUnavailable(f"GitHub {response.status_code}: {message}")
        raise GitHubRefused(f"GitHub {method} {path} refused ({response.status_code}): "
                            f"{message}")

    def find_by_head(self, owner: str, branch: str) -> PullRequest | None:
        """The newest PR whose head is `owner:branch`, open or closed."""
        try:
            found = self._call("GET", "/pulls", params={"head": f"{owner}:{branch}",
                                                        "state": "all", "per_page": 10})
        except GitHubRefused as exc:
            if "(404)" not in str(exc):
                raise
            found = None  # no list to read: creating will say what is wrong
        pulls = [_pull(p) for p in found or []
                 if (p.get("head") or {}).get("ref", branch) == branch]
        return max(pulls, key=lambda p: p.number) if pulls else None

    def create(self, title: str, head: str, base: str, body: str, draft: bool) -> PullRequest:
        data = self._call("POST", "/pulls", json={"title": title, "head": head, "base": base,
                                                  "body": body, "draft": draft})
        return _pull(data)

    def update_body(self, number: int, body: str) -> PullRequest:
        return _pull(self._call("PATCH", f"/pulls/{number}", json={"body": body}))

    def request_reviewers(self, number: int, reviewers: tuple[str, ...],
                          teams: tuple[str, ...]) -> None:
        if reviewers or teams:
            self._call("POST", f"/pulls/{number}/requested_reviewers",
                       json={"reviewers": list(reviewers), "team_reviewers": list(teams)})

    def close(self) -> None:
        self._http.close()


def _message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    message = str(data.get("message", "")) if isinstance(data, dict) else ""
    errors = data.get("errors") if isinstance(data, dict) else None
    if isinstance(errors, list):
        message += " (" + "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e)
                                    for e in errors) + ")"
    return message


def repository_from_remote(url: str) -> str | None:
    """OWNER/NAME from an https, ssh (`git@host:o/n.git`) or `ssh://` remote URL."""
    match = re.search(r"(?:[:/])([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$", url.strip())
    return f"{match.group(1)}/{match.group(2)}" if match else None
