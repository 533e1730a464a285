"""`veroscore action`: dispatch on the Actions event and run score → report → enforce.

pull_request / pull_request_target score the PR (drafts too, never approved);
workflow_dispatch rescores the PR it names; schedule runs maintenance. Under
pull_request_target no PR code is checked out or run: the change is read through the API.
The configuration is read at the PR's base commit, so a PR cannot loosen its own gate.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import structlog

from veroscore.config import DEFAULT_CONFIG_PATH, Config, load_config, parse_config
from veroscore.diff import ChangeSet
from veroscore.diff.git import GitRange, has_commits, read_git_range
from veroscore.diff.github_api import read_pull_request
from veroscore.errors import InputError, StoreError
from veroscore.github.client import GitHubError, GitHubRest
from veroscore.github.commands import (
    append_summary,
    write_command,
    write_outputs,
    write_stdout,
)
from veroscore.github.enforcer import (
    Enforcement,
    Enforcer,
    EnforceRequest,
    status_description,
)
from veroscore.github.event import PR_EVENTS, SCORED_ACTIONS, ActionsContext, PullRequestInfo
from veroscore.github.event import load_context as load_actions_context
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


def inputs_from_env(env: Mapping[str, str]) -> ActionInputs:
    pr = env.get("VEROSCORE_PR_NUMBER", "").strip().lstrip("#")
    if pr and not pr.isdigit():
        raise InputError(f"input 'pr-number' must be a number, got '{pr}'")
    fail_on = env.get("VEROSCORE_FAIL_ON", "").strip() or None
    if fail_on and fail_on not in (*DECISION_RANK, "never"):
        raise InputError(f"input 'fail-on' must be auto_block, review_required, auto_approve "
                         f"or never, got '{fail_on}'")
    return ActionInputs(
        config_path=Path(env.get("VEROSCORE_CONFIG", "") or DEFAULT_CONFIG_PATH),
        fail_on=fail_on,
        dry_run=env.get("VEROSCORE_DRY_RUN", "false").strip().lower() in ("true", "1", "yes"),
        pr_number=int(pr) if pr else None,
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
        value = str(given.get(key, "")).strip().lstrip("#")
        if value.isdigit():
            return int(value)
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


def _trusted_config(ctx: ActionsContext, inputs: ActionInputs, pr: PullRequestInfo,
                    api: GitHubRest) -> Config:
    """The config as it is on the base commit (a PR cannot relax its own gate)."""
    if inputs.config_path.is_absolute():
        return load_config(inputs.config_path)
    path = inputs.config_path.as_posix().removeprefix("./")
    try:
        data = api.file_content(path, pr.base_sha)
    except GitHubError as exc:
        raise InputError(f"cannot read {path} at the base commit: {exc}") from None
    if data is None:
        if inputs.config_path != DEFAULT_CONFIG_PATH:
            raise InputError(f"{path}: config file not found at the base commit "
                             f"{pr.base_sha[:12]}")
        return Config()
    return parse_config(data.decode("utf-8", errors="replace"), f"{path}@{pr.base_sha[:12]}",
                        base_dir=ctx.workspace / Path(path).parent)


def _read_changes(ctx: ActionsContext, pr: PullRequestInfo, api: GitHubRest,
                  config: Config) -> ChangeSet:
    if ctx.event_name == "pull_request" and has_commits(ctx.workspace, pr.base_sha, pr.head_sha):
        local = read_git_range(GitRange(ctx.workspace, pr.base_sha, pr.head_sha),
                               config.max_file_bytes)
        return replace(local, repository=ctx.repository, pr_number=pr.number, author=pr.author,
                       title=pr.title, description=pr.body, head_ref=pr.head_ref)
    try:
        files = api.pull_files(pr.number)
        return read_pull_request(pr, files, ctx.repository,
                                 lambda path: api.file_content(path, pr.head_sha),
                                 config.max_file_bytes, _base_gitattributes(api, pr))
    except GitHubError as exc:
        raise InputError(f"cannot read the files of pull request #{pr.number}: {exc}") from None


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
    """Score one PR, write reports and outputs, enforce unless dry-run, exit per fail-on."""
    started = time.perf_counter()
    config = _trusted_config(ctx, inputs, pr, api)
    changes = _read_changes(ctx, pr, api, config)
    result = evaluate(changes, config)
    duration_ms = round((time.perf_counter() - started) * 1000)
    run = RunInfo(trace_id=_trace_id(), run_url=ctx.run_url)
    comment = render_comment(result, run)
    paths = _write_report_files(ctx, result, run)
    _annotate(result)
    notices, spool_file = _record(ctx, inputs, record_from_result(result, run.trace_id,
                                                                  duration_ms))
    if inputs.dry_run:
        enforcement = Enforcement(notices=["dry-run: nothing was written to GitHub."])
        write_stdout(comment)
        write_stdout(f"dry-run: would set status '{status_description(result)}' on "
                     f"{pr.head_sha[:12]} and labels {config.labels[result.decision]}")
    else:
        enforcement = Enforcer(api).enforce(EnforceRequest(
            pr=pr, result=result, comment_body=comment, config=config, run_url=ctx.run_url,
            comment_marker=COMMENT_MARKER,
            commentable={f.path: frozenset(f.added_lines) for f in changes.files}))
    notices += enforcement.notices
    for notice in notices:
        write_command("warning", notice)
    _summarise(ctx, comment, notices)
    write_outputs(ctx.output_path, {**_outputs(result, paths),
                                    "spool-file": str(spool_file or "")})
    structlog.get_logger().info("action_scored", pr=pr.number, decision=result.decision,
                                score=result.stabilized_score, actions=enforcement.actions)
    return 1 if meets_fail_on(result.decision, inputs.fail_on or config.fail_on) else 0


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
    return ([outcome.message] if outcome.spool_file else []), outcome.spool_file


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

