"""A thin adapter over PyGithub: our dataclasses in and out, one error type.

PyGithub objects never leave this module, so the enforcer reads like the decisions it
makes. Retries with backoff come from PyGithub's `GithubRetry` (urllib3 `Retry`):
idempotent methods are retried on 5xx, resets and time-outs; every method is retried on
a rate limit (`Retry-After`, else `x-ratelimit-reset`), which GitHub answers before acting.
A POST is never blindly resent after a 5xx or a lost response — it may have taken effect —
the enforcer re-runs the whole step instead, and each step finds before it creates.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.PullRequest import PullRequest
from github.Repository import Repository
from urllib3.response import BaseHTTPResponse

from veroscore.diff.pull_request import PullFile as PullFile
from veroscore.github.event import PullRequestInfo, pull_request_from_payload

T = TypeVar("T")


class GitHubError(Exception):
    """A GitHub API call failed after retries (status 0: no answer at all)."""

    def __init__(self, status: int, message: str, codes: tuple[str, ...] = ()) -> None:
        super().__init__(f"GitHub API {status}: {message}")
        self.status = status
        self.message = message
        self.codes = codes

    @property
    def rate_limited(self) -> bool:
        return self.status == 429 or "rate limit" in self.message.lower()

    @property
    def permission_denied(self) -> bool:
        return self.status in (401, 403, 404) and not self.rate_limited

    @property
    def transient(self) -> bool:
        """A fault worth one more attempt of the step: no answer, 5xx or a rate limit."""
        return self.status == 0 or self.status >= 500 or self.rate_limited


@dataclass(frozen=True)
class Author:
    """Who wrote a comment or review: `kind` is GitHub's `user.type` (User, Bot…)."""

    login: str
    kind: str


@dataclass(frozen=True)
class IssueComment:
    id: int
    body: str
    author: Author = Author("", "User")


@dataclass(frozen=True)
class Review:
    id: int
    state: str
    body: str
    commit_id: str
    author: Author = Author("", "User")


@dataclass(frozen=True)
class Identity:
    """Who the token writes as. `GET /user` names a user token's account; installation
    tokens (GITHUB_TOKEN, GitHub Apps) get 403 there and write as a `Bot` account whose
    login is only known once one of our own writes echoes it back."""

    login: str | None
    bot: bool

    def owns(self, author: Author) -> bool:
        if self.login is not None:
            return author.login.lower() == self.login.lower()
        return self.bot and author.kind == "Bot" and author.login.endswith("[bot]")


@dataclass(frozen=True)
class TreeEntry:
    """One entry of a git tree: `mode` 100644/100755 file, 120000 symlink, 040000
    folder, 160000 submodule."""

    path: str
    mode: str
    sha: str


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


