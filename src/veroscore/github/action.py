"""`veroscore action`: dispatch on the Actions event and run score → report → enforce.

pull_request / pull_request_target score the PR (drafts too, never approved);
workflow_dispatch rescores the PR it names; schedule runs maintenance. Under
pull_request_target no PR code is checked out or run: the change is read through the API.
The configuration is read at the PR's base commit, so a PR cannot loosen its own gate.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TypeVar

import structlog

from veroscore.config import DEFAULT_CONFIG_PATH, Config
from veroscore.diff import ChangeSet
from veroscore.diff.git import GitRange, has_commits, read_git_range
from veroscore.diff.github_api import read_pull_request
from veroscore.diff.model import Unscanned
from veroscore.errors import ConfigError, InputError, StoreError, VeroScoreError
from veroscore.github.client import GitHubError, GitHubRest
from veroscore.github.commands import (
    append_summary,
    inert_line,
    write_command,
    write_outputs,
    write_stdout,
)
from veroscore.github.enforcer import (
    STATUS_CONTEXT,
    Enforcement,
    Enforcer,
    EnforceRequest,
    status_description,
)
from veroscore.github.event import PR_EVENTS, SCORED_ACTIONS, ActionsContext, PullRequestInfo
from veroscore.github.event import load_context as load_actions_context
from veroscore.github.policy import (
    BasePolicy,
    LocalRevision,
    RestRevision,
    Revision,
    fresh_stage,
    read_base_policy,
)
from veroscore.maintenance import check_health
from veroscore.maintenance import run_maintenance as run_maintenance_tasks
from veroscore.report import RunInfo, render_score
from veroscore.report.escape import markdown_text
from veroscore.report.render import COMMENT_MARKER, render_comment, render_template
from veroscore.score.decision import DECISION_RANK, meets_fail_on
from veroscore.score.engine import evaluate
from veroscore.score.result import ScoreResult
from veroscore.store.base import ScoreRecord, ServerStore, record_from_result
from veroscore.store.recorder import record_or_spool
from veroscore.store.url import open_server_store

MAX_ANNOTATIONS_PER_LEVEL = 10
T = TypeVar("T")


@dataclass(frozen=True)
class ActionInputs:
    """The action's inputs, passed by action.yml through the environment."""

    config_path: Path
    fail_on: str | None
    dry_run: bool
    pr_number: int | None
    database_url: str = field(default="", repr=False)
    supabase_url: str = ""
    http_backoff: float = 1.0
    http_throttle: bool = True


_PR_NUMBER = re.compile(r"[0-9]{1,10}")
"""ASCII digits only: `str.isdigit` also accepts Arabic-Indic and superscript digits."""


def parse_pr_number(value: str, source: str = "input 'pr-number'") -> int:
    """A PR number from text a person typed: ASCII digits, nothing else, not zero."""
    if not _PR_NUMBER.fullmatch(value) or int(value) == 0:
        shown = ascii(value[:40]) + ("..." if len(value) > 40 else "")
        raise InputError(f"{source} must be a pull request number (ASCII digits only), "
                         f"got {shown}")
    return int(value)


def inputs_from_env(env: Mapping[str, str]) -> ActionInputs:
    pr = env.get("VEROSCORE_PR_NUMBER", "")
    number = parse_pr_number(pr) if pr != "" else None
    config = env.get("VEROSCORE_CONFIG", "") or DEFAULT_CONFIG_PATH.as_posix()
    if PurePosixPath(config).is_absolute() or ".." in PurePosixPath(config).parts:
        raise InputError(f"input 'config' must be a path inside the repository (it is read "
                         f"at the base commit), got {config[:80]!a}")
    fail_on = env.get("VEROSCORE_FAIL_ON", "").strip() or None
    if fail_on and fail_on not in (*DECISION_RANK, "never"):
        raise InputError(f"input 'fail-on' must be auto_block, review_required, auto_approve "
                         f"or never, got {fail_on[:40]!a}")
    return ActionInputs(
        config_path=Path(config),
        fail_on=fail_on,
        dry_run=env.get("VEROSCORE_DRY_RUN", "false").strip().lower() in ("true", "1", "yes"),
        pr_number=number,
        database_url=env.get("DATABASE_URL", ""),
        supabase_url=env.get("SUPABASE_URL", ""),
        http_backoff=float(env.get("VEROSCORE_HTTP_BACKOFF", "1.0") or 1.0),
        http_throttle=env.get("VEROSCORE_HTTP_THROTTLE", "true").lower() != "false",
    )


