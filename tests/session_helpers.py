"""Checkouts with a local bare remote, and an agent run in a thread, for the session tests."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from veroscore.config import Config
from veroscore.detect.engine import RunningDetection
from veroscore.diff import ChangeSet
from veroscore.score.engine import evaluate, score_change
from veroscore.score.result import ScoreResult
from veroscore.session import commands
from veroscore.session.delivery import FaultHook, Scorer, _no_fault

GITHUB_URL = "https://github.com/acme/shop.git"
ENV = {"GITHUB_TOKEN": "ghs_test_token_not_real", "GITHUB_API_URL": "https://api.github.com"}
CONFIG = """\
session:
  min_files: 3
  min_lines: 50
  debounce_seconds: 0.3
  max_wait_seconds: 3600
  batch_size: 10
  reviewers: [reviewer-one]
  exclude: ["scratch/"]
"""


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@dataclass
class Checkout:
    """A developer's checkout whose `origin` looks like GitHub but pushes to a bare repo."""

    root: Path
    remote: Path
    config: Path
    store: str

    @classmethod
    def create(cls, tmp: Path, config_text: str = CONFIG) -> Checkout:
        remote, root = tmp / "remote.git", tmp / "work"
        git(tmp, "init", "-q", "--bare", "-b", "main", str(remote))
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        git(root, "config", "user.email", "dev@example.com")
        git(root, "config", "user.name", "Dev")
        git(root, "remote", "add", "origin", GITHUB_URL)
        git(root, "config", f"url.{remote}.pushInsteadOf", GITHUB_URL)
        (root / ".gitignore").write_text("build/\n*.log\n")
        (root / "README.md").write_text("# shop\n")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
        git(root, "push", "-q", "-u", "origin", "main")
        config = tmp / "veroscore.yml"
        config.write_text(config_text)
        return cls(root, remote, config, f"sqlite:///{tmp / 'store.db'}")

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def remote_branches(self) -> list[str]:
        out = git(self.remote, "for-each-ref", "--format=%(refname:short)", "refs/heads")
        return sorted(out.splitlines())

    def developer_state(self) -> dict[str, str]:
        """What the agent must never change: branch, HEAD, index, stash, status."""
        return {"branch": git(self.root, "symbolic-ref", "HEAD"),
                "head": git(self.root, "rev-parse", "HEAD"),
                "index": git(self.root, "ls-files", "--stage"),
                "stash": git(self.root, "stash", "list", "--format=%H %s"),
                "refs": git(self.root, "for-each-ref", "--format=%(refname)",
                            "refs/heads/main", "refs/heads/feature", "refs/stash")}

    def options(self) -> commands.StartOptions:
        return commands.StartOptions(repo=self.root, config=self.config, store=self.store)


@dataclass
class RunningAgent:
    thread: threading.Thread
    stop: threading.Event
    messages: list[str] = field(default_factory=list)
    result: list[int] = field(default_factory=list)
    error: list[BaseException] = field(default_factory=list)

    def finish(self, timeout: float = 30) -> int:
        self.stop.set()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the agent did not stop"
        if self.error:
            raise self.error[0]
        return self.result[0]


def start_agent(checkout: Checkout, fault: FaultHook = _no_fault,
                scorer: Scorer = evaluate) -> RunningAgent:
    stop = threading.Event()
    running = RunningAgent(threading.Thread(target=lambda: None), stop)

    def run() -> None:
        try:
            running.result.append(commands.start(checkout.options(), running.messages.append,
                                                 stop, env=ENV, fault=fault,
                                                 scorer=scorer))
        except BaseException as exc:
            running.error.append(exc)

    running.thread = threading.Thread(target=run, daemon=True)
    running.thread.start()
    wait_for(lambda: any(m.startswith("watching") for m in running.messages) or
             bool(running.error), "the agent to start")
    if running.error:
        raise running.error[0]
    return running


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def lines(count: int, prefix: str) -> str:
    return "".join(f"{prefix}_{i} = {i}\n" for i in range(count))


def score_without_semgrep(changes: ChangeSet, config: Config) -> ScoreResult:
    """The project's pipeline with the Python detectors only: the crash tests restart the
    agent dozens of times, and Semgrep (which test_session_e2e runs for real) would make
    each restart cost seconds without testing anything more about recovery."""
    with RunningDetection(changes, config, use_semgrep=False) as running:
        detection = running.finish()
    return score_change(changes, detection, config)
