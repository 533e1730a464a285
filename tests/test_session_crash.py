"""Must-show 2: the agent killed at each step of PR creation; a restart ends with one
branch, one PR and every change recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
import responses

from tests.pulls_fake import FakePulls
from tests.session_helpers import ENV, Checkout, git, lines, score_without_semgrep
from veroscore.session.commands import Parts
from veroscore.session.debounce import Debouncer
from veroscore.session.sqlite_store import SqliteSessionStore

pytestmark = pytest.mark.slow

CRASH_POINTS = ("commit:before-key", "commit", "branch", "push:before-key", "push",
                "pr:before-key", "pr", "store:before-key", "store")


class Killed(BaseException):
    """Stands for the process dying: nothing in the agent catches it."""


def _crash_at(point: str) -> object:
    def fault(step: str) -> None:
        if step == point:
            raise Killed(step)
    return fault


def _run_once(checkout: Checkout, fault: object = None) -> Parts:
    parts = Parts(checkout.options(), lambda _m: None, ENV,
                  fault if fault is not None else (lambda _s: None),  # type: ignore[arg-type]
                  scorer=score_without_semgrep)
    agent = parts.agent(Debouncer(0))
    agent.resume()
    try:
        agent.deliver("test batch")
    finally:
        parts.close()
    return parts


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_restart_after_a_kill_gives_one_branch_one_pr_no_lost_change(
        tmp_path: Path, point: str) -> None:
    checkout = Checkout.create(tmp_path)
    fake = FakePulls(remote=checkout.remote)
    for name in ("a", "b", "c"):
        checkout.write(f"src/{name}.py", lines(20, name))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        with pytest.raises(Killed):
            _run_once(checkout, _crash_at(point))
        checkout.write("src/late.py", lines(5, "late"))  # edited while no agent ran
        parts = _run_once(checkout)

    branches = checkout.remote_branches()
    assert len(branches) == 2 and "main" in branches
    branch = next(b for b in branches if b != "main")
    assert len(fake.pulls) == 1 and fake.pulls[0]["head"]["ref"] == branch
    creates = [w for w in fake.writes() if w == ("POST", f"{fake.repo_path}/pulls")]
    assert len(creates) == 1
    tree = git(checkout.remote, "ls-tree", "-r", "--name-only", branch).split()
    assert {"src/a.py", "src/b.py", "src/c.py", "src/late.py"} <= set(tree)
    assert "late.py" in fake.pulls[0]["body"]
    store = SqliteSessionStore(Path(checkout.store.removeprefix("sqlite:///")))
    session_id = branch.removeprefix("auto-pr-")
    rows = store.queue(session_id, pending_only=False)
    assert {r.file_path for r in rows} == {"src/a.py", "src/b.py", "src/c.py", "src/late.py"}
    assert all(r.processed and r.commit_hash for r in rows)
    record = store.session(session_id)
    assert record is not None and record.status == "awaiting_review"
    assert [p["number"] for p in record.prs] == [1]
    store.close()
    assert parts.git.rev(f"refs/heads/{branch}") == git(checkout.remote, "rev-parse", branch)


def test_a_create_whose_response_was_lost_is_not_repeated(tmp_path: Path) -> None:
    checkout = Checkout.create(tmp_path)
    fake = FakePulls(remote=checkout.remote)
    for name in ("a", "b", "c"):
        checkout.write(f"src/{name}.py", lines(20, name))
    fake.lose_response.add(("POST", f"{fake.repo_path}/pulls"))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        parts = Parts(checkout.options(), lambda _m: None, ENV, scorer=score_without_semgrep)
        agent = parts.agent(Debouncer(0))
        agent.resume()
        assert agent.deliver("test batch") is None  # GitHub unreachable: postponed
        assert "cannot reach GitHub" in agent.state.last_error
        assert agent.state.next_attempt > 0
        outcome = agent.deliver("retry")
        parts.close()
    assert outcome is not None and outcome.delivered
    assert len(fake.pulls) == 1
    assert outcome.pr is not None and outcome.pr["number"] == 1