ApiFactory = Callable[[ActionsContext, ActionInputs], GitHubRest]


def default_api(ctx: ActionsContext, inputs: ActionInputs) -> GitHubRest:
    if not ctx.token:
        raise InputError("no GitHub token: pass the 'github-token' input or set GITHUB_TOKEN")
    return GitHubRest(ctx.token, ctx.repository, ctx.api_url, backoff=inputs.http_backoff,
                      throttle=inputs.http_throttle)


def run_action_reporting(env: Mapping[str, str], make_api: ApiFactory = default_api) -> int:
    """`run_action`, with every way it can stop reported to the runner: exit 2 (usage,
    config, input) and an internal error each write an `::error::` annotation and a
    step-summary line, never a traceback."""
    summary = Path(env["GITHUB_STEP_SUMMARY"]) if env.get("GITHUB_STEP_SUMMARY") else None
    try:
        return run_action(env, make_api)
    except VeroScoreError as exc:
        message, code = str(exc), 2
    except Exception as exc:  # the last line of defence: no traceback in the job log
        structlog.get_logger().error("action_crashed", error_type=type(exc).__name__,
                                     error=str(exc)[:500])
        message, code = f"VeroScore stopped on an internal error ({type(exc).__name__}).", 1
    write_command("error", f"VeroScore: {message}")
    sys.stderr.write(inert_line(f"veroscore: error: {message}") + "\n")
    with contextlib.suppress(OSError):
        append_summary(summary, f"**VeroScore could not finish:** {markdown_text(message)}\n")
    return code


def run_action(env: Mapping[str, str], make_api: ApiFactory = default_api) -> int:
    """The `veroscore action` entry point; returns the exit code."""
    ctx = load_actions_context(env)
    inputs = inputs_from_env(env)
    log = structlog.get_logger().bind(event=ctx.event_name, repository=ctx.repository)
    if ctx.event_name in PR_EVENTS:
        pr = ctx.pull_request()
        if pr is None or ctx.action not in SCORED_ACTIONS:
            write_command("notice", f"VeroScore: nothing to do for "
                                    f"{ctx.event_name}.{ctx.action or '?'}")
            return 0
        return score_pull_request(ctx, inputs, pr, make_api(ctx, inputs))
    if ctx.event_name == "workflow_dispatch":
        number = inputs.pr_number or _dispatch_pr_number(ctx)
        api = make_api(ctx, inputs)
        try:
            pr = api.pull_request(number)
        except GitHubError as exc:
            raise InputError(f"cannot read pull request #{number}: {exc}") from None
        return score_pull_request(ctx, inputs, pr, api)
    if ctx.event_name == "schedule":
        return run_maintenance(ctx, inputs)
    log.info("unsupported_event")
    write_command("notice", f"VeroScore does nothing on '{ctx.event_name}' events")
    return 0


def _dispatch_pr_number(ctx: ActionsContext) -> int:
    given = ctx.event.get("inputs") or {}
    for key in ("pr-number", "pr_number", "pr"):
        value = given.get(key)
        if value not in (None, ""):
            return parse_pr_number(str(value), f"workflow_dispatch input '{key}'")
    raise InputError("workflow_dispatch needs the PR to rescore: set the 'pr-number' input")


def run_maintenance(ctx: ActionsContext, inputs: ActionInputs) -> int:
    """The scheduled run: time out idle sessions, clean up, archive metrics, check health.
    Exits 1 when the store is unhealthy, so the scheduled workflow shows red."""
    url = _store_url(inputs)
    if url is None:
        message = ("Scheduled maintenance skipped: no store configured (set the database-url, "
                   "or supabase-url and supabase-key, inputs).")
        write_command("notice", message)
        append_summary(ctx.summary_path, f"## VeroScore maintenance\n\n{message}\n")
        return 0
    maintenance = None
    store: ServerStore | None = None
    error = ""
    try:
        store = open_server_store(url)
        maintenance = run_maintenance_tasks(store)
    except StoreError as exc:
        error = str(exc)
    try:
        report = check_health(store, unreachable=error)
    finally:
        if store is not None:
            store.close()
    append_summary(ctx.summary_path, render_template("health.md.j2", report=report,
                                                     maintenance=maintenance))
    for problem in report.problems:
        write_command("error", f"VeroScore health: {problem}")
    return 0 if report.healthy else 1


