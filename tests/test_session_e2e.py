"""Must-show 1: a real watchdog observer on a temporary checkout, real git with a local
bare remote, GitHub's pulls API at the HTTP level."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import responses

from tests.pulls_fake import FakePulls
from tests.session_helpers import (
    Checkout,
    git,
    lines,
    score_without_semgrep,
    start_agent,
    wait_for,
)
from veroscore.pipeline import parse_pipeline
from veroscore.session.context import read_pointer
from veroscore.session.gitcmd import Git
from veroscore.session.sqlite_store import SqliteSessionStore

pytestmark = pytest.mark.slow


def _developer_busy(checkout: Checkout) -> None:
    """A feature branch with a stash entry and a staged, uncommitted change."""
    git(checkout.root, "switch", "-q", "-c", "feature")
    checkout.write("README.md", "# shop\nstashed line\n")
    git(checkout.root, "stash", "push", "-q", "-m", "wip")
    checkout.write("README.md", "# shop\nstaged line\n")
    git(checkout.root, "add", "README.md")


def _store(checkout: Checkout) -> SqliteSessionStore:
    return SqliteSessionStore(Path(checkout.store.removeprefix("sqlite:///")))


def test_three_files_open_one_pr_and_later_edits_update_it(tmp_path: Path) -> None:
    checkout = Checkout.create(tmp_path)
    _developer_busy(checkout)
    before = checkout.developer_state()
    fake = FakePulls(remote=checkout.remote)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        agent = start_agent(checkout)
        # noise first: ignored, editor temporaries, configured exclude, an atomic save
        checkout.write("build/bundle.js", "x = 1\n" * 80)
        checkout.write("server.log", "started\n" * 80)
        checkout.write("src/.a.py.swp", "swap" * 100)
        checkout.write("4913", "")
        checkout.write("scratch/notes.txt", "idea\n" * 80)
        checkout.write("src/b.py.tmp.1234", lines(20, "b"))
        os.replace(checkout.root / "src/b.py.tmp.1234", checkout.root / "src/b.py")
        checkout.write("src/a.py", lines(20, "a"))
        checkout.write("tests/test_a.py", "def test_a():\n" + "    assert 1\n" * 19)
        wait_for(lambda: len(fake.pulls) == 1, "the PR to open")
        session_id = read_pointer(Git.open(checkout.root)).session_id  # type: ignore[union-attr]
        branch = f"auto-pr-{session_id}"
        wait_for(lambda: branch in checkout.remote_branches(), "the branch push")

        pull = fake.pulls[0]
        assert checkout.remote_branches() == sorted(["main", branch])
        assert pull["head"]["ref"] == branch and pull["base"]["ref"] == "main"
        assert pull["draft"] is True
        assert pull["requested_reviewers"][0]["login"] == "reviewer-one"
        body = pull["body"]
        assert f"Session: {session_id}" in body.splitlines()
        assert "### Local score preview" in body
        # the three new files, plus the developer's own uncommitted README edit (the
        # snapshot is of the work tree)
        assert "→ Files changed: 4 (+61 −0 lines)" in body
        assert "→ Tests added or updated: 1" in body
        assert not re.search(r"(—|:)\s*\**(Pass|Completed|Done)", body)  # nothing pre-marked
        assert "→ RLS/tenant isolation: Pending (author to confirm)" in body
        assert not parse_pipeline(body, 5.0).complete
        first_commit = git(checkout.remote, "rev-parse", branch)
        tree = git(checkout.remote, "ls-tree", "-r", "--name-only", first_commit).split()
        assert sorted(tree) == [".gitignore", "README.md", "src/a.py", "src/b.py",
                                "tests/test_a.py"]

        # more edits: the same PR, updated in place; the branch moves forward
        checkout.write("src/c.py", lines(30, "c"))
        checkout.write("src/d.py", lines(30, "d"))
        checkout.write("src/a.py", lines(25, "a"))
        wait_for(lambda: ("PATCH", f"{fake.repo_path}/pulls/1") in fake.writes(),
                 "the PR update")
        assert agent.finish() == 0

    assert len(fake.pulls) == 1
    assert [w for w in fake.writes() if w == ("POST", f"{fake.repo_path}/pulls")] == [
        ("POST", f"{fake.repo_path}/pulls")]
    second = git(checkout.remote, "rev-parse", branch)
    assert git(checkout.remote, "rev-parse", f"{second}^") == first_commit
    assert "src/c.py" in fake.pulls[0]["body"] and "Files changed: 6" in fake.pulls[0]["body"]
    assert checkout.developer_state() == before
    assert git(checkout.root, "diff", "--cached", "--name-only") == "README.md"

    store = _store(checkout)
    queued = {row.file_path for row in store.queue(session_id, pending_only=False)}
    assert queued == {"README.md", "src/a.py", "src/b.py", "tests/test_a.py", "src/c.py",
                      "src/d.py"}
    record = store.session(session_id)
    assert record is not None and record.status == "awaiting_review"
    assert record.prs[-1]["number"] == 1
    store.close()


def test_a_secret_is_never_pushed_until_fixed(tmp_path: Path) -> None:
    checkout = Checkout.create(tmp_path)
    fake = FakePulls(remote=checkout.remote)
    key = "AKIA" + "Q7RZ3MXPLK2VWB9T"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        # the gate reads the detectors' secret findings; Semgrep (run for real by the test
        # above) adds nothing to it and would cost seconds per attempt
        agent = start_agent(checkout, scorer=score_without_semgrep)
        checkout.write("src/settings.py", f'AWS_ACCESS_KEY_ID = "{key}"\n' + lines(30, "s"))
        checkout.write("src/a.py", lines(20, "a"))
        checkout.write("src/b.py", lines(20, "b"))
        wait_for(lambda: any(m.startswith("not pushed") for m in agent.messages),
                 "the secret refusal")
        assert checkout.remote_branches() == ["main"]
        assert fake.writes() == []
        refusal = next(m for m in agent.messages if m.startswith("not pushed"))
        assert "src/settings.py:1" in refusal and key not in refusal
        checkout.write("src/settings.py", 'AWS_ACCESS_KEY_ID = os.environ["AWS_KEY"]\n'
                       + lines(30, "s"))
        wait_for(lambda: len(fake.pulls) == 1, "the PR once the secret is gone")
        assert agent.finish() == 0
    session_id = read_pointer(Git.open(checkout.root)).session_id  # type: ignore[union-attr]
    branch = f"auto-pr-{session_id}"
    pushed = git(checkout.remote, "log", "-p", branch)
    assert key not in pushed
    store = _store(checkout)
    events = [action for action, _ in store.events(session_id)]
    assert "secret_blocked" in events
    blocked = next(d for a, d in store.events(session_id) if a == "secret_blocked")
    assert key not in str(blocked) and blocked["findings"][0]["path"] == "src/settings.py"
    store.close()
