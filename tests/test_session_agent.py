"""The agent's loop without a watcher: a debouncer driven by a test clock, real git, the
pulls API at the HTTP level, the store failing on purpose."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
import responses

from tests.pulls_fake import FakePulls
from tests.session_helpers import ENV, Checkout, lines, score_without_semgrep
from veroscore.errors import StoreError
from veroscore.session.agent import Agent
from veroscore.session.commands import Parts
from veroscore.session.debounce import Debouncer
from veroscore.session.gitcmd import GitError
from veroscore.session.noise import ChangeFilter
from veroscore.session.watcher import Watcher, WatchLimitError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _agent(checkout: Checkout, clock: Clock, messages: list[str]) -> tuple[Parts, Agent]:
    parts = Parts(checkout.options(), messages.append, ENV, scorer=score_without_semgrep)
    agent = parts.agent(Debouncer(parts.settings.debounce_seconds))
    agent.clock = clock
    agent.resume()
    return parts, agent


def test_a_burst_becomes_a_handful_of_queue_writes(tmp_path: Path) -> None:
    checkout = Checkout.create(tmp_path)
    clock, messages = Clock(), []
    parts, agent = _agent(checkout, clock, messages)
    writes: list[int] = []
    enqueue = parts.store.enqueue

    def counting(session_id: str, rows: Any) -> int:
        writes.append(len(rows))
        return enqueue(session_id, rows)

    parts.store.enqueue = counting  # type: ignore[method-assign]
    for i in range(300):
        checkout.write(f"burst/f{i:03d}.py", f"X = {i}\n")
        for _ in range(3):  # created, modified, closed: three events per file
            agent.debouncer.touch(f"burst/f{i:03d}.py", clock.now)
        checkout.write(f"burst/.f{i:03d}.py.swp", "swap")
        clock.now += 0.001
    assert agent.debouncer.events == 900
    clock.now += 0.1  # 0.1 s after the last event: the files of the first 0.1 s settled
    agent.tick()
    assert len(writes) == 1 and writes[0] >= parts.settings.batch_size  # one write, mid-burst
    clock.now += 2.0
    agent.tick()
    agent.tick()
    assert sum(writes) == 300 and len(writes) == 2
    queued = parts.store.queue(agent.p.session_id)
    assert len(queued) == 300 and all(".swp" not in q.file_path for q in queued)
    parts.close()


def test_store_down_keeps_changes_and_status_says_so(tmp_path: Path) -> None:
    checkout = Checkout.create(tmp_path)
    clock, messages = Clock(), []
    parts, agent = _agent(checkout, clock, messages)
    real = parts.store.enqueue
    failing = [True]

    def flaky(session_id: str, rows: Any) -> int:
        if failing[0]:
            raise StoreError("cannot write to the SQLite store: disk I/O error")
        return real(session_id, rows)

    parts.store.enqueue = flaky  # type: ignore[method-assign]
    checkout.write("src/a.py", lines(10, "a"))
    agent.debouncer.touch("src/a.py", clock.now)
    clock.now += 3
    agent.tick()
    status = agent.status()
    assert status["unsynced_changes"] == 1 and "disk I/O error" in status["last_error"]
    failing[0] = False
    agent.tick()
    assert agent.status()["unsynced_changes"] == 0
    assert [q.file_path for q in parts.store.queue(agent.p.session_id)] == ["src/a.py"]
    parts.close()


def test_github_down_backs_off_then_delivers(tmp_path: Path) -> None:
    checkout = Checkout.create(tmp_path)
    fake = FakePulls(remote=checkout.remote)
    fake.fail("GET", "/pulls", 503, 503)
    clock, messages = Clock(), []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        parts, agent = _agent(checkout, clock, messages)
        for name in ("a", "b", "c"):
            checkout.write(f"src/{name}.py", lines(20, name))
            agent.debouncer.touch(f"src/{name}.py", clock.now)
        clock.now += 3
        agent.tick()
        assert fake.pulls == [] and agent.state.failures == 1
        assert agent.status()["status"] == "active"
        assert "retry in 2 s" in messages[-1]
        agent.tick()  # too early: no attempt
        assert len([c for c in fake.calls if c[0] == "GET"]) == 1
        clock.now += 2
        agent.tick()  # second 503: waits 4 s now
        assert agent.state.failures == 2 and "retry in 4 s" in messages[-1]
        clock.now += 4
        outcome = agent.tick()
        assert outcome is not None and outcome.delivered and len(fake.pulls) == 1
        assert agent.status()["status"] == "awaiting_review"
        parts.close()


def test_a_merged_pr_completes_the_session_and_a_new_one_starts(tmp_path: Path) -> None:
    checkout = Checkout.create(tmp_path)
    fake = FakePulls(remote=checkout.remote)
    clock, messages = Clock(), []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        parts, agent = _agent(checkout, clock, messages)
        for name in ("a", "b", "c"):
            checkout.write(f"src/{name}.py", lines(20, name))
        agent.settle(["src"])
        first = agent.p.session_id
        assert agent.deliver("first") is not None
        fake.pulls[0].update(state="closed", merged_at="2026-12-03T09:00:00Z")
        checkout.write("src/d.py", lines(60, "d"))
        agent.settle(["src/d.py"])
        assert agent.deliver("second") is None
        assert agent.p.session_id != first
        assert parts.store.session(first).status == "completed"  # type: ignore[union-attr]
        outcome = agent.deliver("third")
        assert outcome is not None and outcome.delivered
        assert [p["head"]["ref"] for p in fake.pulls] == [f"auto-pr-{first}",
                                                         f"auto-pr-{agent.p.session_id}"]
        parts.close()


def test_inotify_exhaustion_is_one_clear_message(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    watcher = Watcher(tmp_path, Debouncer(1), ChangeFilter())

    def refuse() -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(watcher._observer, "start", refuse)
    with pytest.raises(WatchLimitError, match=r"fs\.inotify\.max_user_watches = \d+"):
        watcher.start()


def test_a_key_in_a_test_file_stays_local_too(tmp_path: Path) -> None:
    checkout = Checkout.create(tmp_path)
    fake = FakePulls(remote=checkout.remote)
    key = "ghp_" + "Zq8Lm2Nx4Rt6Vb1Kc3Hs5Jd7Fg9Pw0Ya2UeX"
    checkout.write("tests/test_client.py", f'TOKEN = "{key}"\n' + lines(20, "t"))
    checkout.write("src/a.py", lines(20, "a"))
    checkout.write("src/b.py", lines(20, "b"))
    clock, messages = Clock(), []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        parts, agent = _agent(checkout, clock, messages)
        outcome = agent.deliver("test")
        parts.close()
    assert outcome is not None and not outcome.delivered and outcome.secrets
    assert "tests/test_client.py:1" in outcome.message and key not in outcome.message
    assert checkout.remote_branches() == ["main"] and fake.calls == []


def test_a_file_git_refuses_does_not_hold_the_others_back(tmp_path: Path) -> None:
    checkout = Checkout.create(tmp_path)
    clock, messages = Clock(), []
    parts, agent = _agent(checkout, clock, messages)
    checkout.write("src/a.py", lines(5, "a"))
    checkout.write("src/locked.py", lines(5, "x"))
    stage = agent.d.index.stage

    def refusing(paths: Any) -> None:  # what git says of a file it cannot open
        if "src/locked.py" in paths:
            raise GitError("git add failed: error: open(\"src/locked.py\"): Permission denied")
        stage(paths)

    agent.d.index.stage = refusing  # type: ignore[method-assign]
    for path in ("src/a.py", "src/locked.py"):
        agent.debouncer.touch(path, clock.now)
    clock.now += 3
    agent.tick()
    assert [q.file_path for q in parts.store.queue(agent.p.session_id)] == ["src/a.py"]
    assert any(m.startswith("src/locked.py: skipped") for m in messages)
    parts.close()


def test_an_agent_index_git_cannot_read_is_rebuilt(tmp_path: Path) -> None:
    checkout = Checkout.create(tmp_path)
    fake = FakePulls(remote=checkout.remote)
    for name in ("a", "b", "c"):
        checkout.write(f"src/{name}.py", lines(20, name))
    clock, messages = Clock(), []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        parts, agent = _agent(checkout, clock, messages)
        agent.d.index.path.write_bytes(b"DIRC\x00\x00\x00\x02garbage")
        outcome = agent.deliver("test")
        parts.close()
    assert outcome is not None and outcome.delivered
    assert "src/c.py" in fake.pulls[0]["body"]