def _base_revision(ctx: ActionsContext, pr: PullRequestInfo, api: GitHubRest) -> Revision:
    """The base commit's objects: from the workspace's git store when it holds them (a
    checkout of any commit of the PR does not change what the base sha names), else REST."""
    if has_commits(ctx.workspace, pr.base_sha):
        return LocalRevision(ctx.workspace, pr.base_sha)
    return RestRevision(api, pr.base_sha)


def _base_policy(ctx: ActionsContext, inputs: ActionInputs, pr: PullRequestInfo,
                 api: GitHubRest) -> BasePolicy:
    """Config, rule folders, suppression policy and thresholds as the base has them."""
    stage = fresh_stage(ctx.temp_dir / "veroscore" / "policy")
    return read_base_policy(_base_revision(ctx, pr, api), inputs.config_path, stage)


def _read_changes(ctx: ActionsContext, pr: PullRequestInfo, api: GitHubRest,
                  max_file_bytes: int) -> ChangeSet:
    """The same change whatever the event: local git whenever the workspace holds both
    commits, else the REST API with whole post-change files, so pull_request and
    pull_request_target score a head commit alike."""
    if has_commits(ctx.workspace, pr.base_sha, pr.head_sha):
        local = read_git_range(GitRange(ctx.workspace, pr.base_sha, pr.head_sha),
                               max_file_bytes)
        return replace(local, repository=ctx.repository, pr_number=pr.number, author=pr.author,
                       title=pr.title, description=pr.body, head_ref=pr.head_ref)
    try:
        files = api.pull_files(pr.number)
        changes = read_pull_request(pr, files, ctx.repository,
                                    lambda path: api.file_content(path, pr.head_sha),
                                    max_file_bytes, _base_gitattributes(api, pr))
        return _whole_files(changes, api, pr.head_sha, max_file_bytes)
    except GitHubError as exc:
        return _unlisted_change(ctx, pr, exc)


def _unlisted_change(ctx: ActionsContext, pr: PullRequestInfo, exc: GitHubError) -> ChangeSet:
    """The PR's files could not be listed even after retries: nothing was scanned, so the
    change is scored as wholly unscanned (at most review_required) and the run goes on to
    write the comment, status, outputs and spool, with an error annotation."""
    reason = f"GitHub did not list the pull request's files ({exc})"
    write_command("error", f"VeroScore: {reason}; nothing was scanned")
    return ChangeSet(files=(), repository=ctx.repository, pr_number=pr.number,
                     base_sha=pr.base_sha, head_sha=pr.head_sha, author=pr.author,
                     title=pr.title, description=pr.body, head_ref=pr.head_ref,
                     unlisted=(Unscanned(f"<all files of pull request #{pr.number}>", reason),))


def _whole_files(changes: ChangeSet, api: GitHubRest, head_sha: str,
                 max_file_bytes: int) -> ChangeSet:
    """Give files the API rebuilt from hunks their whole text at head, as the git intake
    has it: detectors that read around the changed lines then see the same file."""
    files, completed = [], 0
    for changed in changes.files:
        if not changed.content_is_partial:
            files.append(changed)
            continue
        try:
            data = api.file_content(changed.path, head_sha)
        except GitHubError:  # its hunks are still scanned; the note below says how
            data = None
        if data is None or len(data) > max_file_bytes or b"\x00" in data[:8000]:
            files.append(changed)
            continue
        files.append(replace(changed, content=data.decode("utf-8", errors="replace"),
                             content_is_partial=False))
        completed += 1
    if not completed:
        return changes
    notes = tuple(n for n in changes.notes if "analysed from their diff hunks only" not in n)
    partial = sum(1 for f in files if f.content_is_partial)
    if partial:
        notes += (f"{partial} modified file(s) analysed from their diff hunks only",)
    return replace(changes, files=tuple(files), notes=notes)


def _changed_paths(changes: ChangeSet) -> list[str]:
    return [p for f in changes.files for p in (f.path, f.old_path) if p]


