"""The agent's store contract, on the embedded SQLite file and on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

from tests.pulls_fake import FakePulls
from tests.session_helpers import ENV, Checkout, lines, score_without_semgrep
from veroscore.session.commands import Parts
from veroscore.session.debounce import Debouncer
from veroscore.session.queue_store import SessionStore, open_session_store
from veroscore.session.records import QueuedChange, SessionRecord


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_db"))


@pytest.fixture
def store(store_url: str) -> Iterator[SessionStore]:
    opened = open_session_store(store_url)
    yield opened
    opened.close()


def test_store_contract(store: SessionStore) -> None:
    store.create_session(SessionRecord("s1", "active", "auto-pr-s1", "Dev",
                                       metadata={"base_commit": "c0"}))
    store.create_session(SessionRecord("s1", "active", "auto-pr-other"))  # no second row
    store.enqueue("s1", [QueuedChange("a.py", "added", 20, 0, blob="a" * 40),
                         QueuedChange("b.py", "renamed", 1, 1, "old.py", "b" * 40)])
    pending = store.queue("s1")
    assert [(q.file_path, q.old_path, q.blob) for q in pending] == [
        ("a.py", None, "a" * 40), ("b.py", "old.py", "b" * 40)]
    store.set_status("s1", "processing", {})
    store.save_delivery("s1", {"number": 7, "url": "u"}, {"delivered_commit": "c1"},
                        (2, 21, 1), [pending[0].id], "c1")  # type: ignore[list-item]
    store.save_delivery("s1", {"number": 7, "url": "u2"}, {}, (2, 21, 1),
                        [pending[0].id], "c1")  # type: ignore[list-item]
    store.set_status("s1", "awaiting_review", {})
    record = store.session("s1")
    assert record is not None and record.status == "awaiting_review"
    assert record.prs == ({"number": 7, "url": "u2"},) and record.pr_number == 7
    assert record.metadata == {"base_commit": "c0", "delivered_commit": "c1"}
    assert (record.total_files, record.total_lines_added) == (2, 21)
    assert [q.file_path for q in store.queue("s1")] == ["b.py"]
    done = [q for q in store.queue("s1", pending_only=False) if q.processed]
    assert [(q.file_path, q.commit_hash) for q in done] == [("a.py", "c1")]
    assert store.key_result("k1") is None
    store.save_key("k1", "session_push", {"pushed": "c1"})
    store.save_key("k1", "session_push", {"pushed": "c1"})
    assert store.key_result("k1") == {"pushed": "c1"}
    store.record_event("s1", "secret_blocked", {"path": "x.py"})
    assert ("secret_blocked", {"path": "x.py"}) in store.events("s1")
    assert store.session("nope") is None


def test_agent_delivers_with_this_store(store_url: str, tmp_path: Path) -> None:
    checkout = Checkout.create(tmp_path)
    checkout.store = store_url
    fake = FakePulls(remote=checkout.remote)
    for name in ("a", "b", "c"):
        checkout.write(f"src/{name}.py", lines(20, name))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        parts = Parts(checkout.options(), lambda _m: None, ENV, scorer=score_without_semgrep)
        agent = parts.agent(Debouncer(0))
        agent.resume()
        outcome = agent.deliver("test")
        record = parts.store.session(agent.p.session_id)
        rows = parts.store.queue(agent.p.session_id, pending_only=False)
        parts.close()
    assert outcome is not None and outcome.delivered and len(fake.pulls) == 1
    assert record is not None and record.status == "awaiting_review"
    assert sorted(r.file_path for r in rows) == ["src/a.py", "src/b.py", "src/c.py"]
    assert all(r.processed for r in rows)
