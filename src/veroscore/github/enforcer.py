"""Act on a pull request from a ScoreResult: comment, labels, review, status.

The enforcer never recomputes anything; it turns a decision into GitHub state and makes
every step idempotent, so a rerun or a new push updates what is there instead of
piling up comments, labels or reviews. A token that may not write (fork PRs) or a
refused approval degrades to notices; the caller still reports and exits per fail-on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import structlog

from veroscore.config import Config
from veroscore.detect.finding import Finding
from veroscore.github.client import (
    Author,
    GitHubError,
    GitHubRest,
    Identity,
    IssueComment,
    LineComment,
    Review,
)
from veroscore.github.event import PullRequestInfo
from veroscore.report.escape import markdown_code, markdown_text
from veroscore.score.result import ScoreResult

REVIEW_MARKER = "<!-- veroscore:review -->"
STATUS_CONTEXT = "VeroField Governance"
STATUS_STATE = {"auto_block": "failure", "review_required": "pending", "auto_approve": "success"}
LABEL_STYLE = {"auto_block": ("B60205", "VeroScore blocked this pull request"),
               "review_required": ("FBCA04", "VeroScore asks for a human review"),
               "auto_approve": ("0E8A16", "VeroScore approved this pull request")}
MAX_LINE_COMMENTS = 30
STEP_ATTEMPTS = 3
ACTIONS_BOT = "github-actions[bot]"
_Authored = TypeVar("_Authored", IssueComment, Review)


@dataclass
class Enforcement:
    """What the enforcer did and what it had to leave undone."""

    actions: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    read_only: bool = False


@dataclass(frozen=True)
class EnforceRequest:
    pr: PullRequestInfo
    result: ScoreResult
    comment_body: str
    config: Config
    run_url: str
    comment_marker: str
    commentable: dict[str, frozenset[int]]


def status_description(result: ScoreResult) -> str:
    """At most 140 characters, as the statuses API requires."""
    text = (f"{result.decision.replace('_', ' ')}: score {result.stabilized_score:.2f}/10, "
            f"{len(result.findings)} blocking, {len(result.warnings)} warning(s)")
    return text[:140]


class Enforcer:
    """Runs each step isolated from the others: a refusal or fault on one is a notice and
    the next step still runs; the commit status is always attempted, last."""

    def __init__(self, api: GitHubRest, backoff: float = 1.0) -> None:
        self.api = api
        self.backoff = backoff
        self.identity = Identity(login=None, bot=True)
        self.log = structlog.get_logger()

    def enforce(self, req: EnforceRequest) -> Enforcement:
        outcome = Enforcement()
        self._attempt("identity", self._resolve_identity, req, outcome)
        steps: list[tuple[str, Callable[[EnforceRequest, Enforcement], None]]] = [
            ("comment", self._comment), ("labels", self._labels), ("review", self._review),
            ("status", self._status)]
        for name, step in steps:
            self._attempt(name, step, req, outcome)
        return outcome

    def _attempt(self, name: str, step: Callable[[EnforceRequest, Enforcement], None],
                 req: EnforceRequest, outcome: Enforcement) -> None:
        """Run one step; a transient fault re-runs the whole step (each step finds what
        an earlier attempt may have written before writing again)."""
        for attempt in range(1, STEP_ATTEMPTS + 1):
            try:
                step(req, outcome)
                return
            except GitHubError as exc:
                self.log.warning("github_step_failed", step=name, status=exc.status,
                                 error=exc.message, attempt=attempt)
                if exc.transient and attempt < STEP_ATTEMPTS:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                self._report(name, exc, outcome)
                return

    def _report(self, name: str, exc: GitHubError, outcome: Enforcement) -> None:
        outcome.failed.append(name)
        if exc.permission_denied and not outcome.read_only:
            outcome.read_only = True
            outcome.notices.append(
                "The token cannot write to this pull request; results are in the step summary "
                "and annotations. Fork pull requests get a read-only token; see the README "
                "for the permissions to grant.")
        if name == "identity":
            outcome.notices.append(f"Could not tell which account the token writes as "
                                   f"({exc.status}: {exc.message}); only bot comments that "
                                   "start with VeroScore's marker are treated as its own.")
            return
        outcome.notices.append(f"Could not update the {name} ({exc.status}: {exc.message}); "
                               "the other steps still ran.")

    def _resolve_identity(self, req: EnforceRequest, outcome: Enforcement) -> None:
        self.identity = self.api.identity()

    def _learn(self, author: Author) -> None:
        """Our own write echoes who we are: from then on only that login is ours."""
        if self.identity.login is None and author.login:
            self.identity = Identity(login=author.login, bot=author.kind == "Bot")

    def _own(self, items: list[_Authored], marker: str) -> list[_Authored]:
        """Items that carry `marker` as their first line and were written by this token's
        account (a person quoting the marker never matches). With an installation token
        whose login is unknown, GitHub Actions' own bot wins over other bots."""
        mine = [i for i in items if i.body.startswith(marker) and self.identity.owns(i.author)]
        logins = {i.author.login for i in mine}
        if self.identity.login is None and len(logins) > 1 and ACTIONS_BOT in logins:
            mine = [i for i in mine if i.author.login == ACTIONS_BOT]
        return mine

    def _comment(self, req: EnforceRequest, outcome: Enforcement) -> None:
        ours = self._own(self.api.comments(req.pr.number), req.comment_marker)
        if not ours:
            created = self.api.create_comment(req.pr.number, req.comment_body)
            self._learn(created.author)
            outcome.actions.append(f"created comment {created.id}")
            return
        self._learn(ours[0].author)
        self.api.edit_comment(req.pr.number, ours[0].id, req.comment_body)
        outcome.actions.append(f"edited comment {ours[0].id}")
        for duplicate in ours[1:]:  # left by a create whose response was lost
            self.api.delete_comment(duplicate.id)
            outcome.actions.append(f"deleted duplicate comment {duplicate.id}")

    def _labels(self, req: EnforceRequest, outcome: Enforcement) -> None:
        labels = req.config.labels
        wanted = labels[req.result.decision]
        stale = {name for decision, names in labels.items() if decision != req.result.decision
                 for name in names} - set(wanted)
        existing = self.api.repo_labels()
        for name in wanted:
            if name not in existing:
                color, description = LABEL_STYLE[req.result.decision]
                self.api.create_label(name, color, description)
                outcome.actions.append(f"created label {name}")
        on_pr = self.api.pr_labels(req.pr.number)
        missing = [n for n in wanted if n not in on_pr]
        if missing:
            self.api.add_labels(req.pr.number, missing)
            outcome.actions.append(f"added labels {', '.join(missing)}")
        for name in sorted(stale & on_pr):
            self.api.remove_label(req.pr.number, name)
            outcome.actions.append(f"removed label {name}")

    def _review(self, req: EnforceRequest, outcome: Enforcement) -> None:
        decision, number = req.result.decision, req.pr.number
        ours = self._own(self.api.reviews(number), REVIEW_MARKER)
        blocking = [r for r in ours if r.state == "CHANGES_REQUESTED"]
        if decision == "auto_block":
            self._request_changes(req, outcome, blocking)
            return
        for review in blocking:
            self.api.dismiss_review(number, review.id, "VeroScore no longer blocks "
                                    "this pull request.")
            outcome.actions.append(f"dismissed review {review.id}")
        if decision == "review_required":
            self._request_reviewers(req, outcome)
        elif req.pr.draft:
            outcome.notices.append("Draft pull request: scored, but not approved.")
        else:
            self._approve(req, outcome, ours)

    def _request_changes(self, req: EnforceRequest, outcome: Enforcement,
                         blocking: list[Review]) -> None:
        """At most one active blocking review of ours: the one on this head is updated, a
        new head gets a new review and the older ones are dismissed after it exists."""
        body = (f"{REVIEW_MARKER}\n**VeroField Governance blocked this pull request.** "
                f"{markdown_text(req.result.decision_reason)}")
        current = [r for r in blocking if r.commit_id == req.pr.head_sha]
        if current:
            keep = current[-1]
            if keep.body != body:
                self.api.update_review(req.pr.number, keep.id, body)
                outcome.actions.append(f"updated review {keep.id}")
        else:
            self._create_blocking_review(req, outcome, body)
            keep = None
        for review in blocking:
            if keep is None or review.id != keep.id:
                self.api.dismiss_review(req.pr.number, review.id,
                                        "Replaced by VeroScore's review of the latest push.")
                outcome.actions.append(f"dismissed review {review.id}")

    def _create_blocking_review(self, req: EnforceRequest, outcome: Enforcement,
                                body: str) -> None:
        comments = line_comments(req.result.findings, req.commentable)
        try:
            self.api.create_review(req.pr.number, req.pr.head_sha, "REQUEST_CHANGES", body,
                                   comments)
        except GitHubError as exc:
            if exc.status != 422 or not comments:
                raise
            # One line GitHub cannot place fails the whole review: block without them.
            self.api.create_review(req.pr.number, req.pr.head_sha, "REQUEST_CHANGES", body, [])
            outcome.notices.append(f"GitHub refused the review's line comments ({exc.status}: "
                                   f"{exc.message}); the review was posted without them.")
            comments = []
        outcome.actions.append(f"requested changes with {len(comments)} line comment(s)")

    def _request_reviewers(self, req: EnforceRequest, outcome: Enforcement) -> None:
        reviewers = [r for r in req.config.reviewers if r.lower() != req.pr.author.lower()]
        if reviewers:
            self.api.request_reviewers(req.pr.number, reviewers)
            outcome.actions.append(f"requested reviewers {', '.join(reviewers)}")

    def _approve(self, req: EnforceRequest, outcome: Enforcement, ours: list[Review]) -> None:
        if any(r.state == "APPROVED" and r.commit_id == req.pr.head_sha for r in ours):
            return
        body = f"{REVIEW_MARKER}\n**VeroField Governance approved this pull request.**"
        try:
            self.api.create_review(req.pr.number, req.pr.head_sha, "APPROVE", body, [])
            outcome.actions.append("approved")
        except GitHubError as exc:
            if exc.status != 422 and not exc.permission_denied:
                raise
            outcome.notices.append(f"GitHub refused the approval ({exc.status}: {exc.message}); "
                                   "allow GitHub Actions to approve pull requests in the "
                                   "repository settings, or approve by hand.")
            return
        if req.config.auto_merge:
            self.api.enable_auto_merge(req.pr.number, req.config.merge_method)
            outcome.actions.append("enabled auto-merge")

    def _status(self, req: EnforceRequest, outcome: Enforcement) -> None:
        self.api.create_status(req.pr.head_sha, STATUS_STATE[req.result.decision],
                               status_description(req.result), STATUS_CONTEXT, req.run_url)
        outcome.actions.append(f"set status {STATUS_STATE[req.result.decision]} on "
                               f"{req.pr.head_sha[:12]}")


def line_comments(findings: tuple[Finding, ...], added: dict[str, frozenset[int]]
                  ) -> list[LineComment]:
    """At most MAX_LINE_COMMENTS comments, only on lines the diff adds: one comment on a
    line outside the diff makes GitHub reject the whole review."""
    comments = []
    for finding in findings:
        if finding.line is None or finding.line not in added.get(finding.path, frozenset()):
            continue
        comments.append(LineComment(finding.path, finding.line,
                                    f"**{finding.severity}** {markdown_code(finding.rule_id)}: "
                                    f"{markdown_text(finding.message)}\n\n"
                                    f"**Fix:** {markdown_text(finding.suggested_fix)}"))
        if len(comments) == MAX_LINE_COMMENTS:
            break
    return comments