def _base_gitattributes(api: GitHubRest, pr: PullRequestInfo) -> str:
    """The base's root .gitattributes (generated files); "" when it cannot be read, which
    only means more files are judged by the code rules."""
    try:
        return (api.file_content(".gitattributes", pr.base_sha) or b"").decode(
            "utf-8", errors="replace")
    except GitHubError:
        return ""


def score_pull_request(ctx: ActionsContext, inputs: ActionInputs, pr: PullRequestInfo,
                       api: GitHubRest) -> int:
    """Score one PR, write reports and outputs, enforce unless dry-run or closed, exit per
    fail-on. Each output step is isolated: one that fails is a notice, not the end."""
    started = time.perf_counter()
    try:
        policy = _base_policy(ctx, inputs, pr, api)
    except ConfigError as exc:  # invalid or unsafe policy at the base: fail closed
        _fail_closed_status(ctx, inputs, pr, api, str(exc))
        raise
    config = policy.config
    changes = _read_changes(ctx, pr, api, config.max_file_bytes)
    result = evaluate(changes, config)
    duration_ms = round((time.perf_counter() - started) * 1000)
    run = RunInfo(trace_id=_trace_id(), run_url=ctx.run_url,
                  pending_policy=tuple(policy.changed_by(_changed_paths(changes))))
    comment = render_comment(result, run)
    notices: list[str] = []
    if run.pending_policy:
        notices.append("This pull request changes VeroScore's policy ("
                       + ", ".join(run.pending_policy[:10]) + "); it was scored under the "
                       "base branch's rules, and the change applies after merge.")
    no_paths: dict[str, Path] = {}
    paths = _isolated(notices, "report files", lambda: _write_report_files(ctx, result, run),
                      no_paths)
    _isolated(notices, "annotations", lambda: _annotate(result), None)
    not_recorded: tuple[list[str], Path | None] = ([], None)

    def record() -> tuple[list[str], Path | None]:
        return _isolated(notices, "store", lambda: _record(ctx, inputs, record_from_result(
            result, run.trace_id, duration_ms)), not_recorded)

    try:
        enforcement = _enforce(ctx, inputs, pr, api, result, comment, config, changes)
    except Exception:  # an unexpected enforcer fault: the score is still recorded
        record()
        raise
    notices += enforcement.notices
    store_notices, spool_file = record()
    notices += store_notices
    for notice in notices:
        write_command("warning", notice)
    _isolated(notices, "step summary", lambda: _summarise(ctx, comment, notices), None)
    _isolated(notices, "outputs", lambda: write_outputs(ctx.output_path, {
        **_outputs(result, paths), "spool-file": str(spool_file or ""),
        "spool-artifact": spool_artifact_name(ctx, run.trace_id)}), None)
    structlog.get_logger().info("action_scored", pr=pr.number, decision=result.decision,
                                score=result.stabilized_score, actions=enforcement.actions)
    return 1 if meets_fail_on(result.decision, inputs.fail_on or config.fail_on) else 0


def _isolated(notices: list[str], name: str, step: Callable[[], T], fallback: T) -> T:
    """Run a local output step; a failure is a notice and the run goes on."""
    try:
        return step()
    except (OSError, VeroScoreError, ValueError) as exc:
        notices.append(f"Could not write the {name} ({type(exc).__name__}: {exc}).")
        return fallback


def _enforce(ctx: ActionsContext, inputs: ActionInputs, pr: PullRequestInfo, api: GitHubRest,
             result: ScoreResult, comment: str, config: Config, changes: ChangeSet
             ) -> Enforcement:
    if inputs.dry_run:
        write_stdout(comment)
        write_stdout(f"dry-run: would set status '{status_description(result)}' on "
                     f"{pr.head_sha[:12]} and labels {config.labels[result.decision]}")
        return Enforcement(notices=["dry-run: nothing was written to GitHub."])
    if pr.state != "open":
        state = "merged" if pr.merged else pr.state or "closed"
        return Enforcement(notices=[
            f"Pull request #{pr.number} is {state}: the score is recorded and summarised "
            "here; no comment, labels, review or status were written."])
    return Enforcer(api, backoff=inputs.http_backoff).enforce(EnforceRequest(
        pr=pr, result=result, comment_body=comment, config=config, run_url=ctx.run_url,
        comment_marker=COMMENT_MARKER,
        commentable={f.path: frozenset(f.added_lines) for f in changes.files}))


