"""The agent's part of the `veroscore session` command group (flags and dispatch), kept
here so `cli.py` only delegates."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any


def add_agent_commands(group: argparse._SubParsersAction[Any]) -> None:
    start = group.add_parser("start", help="run the Auto-PR agent on a checkout (foreground)")
    _repo(start)
    start.add_argument("--config", type=Path, help="config file (default "
                       "<repo>/.github/veroscore.yml)")
    start.add_argument("--store", help="sqlite:///PATH or postgresql://… (default: the "
                       "embedded store)")
    start.add_argument("--remote", help="git remote to push to (default: session.remote, "
                       "origin)")
    start.add_argument("--base", help="PR base branch (default: session.base_branch, else "
                       "the remote's default branch)")
    start.add_argument("--github-repo", help="OWNER/NAME (default: from the remote's URL)")
    status = group.add_parser("status", help="the session, its queue, thresholds and PR")
    _repo(status)
    status.add_argument("--store", help="sqlite:///PATH (default: the embedded store)")
    status.add_argument("--format", choices=("text", "json"), default="text")
    flush = group.add_parser("flush", help="open or update the PR now, thresholds or not")
    _repo(flush)
    flush.add_argument("--config", type=Path)
    flush.add_argument("--store")
    flush.add_argument("--remote")
    flush.add_argument("--base")
    flush.add_argument("--github-repo")
    stop = group.add_parser("stop", help="stop the running agent and end its session")
    _repo(stop)


def _repo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", type=Path, default=Path("."), help="checkout (default .)")


def _say(message: str) -> None:
    print(message, flush=True)


def run_agent_command(args: argparse.Namespace) -> int:
    from veroscore.session import commands

    options = commands.StartOptions(
        repo=args.repo, config=getattr(args, "config", None), store=getattr(args, "store", None),
        remote=getattr(args, "remote", None), base=getattr(args, "base", None),
        github_repo=getattr(args, "github_repo", None))
    if args.sessions_command == "start":
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_: stop.set())
        return commands.start(options, _say, stop)
    if args.sessions_command == "status":
        return commands.status(options, args.store, args.format, _say)
    if args.sessions_command == "flush":
        return commands.flush(options, _say)
    return commands.stop(options, lambda m: print(m, file=sys.stdout, flush=True))
