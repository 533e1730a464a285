"""`veroscore session start|status|flush|stop`: build the parts, run, report.

`start` runs in the foreground until SIGINT/SIGTERM or `session stop`; `flush` and `stop`
talk to a running agent through `.git/veroscore/`, or do the work themselves when none
runs (holding the same lock, so they never race an agent).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veroscore.config import Config, load_config
from veroscore.errors import InputError
from veroscore.score.engine import evaluate
from veroscore.session import control
from veroscore.session.agent import Agent, run_loop
from veroscore.session.context import (
    SessionPointer,
    Target,
    control_dir,
    new_session_id,
    read_pointer,
    resolve_target,
    write_pointer,
)
from veroscore.session.debounce import Debouncer
from veroscore.session.delivery import Delivery, FaultHook, Scorer, SessionClosed, _no_fault
from veroscore.session.gitcmd import Git
from veroscore.session.lock import AgentLock, holder_pid
from veroscore.session.noise import ChangeFilter
from veroscore.session.pulls import PullRequests
from veroscore.session.queue_store import open_session_store
from veroscore.session.records import ACTIVE, COMPLETED, OPEN_STATES, SessionRecord
from veroscore.session.settings import SessionSettings
from veroscore.session.snapshot import AgentIndex
from veroscore.session.watcher import Watcher

Say = Callable[[str], None]


@dataclass(frozen=True)
class StartOptions:
    repo: Path = Path(".")
    config: Path | None = None
    store: str | None = None
    remote: str | None = None
    base: str | None = None
    github_repo: str | None = None


def _config(git: Git, path: Path | None) -> Config:
    if path is None and (git.root / ".github/veroscore.yml").is_file():
        path = git.root / ".github/veroscore.yml"
    return load_config(path) if path is not None else Config()


def session_settings(config: Config) -> SessionSettings:
    settings = getattr(config, "session", None)
    return settings if isinstance(settings, SessionSettings) else SessionSettings()


class Parts:
    """Everything one run of the agent uses, built once."""

    def __init__(self, options: StartOptions, say: Say, env: Mapping[str, str],
                 fault: FaultHook = _no_fault, scorer: Scorer = evaluate) -> None:
        self.git = Git.open(options.repo)
        self.config = _config(self.git, options.config)
        self.settings = session_settings(self.config)
        self.target: Target = resolve_target(self.git, self.settings, options.remote,
                                             options.base, options.github_repo, env)
        self.folder = control_dir(self.git)
        self.noise = ChangeFilter(self.settings.exclude)
        self.say, self.fault, self.scorer = say, fault, scorer
        self.store = open_session_store(options.store)
        self.pulls = PullRequests(self.target.token, self.target.github_repo,
                                  self.target.api_url)
        if not self.target.token:
            say("warning: neither GITHUB_TOKEN nor GH_TOKEN is set: GitHub requests go "
                "unauthenticated, and GitHub refuses to open pull requests without a token")

    def current_session(self) -> SessionPointer:
        pointer = read_pointer(self.git)
        if pointer is not None:
            record = self.store.session(pointer.session_id)
            if record is not None and record.status in OPEN_STATES:
                return pointer
        return self.new_session()

    def new_session(self) -> SessionPointer:
        head = self.git.rev("HEAD")
        if head is None:
            raise InputError("the checkout has no commit yet: commit once, then start")
        session_id = new_session_id()
        pointer = SessionPointer(session_id, head, self.settings.branch_prefix + session_id)
        self.store.create_session(SessionRecord(
            session_id, ACTIVE, pointer.branch, author=self.git.config("user.name") or "",
            metadata={"base_commit": head, "github_repo": self.target.github_repo,
                      "pr_base": self.target.pr_base}))
        write_pointer(self.git, pointer)
        self.say(f"session {session_id} started on branch {pointer.branch}")
        return pointer

    def delivery(self, pointer: SessionPointer) -> Delivery:
        index = AgentIndex(self.git, self.folder / f"index-{pointer.session_id}", self.noise)
        index.ensure(self.git.tree_of(pointer.base_commit))
        return Delivery(pointer, self.target, self.settings, self.config, index, self.store,
                        self.pulls, self.fault, self.scorer)

    def agent(self, debouncer: Debouncer) -> Agent:
        def next_session(closed: SessionClosed) -> Delivery:
            return self.delivery(self.new_session())

        pointer = self.current_session()
        return Agent(pointer, self.target, self.delivery(pointer), self.noise, debouncer,
                     self.say, on_closed=next_session)

    def close(self) -> None:
        self.pulls.close()
        self.store.close()


def start(options: StartOptions, say: Say, stop: threading.Event,
          env: Mapping[str, str] = os.environ, fault: FaultHook = _no_fault,
          scorer: Scorer = evaluate) -> int:
    """Run the agent until `stop` is set or `session stop` asks; 0 on a clean stop."""
    parts = Parts(options, say, env, fault, scorer)
    try:
        with AgentLock(parts.folder / "agent.lock"):
            debouncer = Debouncer(parts.settings.debounce_seconds)
            agent = parts.agent(debouncer)
            agent.resume()
            watcher = Watcher(parts.git.root, debouncer, parts.noise)
            watcher.start()
            say(f"watching {parts.git.root} for session {agent.p.session_id} "
                f"(branch {agent.p.branch}, PRs into {parts.target.github_repo}:"
                f"{parts.target.pr_base})")
            requests = control.Requests(parts.folder)
            try:
                why = run_loop(agent, stop, requests)
            finally:
                watcher.stop()
                agent.flush_events()
                requests.publish(agent.status)
            if why == "stop":
                say(_end_session(agent))
            say(f"stopped; {agent.status()['pending_files']} changed file(s) wait for the "
                "next batch" if agent.state.pending else "stopped")
    finally:
        parts.close()
    return 0


def _end_session(agent: Agent) -> str:
    pending = agent.d.pending()
    record = agent.d.record()
    if not pending and record.prs:
        agent.d.store.set_status(agent.p.session_id, COMPLETED, {"reason": "session stop"})
        return f"session {agent.p.session_id} completed (PR #{record.pr_number})"
    return (f"session {agent.p.session_id} stays {record.status}: {len(pending)} changed "
            "file(s) not delivered yet (run `veroscore session flush` first)")


def flush(options: StartOptions, say: Say, env: Mapping[str, str] = os.environ) -> int:
    git = Git.open(options.repo)
    folder = control_dir(git)
    if holder_pid(folder / "agent.lock"):
        control.request(folder, "flush")
        answer = control.wait_answer(folder, "flush", timeout=300)
        say(answer or "the agent did not answer within 300 s; see `veroscore session status`")
        return 0 if answer else 2
    parts = Parts(options, say, env, _no_fault)
    try:
        with AgentLock(parts.folder / "agent.lock"):
            agent = parts.agent(Debouncer(0))
            agent.resume()
            outcome = agent.deliver("flush requested")
            if outcome is None:
                say(f"not delivered: {agent.state.last_error}")
                return 2
    finally:
        parts.close()
    return 0


def stop(options: StartOptions, say: Say, wait_seconds: float = 60) -> int:
    git = Git.open(options.repo)
    folder = control_dir(git)
    pid = holder_pid(folder / "agent.lock")
    if not pid:
        say("no session agent is running on this checkout")
        return 0
    control.request(folder, "stop")
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if not holder_pid(folder / "agent.lock"):
            say(f"the session agent (pid {pid}) stopped")
            return 0
        time.sleep(0.1)
    say(f"the session agent (pid {pid}) did not stop within {wait_seconds:.0f} s")
    return 2


def status(options: StartOptions, store_url: str | None, fmt: str, say: Say) -> int:
    git = Git.open(options.repo)
    folder = control_dir(git)
    pid = holder_pid(folder / "agent.lock")
    report: dict[str, Any] = {"running": bool(pid), "pid": pid}
    live = control.read_status(folder) if pid else None
    if live:
        report.update(live)
    else:
        report.update(_stored_status(git, store_url))
    if fmt == "json":
        say(json.dumps(report, indent=2, default=str))
    else:
        say(_status_text(report))
    return 0


def _stored_status(git: Git, store_url: str | None) -> dict[str, Any]:
    pointer = read_pointer(git)
    if pointer is None:
        return {"session_id": None}
    store = open_session_store(store_url)
    try:
        record = store.session(pointer.session_id)
        queued = store.queue(pointer.session_id)
    finally:
        store.close()
    return {"session_id": pointer.session_id, "branch": pointer.branch,
            "status": record.status if record else "unknown",
            "pr": record.prs[-1] if record and record.prs else None,
            "queued_changes": len(queued),
            "queued_files": len({q.file_path for q in queued})}


def _status_text(r: dict[str, Any]) -> str:
    if not r.get("session_id"):
        return "no session on this checkout (start one with `veroscore session start`)"
    pr = r.get("pr")
    lines = [f"agent: {'running (pid ' + str(r['pid']) + ')' if r['running'] else 'not running'}",
             f"session: {r['session_id']} ({r.get('status')}) on branch {r.get('branch')}",
             f"pull request: {'#' + str(pr['number']) + ' ' + pr['url'] if pr else 'none yet'}"]
    if "thresholds" in r:
        lines.append(f"pending: {r['pending_files']} file(s), {r['pending_lines']} line(s); "
                     f"thresholds: {r['thresholds']}")
        if r.get("waiting_events") or r.get("unsynced_changes"):
            lines.append(f"waiting: {r['waiting_events']} event(s) settling, "
                         f"{r['unsynced_changes']} change(s) not yet in the store")
    else:
        lines.append(f"queued: {r.get('queued_changes', 0)} change(s) to "
                     f"{r.get('queued_files', 0)} file(s) not yet delivered")
    if r.get("blocked_by_secret"):
        lines.append("blocked: the batch holds a secret; fix it and the agent retries")
    if r.get("last_error"):
        lines.append(f"last error: {r['last_error']} (retry in {r.get('retry_in_seconds')} s)")
    if r.get("last_outcome"):
        lines.append(f"last delivery: {r['last_outcome']}")
    return "\n".join(lines)
