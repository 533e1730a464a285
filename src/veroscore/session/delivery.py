"""Deliver a batch: snapshot → local scan → branch → push → PR → store, each step keyed.

Every step is idempotent on its own (the same tree on the same tip is the same commit,
a push of a commit the remote has is a no-op, the PR is found by its head before one is
created, the store update is a set of assignments) and its result is kept in
`idempotency_keys`, so an agent killed between any two steps resumes where it stopped:
one branch, one PR, every change recorded. A critical secret stops the batch before the
branch moves, so it never reaches the remote.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from veroscore.config import Config
from veroscore.detect.engine import RunningDetection
from veroscore.detect.finding import Finding
from veroscore.detect.secret_patterns import redact
from veroscore.diff import ChangeSet
from veroscore.diff.git import GitRange, read_git_range
from veroscore.score.engine import evaluate
from veroscore.score.result import ScoreResult
from veroscore.session.context import SessionPointer, Target
from veroscore.session.describe import (
    describe,
    merge_body,
    provisional_description,
    render_description,
)
from veroscore.session.gitcmd import ZERO_SHA, GitError
from veroscore.session.pulls import GitHubRefused, PullRequest, PullRequests
from veroscore.session.queue_store import RowId, SessionStore
from veroscore.session.records import SessionRecord
from veroscore.session.settings import SessionSettings
from veroscore.session.snapshot import AgentIndex, FileChange

FaultHook = Callable[[str], None]
Scorer = Callable[[ChangeSet, Config], ScoreResult]
STEPS = ("commit", "branch", "push", "pr", "store")
"""Where a fault hook is called: after each step, and for keyed steps also after the step
and before its key is saved (`push:before-key`)."""


class SessionClosed(Exception):
    """The session's PR was merged or closed: the session is over."""

    def __init__(self, pull: PullRequest) -> None:
        super().__init__(f"PR #{pull.number} was {'merged' if pull.merged else 'closed'}")
        self.pull = pull


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    message: str
    commit: str = ""
    pr: dict[str, Any] | None = None
    secrets: tuple[Finding, ...] = ()


def _no_fault(step: str) -> None:
    return None