class _Retry(GithubRetry):
    """GithubRetry that also waits out 429s (until `x-ratelimit-reset` when no
    `Retry-After`) and resends a POST only when GitHub refused it for a rate limit."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code in (403, 429) and method.upper() == "POST":
            return bool(self.total)
        return super().is_retry(method, status_code, has_retry_after)

    def increment(self, method: str | None = None, url: str | None = None,
                  response: BaseHTTPResponse | None = None, error: Exception | None = None,
                  *args: Any, **kwargs: Any) -> _Retry:
        retry: _Retry = super().increment(method, url, response, error, *args,  # type: ignore
                                          **kwargs)
        if response is not None and response.status == 429 \
                and "Retry-After" not in response.headers:
            wait = _reset_wait(response.headers.get("x-ratelimit-reset"))
            if wait is not None:
                if self.max_rate_limit_wait is not None and wait > self.max_rate_limit_wait:
                    raise GithubException(429, {"message": f"rate limit resets in {wait:.0f} s, "
                                                "longer than VeroScore waits"}, None)
                floor = max(wait, retry.get_backoff_time())
                retry.get_backoff_time = lambda: floor  # type: ignore[method-assign]
        return retry


def _reset_wait(value: str | None) -> float | None:
    if not value or not value.isdigit():
        return None
    return max(0.0, int(value) - time.time()) + 1


def _error(exc: GithubException) -> GitHubError:
    data = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or exc.data or "")
    errors = data.get("errors")
    codes: tuple[str, ...] = ()
    if isinstance(errors, list) and errors:
        message += " (" + "; ".join(str(e.get("message", e.get("code", e)))
                                    if isinstance(e, dict) else str(e) for e in errors) + ")"
        codes = tuple(str(e.get("code", "")) for e in errors if isinstance(e, dict))
    return GitHubError(int(exc.status or 0), message[:500], codes)


def _author(user: Any) -> Author:
    if user is None:
        return Author("", "User")
    return Author(str(user.login or ""), str(user.type or "User"))


class GitHubRest:
    """The REST calls VeroScore makes, against one repository."""

    def __init__(self, token: str, repository: str, api_url: str = "https://api.github.com",
                 *, retries: int = 5, backoff: float = 1.0, throttle: bool = True,
                 timeout: int = 30) -> None:
        _route_library_logs()
        retry = _Retry(total=retries, backoff_factor=backoff, max_rate_limit_wait=120,
                       secondary_rate_wait=60 if throttle else backoff, raise_on_status=False,
                       allowed_methods=frozenset({"GET", "PATCH", "PUT", "DELETE"}))
        self._gh = Github(auth=Auth.Token(token) if token else None, base_url=api_url,
                          retry=retry, timeout=timeout,
                          seconds_between_requests=0.25 if throttle else None,
                          seconds_between_writes=1.0 if throttle else None, lazy=True)
        self._repo_name = repository
        self._repo: Repository | None = None
        self._pulls: dict[int, PullRequest] = {}

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except GithubException as exc:
            raise _error(exc) from None
        except requests.RequestException as exc:
            raise GitHubError(0, f"no answer from GitHub ({type(exc).__name__})") from None

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
            content = self._call(self.repo.get_contents, path, ref=ref)
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        if isinstance(content, list) or content.encoding != "base64":
            return None
        return base64.b64decode(content.content or "")

    def identity(self) -> Identity:
        """Who this token writes as (see `Identity`)."""
        try:
            user = self._call(lambda: self._gh.requester.requestJsonAndCheck("GET", "/user")[1])
        except GitHubError as exc:
            if exc.permission_denied:
                return Identity(login=None, bot=True)
            raise
        return Identity(login=str(user.get("login") or "") or None,
                        bot=user.get("type") == "Bot")

    def tree(self, sha: str) -> tuple[list[TreeEntry], bool]:
        """The entries of one tree (a commit sha gives its root tree) and whether GitHub
        truncated the listing."""
        tree = self._call(self.repo.get_git_tree, sha)
        return ([TreeEntry(e.path, e.mode, e.sha) for e in tree.tree],
                bool(self._call(lambda: tree.raw_data.get("truncated", False))))

    def blob(self, sha: str) -> bytes:
        blob = self._call(self.repo.get_git_blob, sha)
        if blob.encoding != "base64":
            return (blob.content or "").encode("utf-8")
        return base64.b64decode(blob.content or "")

    def comments(self, number: int) -> list[IssueComment]:
        pull = self._pull(number)
        return self._call(lambda: [IssueComment(c.id, c.body or "", _author(c.user))
                                   for c in pull.get_issue_comments()])

    def create_comment(self, number: int, body: str) -> IssueComment:
        comment = self._call(self._pull(number).create_issue_comment, body)
        return IssueComment(int(comment.id), body, _author(comment.user))

    def edit_comment(self, number: int, comment_id: int, body: str) -> None:
        path = f"{self.repo.url}/issues/comments/{comment_id}"
        self._call(self._gh.requester.requestJsonAndCheck, "PATCH", path, input={"body": body})

    def delete_comment(self, comment_id: int) -> None:
        path = f"{self.repo.url}/issues/comments/{comment_id}"
        try:
            self._call(self._gh.requester.requestJsonAndCheck, "DELETE", path)
        except GitHubError as exc:
            if exc.status != 404:  # a retried delete whose first answer was lost
                raise

    def repo_labels(self) -> set[str]:
        return self._call(lambda: {label.name for label in self.repo.get_labels()})

    def create_label(self, name: str, color: str, description: str) -> None:
        try:
            self._call(self.repo.create_label, name, color, description)
        except GitHubError as exc:
            if exc.status != 422 or "already_exists" not in exc.codes:
                raise

    def pr_labels(self, number: int) -> set[str]:
        pull = self._pull(number)
        return self._call(lambda: {label.name for label in pull.get_labels()})

    def add_labels(self, number: int, names: list[str]) -> None:
        self._call(self._pull(number).add_to_labels, *names)

    def remove_label(self, number: int, name: str) -> None:
        try:
            self._call(self._pull(number).remove_from_labels, name)
        except GitHubError as exc:
            if exc.status != 404:  # already gone: a retry of a delete that took effect
                raise

    def reviews(self, number: int) -> list[Review]:
        pull = self._pull(number)
        return self._call(lambda: [Review(r.id, r.state, r.body or "", r.commit_id or "",
                                          _author(r.user)) for r in pull.get_reviews()])

    def create_review(self, number: int, head_sha: str, event: str, body: str,
                      comments: list[LineComment]) -> None:
        payload: dict[str, Any] = {"commit_id": head_sha, "body": body, "event": event}
        if comments:
            payload["comments"] = [{"path": c.path, "line": c.line, "side": "RIGHT",
                                    "body": c.body} for c in comments]
        self._call(self._gh.requester.requestJsonAndCheck, "POST",
                   f"{self.repo.url}/pulls/{number}/reviews", input=payload)

    def update_review(self, number: int, review_id: int, body: str) -> None:
        self._call(self._gh.requester.requestJsonAndCheck, "PUT",
                   f"{self.repo.url}/pulls/{number}/reviews/{review_id}", input={"body": body})

    def dismiss_review(self, number: int, review_id: int, message: str) -> None:
        try:
            self._call(self._gh.requester.requestJsonAndCheck, "PUT",
                       f"{self.repo.url}/pulls/{number}/reviews/{review_id}/dismissals",
                       input={"message": message, "event": "DISMISS"})
        except GitHubError as exc:
            # A retried dismissal whose first answer was lost: already dismissed is done.
            if exc.status != 422 or "dismissed" not in exc.message.lower():
                raise

    def request_reviewers(self, number: int, reviewers: list[str]) -> None:
        self._call(self._pull(number).create_review_request, reviewers=reviewers)

    def create_status(self, sha: str, state: str, description: str, context: str,
                      target_url: str) -> None:
        payload = {"state": state, "description": description, "context": context}
        if target_url:
            payload["target_url"] = target_url
        self._call(self._gh.requester.requestJsonAndCheck, "POST",
                   f"{self.repo.url}/statuses/{sha}", input=payload)

    def enable_auto_merge(self, number: int, merge_method: str) -> None:
        self._call(self._pull(number).enable_automerge, merge_method=merge_method.upper())

    def close(self) -> None:
        self._gh.close()