def _fail_closed_status(ctx: ActionsContext, inputs: ActionInputs, pr: PullRequestInfo,
                        api: GitHubRest, reason: str) -> None:
    """The policy cannot be read: mark the head `error` so the gate is not left open."""
    if inputs.dry_run or pr.state != "open":
        return
    try:
        api.create_status(pr.head_sha, "error", f"VeroScore could not read its policy: "
                          f"{reason}"[:140], STATUS_CONTEXT, ctx.run_url)
    except GitHubError as exc:
        structlog.get_logger().warning("status_failed", status=exc.status, error=exc.message)


def spool_artifact_name(ctx: ActionsContext, trace_id: str) -> str:
    """An artifact name no other job of the run uses: matrix jobs share the run id, the
    attempt and the job id, so the run's own trace id tells them apart."""
    job = re.sub(r"[^A-Za-z0-9_.-]", "-", ctx.job or "job")[:60]
    return f"veroscore-spool-{ctx.run_id or 'local'}-{ctx.run_attempt or '1'}-{job}-" \
           f"{trace_id[:12]}"


def _trace_id() -> str:
    bound = structlog.contextvars.get_contextvars().get("trace_id")
    return str(bound) if bound else "unknown"


def _store_url(inputs: ActionInputs) -> str | None:
    if inputs.database_url:
        return inputs.database_url
    return "supabase" if inputs.supabase_url else None


def _record(ctx: ActionsContext, inputs: ActionInputs, record: ScoreRecord
            ) -> tuple[list[str], Path | None]:
    """Record the score when a store is configured; spool it when the store is down."""
    url = _store_url(inputs)
    if url is None or inputs.dry_run:
        return [], None
    outcome = record_or_spool(url, record, ctx.temp_dir / "veroscore" / "spool")
    if outcome.summary_markdown:
        append_summary(ctx.summary_path, outcome.summary_markdown)
    failed = outcome.spool_file or outcome.spool_error
    return ([outcome.message] if failed else []), outcome.spool_file


def _write_report_files(ctx: ActionsContext, result: ScoreResult, run: RunInfo
                        ) -> dict[str, Path]:
    folder = ctx.temp_dir / "veroscore"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"report-json": folder / "report.json", "sarif": folder / "veroscore.sarif"}
    paths["report-json"].write_text(render_score(result, "json", run), encoding="utf-8")
    paths["sarif"].write_text(render_score(result, "sarif", run), encoding="utf-8")
    return paths


def _annotate(result: ScoreResult) -> None:
    """Inline annotations on the diff; GitHub shows at most 10 per level and step."""
    for level, findings in (("error", result.findings), ("warning", result.warnings)):
        for finding in findings[:MAX_ANNOTATIONS_PER_LEVEL]:
            write_command(level, f"{finding.message} Fix: {finding.suggested_fix}",
                          file=finding.path, line=finding.line,
                          title=f"{finding.violation_type} ({finding.rule_id})")


def _summarise(ctx: ActionsContext, comment: str, notices: list[str]) -> None:
    text = comment
    if notices:
        text += "\n### Notices\n\n" + "".join(f"- {markdown_text(n)}\n" for n in notices)
    append_summary(ctx.summary_path, text)


def _outputs(result: ScoreResult, paths: dict[str, Path]) -> dict[str, str]:
    return {
        "score": f"{result.stabilized_score:.2f}",
        "raw-score": f"{result.raw_score:.2f}",
        "decision": result.decision,
        "findings": str(len(result.findings) + len(result.warnings)),
        "critical": str(result.critical_count),
        "report-json": str(paths["report-json"]),
        "sarif": str(paths["sarif"]),
    }


def dispatch_env(env: Mapping[str, str], pr_number: int, repository: str | None
                 ) -> dict[str, str]:
    """The environment of `veroscore rescore`: a workflow_dispatch run for one PR."""
    overrides = {"GITHUB_EVENT_NAME": "workflow_dispatch", "VEROSCORE_PR_NUMBER": str(pr_number),
                 "GITHUB_EVENT_PATH": ""}
    if repository:
        overrides["GITHUB_REPOSITORY"] = repository
    return {**env, **overrides}

