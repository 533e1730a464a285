"""A thin adapter over PyGithub: our dataclasses in and out, one error type.

PyGithub objects never leave this module, so the enforcer reads like the decisions it
makes. Retries with backoff on 5xx and secondary rate limits come from PyGithub's
`GithubRetry`, extended to PATCH so comment edits are retried too.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from github import Auth, Github, GithubException, GithubRetry
from github.PullRequest import PullRequest
from github.Repository import Repository

from veroscore.diff.pull_request import PullFile as PullFile
from veroscore.github.event import PullRequestInfo, pull_request_from_payload

T = TypeVar("T")


class GitHubError(Exception):
    """A GitHub API call failed after retries."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"GitHub API {status}: {message}")
        self.status = status
        self.message = message

    @property
    def permission_denied(self) -> bool:
        return self.status in (401, 403, 404) and "rate limit" not in self.message.lower()


@dataclass(frozen=True)
class IssueComment:
    id: int
    body: str


@dataclass(frozen=True)
class Review:
    id: int
    state: str
    body: str
    commit_id: str


@dataclass(frozen=True)
class LineComment:
    path: str
    line: int
    body: str


def _route_library_logs() -> None:
    """PyGithub attaches a StreamHandler to the `github` logger at import, bound to the
    stderr of that moment and unredacted; send its records to our handler instead."""
    library = logging.getLogger("github")
    library.handlers.clear()
    library.propagate = True


def _error(exc: GithubException) -> GitHubError:
    data = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or exc.data or "")
    errors = data.get("errors")
    if isinstance(errors, list) and errors:
        message += " (" + "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e)
                                    for e in errors) + ")"
    return GitHubError(int(exc.status or 0), message)


class GitHubRest:
    """The REST calls VeroScore makes, against one repository."""

    def __init__(self, token: str, repository: str, api_url: str = "https://api.github.com",
                 *, retries: int = 5, backoff: float = 1.0, throttle: bool = True) -> None:
        _route_library_logs()
        retry = GithubRetry(total=retries, backoff_factor=backoff, max_rate_limit_wait=120,
                            allowed_methods=frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"}))
        self._gh = Github(auth=Auth.Token(token) if token else None, base_url=api_url,
                          retry=retry, seconds_between_requests=0.25 if throttle else None,
                          seconds_between_writes=1.0 if throttle else None, lazy=True)
        self._repo_name = repository
        self._repo: Repository | None = None
        self._pulls: dict[int, PullRequest] = {}

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except GithubException as exc:
            raise _error(exc) from None

    @property
    def repo(self) -> Repository:
        if self._repo is None:
            self._repo = self._call(self._gh.get_repo, self._repo_name)
        return self._repo

    def _pull(self, number: int) -> PullRequest:
        if number not in self._pulls:
            self._pulls[number] = self._call(self.repo.get_pull, number)
        return self._pulls[number]

    def pull_request(self, number: int) -> PullRequestInfo:
        pull = self._pull(number)
        return pull_request_from_payload(self._call(lambda: pull.raw_data))

    def pull_files(self, number: int) -> list[PullFile]:
        pull = self._pull(number)
        return self._call(lambda: [PullFile(f.filename, f.status, f.previous_filename, f.patch,
                                            f.additions, f.deletions) for f in pull.get_files()])

    def file_content(self, path: str, ref: str) -> bytes | None:
        try:
            content = self.repo.get_contents(path, ref=ref)
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise _error(exc) from None
        if isinstance(content, list) or content.encoding != "base64":
            return None
        return base64.b64decode(content.content or "")

    def comments(self, number: int) -> list[IssueComment]:
        pull = self._pull(number)
        return self._call(lambda: [IssueComment(c.id, c.body or "")
                                   for c in pull.get_issue_comments()])

    def create_comment(self, number: int, body: str) -> int:
        return int(self._call(self._pull(number).create_issue_comment, body).id)

    def edit_comment(self, number: int, comment_id: int, body: str) -> None:
        comment = self._call(self._pull(number).get_issue_comment, comment_id)
        self._call(comment.edit, body)

    def repo_labels(self) -> set[str]:
        return self._call(lambda: {label.name for label in self.repo.get_labels()})

    def create_label(self, name: str, color: str, description: str) -> None:
        self._call(self.repo.create_label, name, color, description)

    def pr_labels(self, number: int) -> set[str]:
        pull = self._pull(number)
        return self._call(lambda: {label.name for label in pull.get_labels()})

    def add_labels(self, number: int, names: list[str]) -> None:
        self._call(self._pull(number).add_to_labels, *names)

    def remove_label(self, number: int, name: str) -> None:
        self._call(self._pull(number).remove_from_labels, name)

    def reviews(self, number: int) -> list[Review]:
        pull = self._pull(number)
        return self._call(lambda: [Review(r.id, r.state, r.body or "", r.commit_id or "")
                                   for r in pull.get_reviews()])

    def create_review(self, number: int, head_sha: str, event: str, body: str,
                      comments: list[LineComment]) -> None:
        pull = self._pull(number)
        commit = self._call(self.repo.get_commit, head_sha)
        payload: list[Any] = [{"path": c.path, "line": c.line, "side": "RIGHT", "body": c.body}
                              for c in comments]
        self._call(pull.create_review, commit=commit, body=body, event=event, comments=payload)

    def dismiss_review(self, number: int, review_id: int, message: str) -> None:
        review = self._call(self._pull(number).get_review, review_id)
        self._call(review.dismiss, message)

    def request_reviewers(self, number: int, reviewers: list[str]) -> None:
        self._call(self._pull(number).create_review_request, reviewers=reviewers)

    def create_status(self, sha: str, state: str, description: str, context: str,
                      target_url: str) -> None:
        commit = self._call(self.repo.get_commit, sha)
        self._call(commit.create_status, state=state, description=description,
                   context=context, **({"target_url": target_url} if target_url else {}))

    def enable_auto_merge(self, number: int, merge_method: str) -> None:
        self._call(self._pull(number).enable_automerge, merge_method=merge_method.upper())

    def close(self) -> None:
        self._gh.close()
