"""`veroscore session …` as a user runs it: a real process, signals, a stand-in GitHub API
over HTTP at GITHUB_API_URL, a local bare remote."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.pulls_fake import FakePulls, serve_http
from tests.session_helpers import CONFIG, Checkout, lines, wait_for
from veroscore.session.sqlite_store import SqliteSessionStore

pytestmark = pytest.mark.slow


class Cli:
    def __init__(self, checkout: Checkout, api: str, tmp: Path) -> None:
        self.checkout = checkout
        self.env = {**os.environ, "GITHUB_API_URL": api, "GITHUB_TOKEN": "ghs_not_a_token",
                    "XDG_DATA_HOME": str(tmp / "xdg"), "HOME": str(tmp / "home")}
        self.common = ["--repo", str(checkout.root)]

    def args(self, command: str) -> list[str]:
        extra = ["--config", str(self.checkout.config)] if command in ("start", "flush") else []
        store = ["--store", self.checkout.store] if command != "stop" else []
        return [sys.executable, "-m", "veroscore.cli", "session", command, *self.common,
                *extra, *store]

    def run(self, command: str, *more: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.args(command), *more], env=self.env, capture_output=True,
                              text=True, timeout=120, check=False)

    def start(self) -> subprocess.Popen[str]:
        agent = subprocess.Popen(self.args("start"), env=self.env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        assert agent.stdout is not None
        for line in agent.stdout:
            if line.startswith("watching"):
                return agent
        raise AssertionError(f"the agent did not start: {agent.stderr.read()}")  # type: ignore


@pytest.fixture(params=[0.3])
def world(request: pytest.FixtureRequest, tmp_path: Path
          ) -> Iterator[tuple[Checkout, FakePulls, Cli]]:
    checkout = Checkout.create(tmp_path, CONFIG.replace(
        "debounce_seconds: 0.3", f"debounce_seconds: {request.param}"))
    fake = FakePulls(remote=checkout.remote)
    with serve_http(fake) as api:
        yield checkout, fake, Cli(checkout, api, tmp_path)


def _reap(agent: subprocess.Popen[str]) -> None:
    if agent.poll() is None:
        agent.kill()
    agent.communicate(timeout=30)  # reads what is left and closes the pipes


def _status(cli: Cli) -> dict:  # type: ignore[type-arg]
    done = cli.run("status", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


# a long debounce, so the test sees an event waiting before it stops the agent
@pytest.mark.parametrize("world", [4.0], indirect=True)
def test_start_flush_status_signal_and_refusal(world: tuple[Checkout, FakePulls, Cli]) -> None:
    checkout, fake, cli = world
    agent = cli.start()
    try:
        second = cli.run("start")
        assert second.returncode == 2
        assert "already running on this checkout" in second.stderr
        assert "Traceback" not in second.stderr
        checkout.write("src/a.py", lines(5, "a"))  # below every threshold
        wait_for(lambda: _status(cli).get("pending_files") == 1, "the change to be measured")
        assert fake.pulls == []
        flushed = cli.run("flush")
        assert flushed.returncode == 0 and "PR #1 opened" in flushed.stdout, flushed
        status = _status(cli)
        assert status["running"] and status["status"] == "awaiting_review"
        assert status["pr"]["number"] == 1
        checkout.write("src/b.py", lines(5, "b"))
        status_file = checkout.root / ".git/veroscore/status.json"
        wait_for(lambda: json.loads(status_file.read_text()).get("waiting_events", 0) >= 1,
                 "the event to be seen")
        agent.send_signal(signal.SIGTERM)  # seen, not settled: a clean stop must queue it
        assert agent.wait(30) == 0
    finally:
        _reap(agent)
    after = _status(cli)
    assert not after["running"] and after["queued_files"] == 1
    store = SqliteSessionStore(Path(checkout.store.removeprefix("sqlite:///")))
    pending = store.queue(after["session_id"])
    store.close()
    assert [row.file_path for row in pending] == ["src/b.py"]
    assert len(fake.pulls) == 1


def test_killed_while_github_creates_the_pr(world: tuple[Checkout, FakePulls, Cli]) -> None:
    checkout, fake, cli = world
    fake.hold = ("POST", "/repos/acme/shop/pulls")
    agent = cli.start()
    for name in ("a", "b", "c"):
        checkout.write(f"src/{name}.py", lines(20, name))
    assert fake.held.wait(120), "the agent never asked for the PR"
    agent.kill()  # SIGKILL: GitHub made the PR, the agent never heard back
    _reap(agent)
    fake.hold = None
    fake.release.set()
    assert len(fake.pulls) == 1
    checkout.write("src/d.py", lines(20, "d"))
    agent = cli.start()
    try:
        wait_for(lambda: ("PATCH", "/repos/acme/shop/pulls/1") in fake.writes(),
                 "the restarted agent to update the PR")
        stopped = cli.run("stop")
        assert stopped.returncode == 0 and "stopped" in stopped.stdout
        assert agent.wait(30) == 0
    finally:
        _reap(agent)
    assert len(fake.pulls) == 1
    assert sum(1 for w in fake.writes() if w == ("POST", "/repos/acme/shop/pulls")) == 1
    assert "src/d.py" in fake.pulls[0]["body"]
    assert len(checkout.remote_branches()) == 2
    status = _status(cli)
    assert status["status"] == "completed" and status["queued_changes"] == 0


def test_status_without_a_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    checkout = Checkout.create(tmp_path)
    done = run_cli(capsys, "session", "status", "--repo", str(checkout.root))
    assert done.code == 0 and "no session on this checkout" in done.out
    outside = run_cli(capsys, "session", "status", "--repo", str(tmp_path))
    assert outside.code == 2 and "not a git checkout" in outside.err
    legacy = run_cli(capsys, "sessions", "timeout", "--store", "sqlite:///x.db")
    assert legacy.code == 2 and "Traceback" not in legacy.err
