"""The `veroscore` command line (DESIGN §4). Only `main` exits; every stage raises.

Exit codes: 0 success, 1 the decision met `--fail-on`, 2 usage/config/input error (one
line on stderr, a traceback only with `--debug`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

import structlog

from veroscore import __version__
from veroscore.config import DECISIONS, Config, load_config
from veroscore.dashboard.command import add_dashboard_commands
from veroscore.detect.engine import detect
from veroscore.diff import ChangeSet
from veroscore.diff.git import GitRange, read_git_range
from veroscore.diff.patch import read_patch_file
from veroscore.diff.tree import read_paths
from veroscore.errors import InputError, StoreError, VeroScoreError
from veroscore.log import configure_logging, new_trace_id
from veroscore.maintenance import DEFAULT_IDLE_MINUTES, DEFAULT_STUCK_MINUTES
from veroscore.report import FORMATS, RunInfo, render_scan, render_score
from veroscore.report.escape import inert_line
from veroscore.report.render import render_template
from veroscore.score.decision import meets_fail_on
from veroscore.score.engine import evaluate
from veroscore.score.result import ScoreResult
from veroscore.store import default_store_url, open_store
from veroscore.store.base import ServerStore, Store, change_hash_of, record_from_result
from veroscore.store.recorder import record_or_spool
from veroscore.store.spool import default_spool_dir, replay
from veroscore.store.url import open_server_store, server_store_url

EXIT_OK, EXIT_FAIL_ON, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors share one handler."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise VeroScoreError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="veroscore", description="PR governance: detect, score, enforce.")
    parser.add_argument("--version", action="version", version=f"veroscore {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    score = commands.add_parser("score", help="score a change (git range or patch file)")
    source = score.add_mutually_exclusive_group()
    source.add_argument("--patch", type=Path, help="unified diff file to score ('-' = stdin)")
    source.add_argument("--base", help="base ref (default: merge-base with the default branch)")
    score.add_argument("--repo", type=Path, default=Path("."), help="git repository (default .)")
    score.add_argument("--head", default="HEAD", help="head ref (default HEAD)")
    score.add_argument("--description", help="file with the PR description ('-' = stdin)")
    score.add_argument("--config", type=Path, help="config file (default .github/veroscore.yml)")
    score.add_argument("--format", choices=FORMATS, default="text")
    score.add_argument("--output", type=Path, help="write the report here instead of stdout")
    score.add_argument("--store", help="sqlite:///PATH or none (default: embedded store)")
    score.add_argument("--fail-on", choices=(*DECISIONS, "never"),
                       help="exit 1 when the decision is this or worse (default from config: "
                            "auto_block)")

    scan = commands.add_parser("scan", help="scan files or folders; every line counts")
    scan.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    scan.add_argument("--format", choices=("json", "text", "sarif"), default="text")
    scan.add_argument("--config", type=Path, help="config file (default .github/veroscore.yml)")
    scan.add_argument("--output", type=Path, help="write the report here instead of stdout")

    commands.add_parser("action", help="the GitHub Actions entry point (reads the Actions env)")
    rescore = commands.add_parser("rescore", help="rescore a pull request through the API")
    rescore.add_argument("--pr", type=int, required=True, help="pull request number")
    rescore.add_argument("--repo", help="OWNER/NAME (default: GITHUB_REPOSITORY)")

    _add_server_commands(commands)
    add_dashboard_commands(commands, _Parser)

    history = commands.add_parser("history", help="list recorded scores, newest first")
    history.add_argument("--store", help="sqlite:///PATH (default: embedded store)")
    history.add_argument("--repository", help="only this repository")
    history.add_argument("--limit", type=int, default=20)
    history.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _add_server_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    store_help = "postgresql://… or supabase (default: DATABASE_URL, else supabase if SUPABASE_URL)"
    db = commands.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", required=True, parser_class=_Parser)
    migrate_cmd = db.add_parser("migrate", help="apply the veroscore schema migrations")
    migrate_cmd.add_argument("--database-url", help="Postgres URL (default: DATABASE_URL)")
    _add_session_commands(commands, store_help)
    health = commands.add_parser("health", help="check the store; exit 1 when unhealthy")
    health.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    health.add_argument("--stuck-minutes", type=int, default=DEFAULT_STUCK_MINUTES)
    health.add_argument("--store", help=store_help)
    store = commands.add_parser("store", help="score store").add_subparsers(
        dest="store_command", required=True, parser_class=_Parser)
    replay_cmd = store.add_parser("replay", help="send a spool file to the store")
    replay_cmd.add_argument("file", type=Path)
    replay_cmd.add_argument("--store", help=store_help)


def _add_session_commands(commands: argparse._SubParsersAction[_Parser], store_help: str
                          ) -> None:
    """`session start|status|flush|stop|timeout` (the Auto-PR agent); `sessions` is the old
    name of the group, kept as an alias."""
    session = commands.add_parser("session", aliases=["sessions"], help="Auto-PR sessions"
                                  ).add_subparsers(dest="sessions_command", required=True,
                                                   parser_class=_Parser)
    from veroscore.session.cli_args import add_agent_commands
    add_agent_commands(session)
    timeout = session.add_parser("timeout", help="move active sessions idle past the limit: "
                                 "without a PR to timed_out, with PRs to awaiting_review")
    timeout.add_argument("--idle-minutes", type=int, default=DEFAULT_IDLE_MINUTES)
    timeout.add_argument("--store", help=store_help)


def _server_url(given: str | None) -> str:
    url = given or server_store_url()
    if not url:
        raise InputError("no store given: pass --store, or set DATABASE_URL or SUPABASE_URL")
    return url


def _read_description(source: str | None) -> str:
    if source is None:
        return ""
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{source}: description file not found") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read description ({exc.strerror})") from None
    return data.decode("utf-8", errors="replace")


def _read_changes(args: argparse.Namespace, config: Config) -> ChangeSet:
    if args.patch is not None:
        changes = read_patch_file(args.patch, config.max_file_bytes)
    else:
        changes = read_git_range(GitRange(args.repo, args.base, args.head),
                                 config.max_file_bytes)
    return dataclasses.replace(changes, description=_read_description(args.description))


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{output}: cannot write report ({exc.strerror})") from None


def _use_color(args: argparse.Namespace) -> bool:
    return (args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
            and os.environ.get("TERM") != "dumb")


def _record(result: ScoreResult, store_url: str, trace_id: str, duration_ms: int,
            change_hash: str | None = None) -> None:
    """Record the score; when the store fails, spool it and say where (never raises)."""
    if store_url == "none":
        return
    outcome = record_or_spool(store_url, record_from_result(result, trace_id, duration_ms,
                                                            change_hash), default_spool_dir())
    if outcome.message:
        level = "note" if outcome.already_recorded else "warning"
        print(f"veroscore: {level}: {outcome.message}", file=sys.stderr)


def cmd_score(args: argparse.Namespace, trace_id: str) -> int:
    started = time.perf_counter()
    config = load_config(args.config)
    changes = _read_changes(args, config)
    result = evaluate(changes, config)
    run = RunInfo(trace_id=trace_id, color=_use_color(args))
    duration_ms = round((time.perf_counter() - started) * 1000)
    _emit(render_score(result, args.format, run), args.output)
    _record(result, args.store or default_store_url(), trace_id, duration_ms,
            change_hash_of(changes) if args.patch is not None else None)
    structlog.get_logger().info("scored", decision=result.decision,
                                score=result.stabilized_score, duration_ms=duration_ms)
    failed = meets_fail_on(result.decision, args.fail_on or config.fail_on)
    return EXIT_FAIL_ON if failed else EXIT_OK


def cmd_scan(args: argparse.Namespace, trace_id: str) -> int:
    config = load_config(args.config)
    changes = read_paths(list(args.paths), config.max_file_bytes)
    detection = detect(changes, config, change_level=False)
    run = RunInfo(trace_id=trace_id, color=_use_color(args))
    _emit(render_scan(detection.findings, detection.files_scanned, args.format, run,
                      detection.unscanned, detection.skipped), args.output)
    return EXIT_OK


def cmd_history(args: argparse.Namespace, trace_id: str) -> int:
    store = open_store(args.store or default_store_url())
    if store is None:
        raise InputError("history needs a store; --store none has none")
    try:
        rows = store.history(args.repository, args.limit)
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps([dataclasses.asdict(r) for r in rows], indent=2))
        return EXIT_OK
    if not rows:
        print("No scores recorded yet.")
    for r in rows:
        pr = f"#{r.pr_number}" if r.pr_number else "local"
        print(f"{r.recorded_at}  {r.repository:<24} {pr:<7} {r.head_sha[:12]:<12} "
              f"{r.stabilized_score:5.2f}  {r.decision:<15} critical={r.critical}")
    return EXIT_OK


# The GitHub and Postgres commands import their clients when they run: PyGithub and
# psycopg cost ~0.4 s of start-up that `score` and `scan` do not need.


def cmd_action(args: argparse.Namespace, trace_id: str) -> int:
    from veroscore.github.action import run_action_reporting
    return run_action_reporting(os.environ)


def cmd_rescore(args: argparse.Namespace, trace_id: str) -> int:
    from veroscore.github.action import dispatch_env, run_action_reporting
    env = dispatch_env(os.environ, args.pr, args.repo)
    if not env.get("GITHUB_REPOSITORY"):
        raise InputError("rescore needs the repository: --repo OWNER/NAME")
    return run_action_reporting(env)


def cmd_db(args: argparse.Namespace, trace_id: str) -> int:
    from veroscore.store.migrate import migrate
    url = args.database_url or os.environ.get("DATABASE_URL")
    if not url:
        raise InputError("db migrate needs --database-url or DATABASE_URL")
    run = migrate(url)
    for migration in run.applied:
        print(f"applied {migration.version} {migration.name}")
    print(f"{len(run.applied)} migration(s) applied; schema version {run.final_version}"
          if run.applied else f"schema is current (version {run.final_version})")
    return EXIT_OK


def cmd_sessions(args: argparse.Namespace, trace_id: str) -> int:
    if args.sessions_command != "timeout":
        from veroscore.session.cli_args import run_agent_command
        return run_agent_command(args)
    store = open_server_store(_server_url(args.store))
    try:
        moved = store.timeout_sessions(args.idle_minutes)
    finally:
        store.close()
    print(f"{moved} session(s) active and idle for more than {args.idle_minutes} minutes "
          "moved (without a PR to timed_out, with PRs to awaiting_review)")
    return EXIT_OK


def cmd_health(args: argparse.Namespace, trace_id: str) -> int:
    from veroscore.maintenance import check_health
    try:
        store: ServerStore | None = open_server_store(_server_url(args.store))
        error = ""
    except StoreError as exc:
        store, error = None, str(exc)
    try:
        report = check_health(store, args.stuck_minutes, unreachable=error)
    finally:
        if store is not None:
            store.close()
    if args.format == "json":
        print(json.dumps(dataclasses.asdict(report), indent=2, default=str))
    elif args.format == "markdown":
        print(render_template("health.md.j2", report=report, maintenance=None), end="")
    else:
        print("healthy" if report.healthy else "unhealthy")
        for problem in report.problems:
            print(f"  - {problem}")
        for key, value in report.snapshot.items():
            print(f"  {key}: {value}")
    return EXIT_OK if report.healthy else EXIT_FAIL_ON


def cmd_store(args: argparse.Namespace, trace_id: str) -> int:
    if (args.store or "").startswith("sqlite:///"):
        store: Store | None = open_store(args.store)
        server: ServerStore | None = None
    else:
        store = server = open_server_store(_server_url(args.store))
    if store is None:
        raise InputError("store replay needs a store")
    try:
        result = replay(args.file, store)
        if server is not None and result.inserted and not result.store_error:
            server.record_metric("store_errors", result.inserted, {"source": "replay"})
    finally:
        store.close()
    for rejected in result.rejected:
        print(f"veroscore: rejected {rejected}", file=sys.stderr)
    print(f"{result.inserted} inserted, {result.already_recorded} already present, "
          f"{len(result.rejected)} rejected")
    if result.store_error:
        print(f"veroscore: error: replay stopped, {result.not_sent} record(s) not sent "
              f"(running it again is safe): {result.store_error}", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_ERROR


def cmd_dashboard(args: argparse.Namespace, trace_id: str) -> int:
    from veroscore.dashboard import command
    location = command.store_location(args.store, default_store_url())
    config = load_config(args.config).dashboard
    run = command.serve if args.dashboard_command == "serve" else command.build
    return run(args, location, config)


_COMMANDS = {"score": cmd_score, "scan": cmd_scan, "history": cmd_history,
             "action": cmd_action, "rescore": cmd_rescore, "db": cmd_db,
             "session": cmd_sessions, "sessions": cmd_sessions, "health": cmd_health,
             "store": cmd_store, "dashboard": cmd_dashboard}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    trace_id = new_trace_id()
    configure_logging(trace_id, debug)
    try:
        args = build_parser().parse_args(argv)
        return _COMMANDS[args.command](args, trace_id)
    except VeroScoreError as exc:
        if debug:
            traceback.print_exc()
        print(inert_line(f"veroscore: error: {exc}"), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("veroscore: interrupted", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