class Delivery:
    """One session's deliveries."""

    def __init__(self, pointer: SessionPointer, target: Target, settings: SessionSettings,
                 config: Config, index: AgentIndex, store: SessionStore,
                 pulls: PullRequests, fault: FaultHook = _no_fault,
                 scorer: Scorer = evaluate) -> None:
        self.p, self.target, self.settings, self.config = pointer, target, settings, config
        self.index, self.git, self.store, self.pulls = index, index.git, store, pulls
        self.fault, self.scorer = fault, scorer
        self._delivered: str | None = None

    # --- what is delivered -------------------------------------------------------------
    def record(self) -> SessionRecord:
        record = self.store.session(self.p.session_id)
        if record is None:
            raise GitError(f"session {self.p.session_id} is missing from the store")
        return record

    def delivered_commit(self) -> str:
        """The last commit the PR received (the session base before the first); read
        from the store once, then kept, so measuring never waits on the store."""
        if self._delivered is None:
            self._delivered = str(self.record().metadata.get("delivered_commit")
                                  or self.p.base_commit)
        return self._delivered

    def tip(self) -> str:
        return self.git.rev(f"refs/heads/{self.p.branch}") or self.p.base_commit

    def pending(self) -> list[FileChange]:
        """What differs from the last delivered snapshot (the thresholds' measure)."""
        return self.index.changes(self.delivered_commit())

    # --- the steps ---------------------------------------------------------------------
    def _once(self, step: str, key: str, action: Callable[[], dict[str, Any]]
              ) -> dict[str, Any]:
        full = f"session:{self.p.session_id}:{step}:{key}"
        done = self.store.key_result(full)
        if done is None:
            done = action()
            self.fault(f"{step}:before-key")
            self.store.save_key(full, f"session_{step}", done)
        self.fault(step)
        return done

    def deliver(self, reason: str, row_ids: list[RowId]) -> Outcome:
        delivered = self.delivered_commit()
        tree = self._snapshot_tree(delivered)
        tip = self.tip()
        if tree == self.git.tree_of(tip):
            commit = tip
        else:
            commit = self._once("commit", f"{tip}:{tree}", lambda: {
                "commit": self.index.commit(tree, [tip], self._message(reason))})["commit"]
        if commit == self.p.base_commit or (commit == delivered and self.record().prs):
            return Outcome(False, "nothing to deliver: the branch already holds every change")
        preview, changes = self._preview(commit)
        leaks = secrets_in(preview) or secrets_in_tests(changes, self.config)
        if leaks:
            return self._blocked(commit, leaks)
        if tip != commit:
            old = tip if self.git.rev(f"refs/heads/{self.p.branch}") else ZERO_SHA
            self.git.run(["update-ref", "-m", "veroscore session snapshot",
                          f"refs/heads/{self.p.branch}", commit, old])
        self.fault("branch")
        self._once("push", commit, lambda: self._push(commit))
        files = self.index.changes(preview.base_sha)
        pr = self._once("pr", commit, lambda: self._pull_request(commit, reason, preview, files))
        self._once("store", commit, lambda: self._save(commit, pr, files, row_ids))
        self._delivered = commit
        return Outcome(True, f"PR #{pr['number']} {pr['action']} with commit {commit[:12]} "
                       f"({reason})", commit, pr)

    def _snapshot_tree(self, delivered: str) -> str:
        """The work tree as a tree object. An agent index that git can no longer write
        (objects it names were pruned by `git gc` after weeks without a delivery) is
        rebuilt from the delivered commit: the work tree is the truth either way."""
        try:
            self.index.stage_all(delivered)
            return self.index.write_tree()
        except GitError:
            self.index.path.unlink(missing_ok=True)
            self.index.ensure(self.git.tree_of(delivered))
            self.index.stage_all(delivered)
            return self.index.write_tree()

    def _message(self, reason: str) -> str:
        return (f"Auto-PR session {self.p.session_id}: snapshot of the work tree\n\n"
                f"{reason}\n\nSession: {self.p.session_id}\n")

    def _preview(self, commit: str) -> tuple[ScoreResult, ChangeSet]:
        """The project's own pipeline on base..snapshot (the range the PR will show)."""
        remote_base = self.git.rev(f"refs/remotes/{self.target.remote}/{self.target.pr_base}")
        base = self.p.base_commit
        if remote_base:
            base = self.git.run(["merge-base", remote_base, commit], ok=(0, 1)).decode(
            ).strip() or base
        changes = read_git_range(GitRange(self.git.root, base, commit),
                                 self.config.max_file_bytes)
        changes = dataclasses.replace(changes, head_ref=self.p.branch,
                                      repository=self.target.github_repo,
                                      description=provisional_description(self.p.session_id,
                                                                          commit))
        return self.scorer(changes, self.config), changes

    def _blocked(self, commit: str, leaks: tuple[Finding, ...]) -> Outcome:
        where = [{"path": f.path, "line": f.line, "rule": f.rule_id,
                  "snippet": redact(f.snippet)} for f in leaks]
        self.store.record_event(self.p.session_id, "secret_blocked",
                                {"commit": commit, "findings": where})
        listed = "; ".join(f"{f.location} ({f.rule_id}: {redact(f.snippet)})" for f in leaks)
        return Outcome(False, f"not pushed: {len(leaks)} secret(s) in the batch: {listed}. "
                       "Remove them (and rotate the credential); the agent retries when the "
                       "files change", commit, secrets=leaks)

    def _push(self, commit: str) -> dict[str, Any]:
        self.git.run(["push", "--porcelain", "--quiet", self.target.remote,
                      f"{commit}:refs/heads/{self.p.branch}"])
        return {"pushed": commit}

    def _pull_request(self, commit: str, reason: str, preview: ScoreResult,
                      files: list[FileChange]) -> dict[str, Any]:
        rendered = render_description(describe(self.p.session_id, commit, reason, preview,
                                               files, self.config))
        found = self.pulls.find_by_head(self.target.owner, self.p.branch)
        if found is not None and found.state != "open":
            raise SessionClosed(found)
        if found is not None:
            pull = self.pulls.update_body(found.number, merge_body(found.body, rendered))
            return {"number": pull.number, "url": pull.url, "action": "updated"}
        title = self.settings.title.replace("{session_id}", self.p.session_id)
        try:
            pull = self.pulls.create(title, self.p.branch, self.target.pr_base, rendered,
                                     self.settings.draft)
        except GitHubRefused as exc:
            again = self.pulls.find_by_head(self.target.owner, self.p.branch)
            if again is None or "already exists" not in str(exc):
                raise
            pull = again
        self.pulls.request_reviewers(pull.number, self.settings.reviewers,
                                     self.settings.team_reviewers)
        return {"number": pull.number, "url": pull.url, "action": "opened"}

    def _save(self, commit: str, pr: dict[str, Any], files: list[FileChange],
              row_ids: list[RowId]) -> dict[str, Any]:
        totals = (len(files), sum(f.lines_added for f in files),
                  sum(f.lines_removed for f in files))
        self.store.save_delivery(self.p.session_id, {"number": pr["number"], "url": pr["url"]},
                                 {"delivered_commit": commit}, totals, row_ids, commit)
        return {"saved": commit}


def secrets_in(result: ScoreResult) -> tuple[Finding, ...]:
    """Critical secrets that must never reach a remote."""
    return _secrets(result.findings)


def _secrets(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    return tuple(f for f in findings if f.violation_type == "hardcoded_secret"
                 and f.severity == "critical" and not f.suppressed)


def secrets_in_tests(changes: ChangeSet, config: Config) -> tuple[Finding, ...]:
    """The score leaves test files' line findings out (fixtures hold fake keys on purpose),
    but a real key in a test file must not be pushed either: the same Python detectors,
    with test files scanned, decide. A fixture key is waived with the usual
    `veroscore: ignore[RULE-ID] reason` comment."""
    with RunningDetection(changes, dataclasses.replace(config, scan_tests=True),
                          use_semgrep=False) as running:
        return _secrets(running.finish().findings)
