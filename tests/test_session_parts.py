"""Thresholds, description, the pulls client, the SQLite tables, the lock and the config."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import responses

from tests.pulls_fake import FakePulls
from veroscore.config import parse_config
from veroscore.errors import ConfigError
from veroscore.session.describe import merge_body
from veroscore.session.lock import AgentLock, AlreadyRunning, holder_pid
from veroscore.session.pulls import (
    GitHubRefused,
    GitHubUnavailable,
    PullRequests,
    repository_from_remote,
)
from veroscore.session.records import QueuedChange, SessionRecord
from veroscore.session.settings import SessionSettings
from veroscore.session.snapshot import FileChange
from veroscore.session.sqlite_store import SqliteSessionStore
from veroscore.session.thresholds import progress


def _change(path: str, added: int) -> FileChange:
    return FileChange(path, "added", None, added, 0, "1" * 40)


def test_thresholds_say_which_fired() -> None:
    settings = SessionSettings()
    assert progress([], 10_000, settings).fired == ()
    two = [_change("a", 10), _change("b", 10)]
    assert progress(two, 0, settings).fired == ()
    assert progress([*two, _change("c", 10)], 0, settings).fired == ("min_files",)
    assert progress([_change("a", 50)], 0, settings).fired == ("min_lines",)
    assert progress(two, 300, settings).fired == ("max_wait_seconds",)
    assert progress(two, 299.9, settings).describe(settings) == \
        "2/3 files, 20/50 lines, quiet 300/300 s"


def test_update_keeps_what_the_author_wrote() -> None:
    first = ("<!-- veroscore:session:start -->\nSession: s1\nold preview\n"
             "<!-- veroscore:session:end -->\n\n## Enforcement Pipeline Compliance\n"
             "<!-- veroscore:verified:start -->\nFiles changed: 3\n"
             "<!-- veroscore:verified:end -->\n**Step 1: Search & Discovery** — Pending\n")
    edited = first.replace("**Step 1: Search & Discovery** — Pending",
                           "**Step 1: Search & Discovery** — Completed\n→ Searched: src/")
    rendered = first.replace("old preview", "new preview").replace("Files changed: 3",
                                                                   "Files changed: 5")
    merged = merge_body(edited, rendered)
    assert "new preview" in merged and "Files changed: 5" in merged
    assert "— Completed\n→ Searched: src/" in merged and "old preview" not in merged
    assert merge_body("author wrote everything", rendered).startswith(
        "<!-- veroscore:session:start -->\nSession: s1")


@pytest.mark.parametrize(("url", "repo"), [
    ("https://github.com/acme/shop.git", "acme/shop"),
    ("https://github.com/acme/shop", "acme/shop"),
    ("git@github.com:acme/shop.git", "acme/shop"),
    ("ssh://git@github.example.com:2222/acme/shop.git", "acme/shop"),
    ("https://ghes.example.com/acme/shop.git/", "acme/shop"),
    ("not a url", None),
])
def test_repository_from_remote(url: str, repo: str | None) -> None:
    assert repository_from_remote(url) == repo


def test_pulls_client_against_enterprise_paths() -> None:
    fake = FakePulls(api="https://ghes.example.com/api/v3")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        client = PullRequests("t0ken", "acme/shop", fake.api)
        assert client.find_by_head("acme", "auto-pr-1") is None
        created = client.create("title", "auto-pr-1", "main", "body", draft=True)
        assert created.number == 1 and created.url.endswith("/pull/1")
        with pytest.raises(GitHubRefused, match="already exists"):
            client.create("title", "auto-pr-1", "main", "body", draft=True)
        found = client.find_by_head("acme", "auto-pr-1")
        assert found is not None and found.number == 1 and found.state == "open"
        assert client.update_body(1, "new body").body == "new body"
        fake.fail("PATCH", "/pulls/1", 502)
        with pytest.raises(GitHubUnavailable):
            client.update_body(1, "again")
        assert mock.calls[0].request.headers["Authorization"] == "Bearer t0ken"
        assert mock.calls[0].request.headers["X-GitHub-Api-Version"] == "2022-11-28"
    with responses.RequestsMock() as mock:
        mock.add("GET", "https://api.github.com/repos/acme/shop/pulls", status=403,
                 json={"message": "API rate limit exceeded for installation ID 1."})
        with pytest.raises(GitHubUnavailable, match="rate limit"):
            PullRequests("t", "acme/shop").find_by_head("acme", "x")


def test_old_sqlite_file_is_widened_in_place_and_only_once(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript((Path(__file__).parent.parent / "src/veroscore/store/sql/"
                      "sqlite_schema.sql").read_text())
    db.execute("INSERT INTO sessions (session_id, status) VALUES ('s-old', 'active')")
    db.commit()
    db.close()
    store = SqliteSessionStore(path)
    store.create_session(SessionRecord("s1", "active", "auto-pr-s1"))
    for state in ("processing", "awaiting_review", "timed_out", "completed"):
        store.set_status("s1", state, {})
    record = store.session("s1")
    assert record is not None and record.status == "completed"
    assert store.session("s-old") is not None
    store.enqueue("s1", [QueuedChange("a.py", "renamed", 1, 2, "old.py", "b" * 40)])
    store.save_key("k", "session_push", {"pushed": "abc"})
    store.close()
    again = SqliteSessionStore(path)  # a second open changes nothing
    row = again.queue("s1")[0]
    assert (row.id, row.old_path, row.blob) == (1, "old.py", "b" * 40)
    assert again.key_result("k") == {"pushed": "abc"}
    actions = [a for a, _ in again.events("s1")]
    assert actions[0] == "session_started" and actions.count("status_changed") == 4
    again.close()
    with pytest.raises(sqlite3.IntegrityError):
        raw = sqlite3.connect(path)
        raw.execute("UPDATE sessions SET status = 'idle' WHERE session_id = 's1'")


def test_a_second_agent_on_the_checkout_is_refused(tmp_path: Path) -> None:
    lock_path = tmp_path / "agent.lock"
    with AgentLock(lock_path):
        assert holder_pid(lock_path) is not None
        with pytest.raises(AlreadyRunning, match="already running on this checkout"):
            AgentLock(lock_path).__enter__()
    assert holder_pid(lock_path) is None
    lock_path.write_text("999999999\n")  # left by a killed agent
    with AgentLock(lock_path):
        assert lock_path.read_text().strip().isdigit()


def test_session_section_of_the_config() -> None:
    config = parse_config("session:\n  min_files: 5\n  draft: false\n  reviewers: [ana]\n",
                          "cfg.yml")
    assert config.session.min_files == 5 and config.session.draft is False
    assert config.session.reviewers == ("ana",) and config.session.min_lines == 50
    with pytest.raises(ConfigError, match=r"session\.min_file"):
        parse_config("session:\n  min_file: 5\n", "cfg.yml")
    with pytest.raises(ConfigError, match=r"session\.batch_size"):
        parse_config("session:\n  batch_size: 0\n", "cfg.yml")
    assert json.loads(SessionSettings().model_dump_json())["branch_prefix"] == "auto-pr-"


def test_base_branch_from_the_remote_itself(tmp_path: Path) -> None:
    from tests.session_helpers import git
    from veroscore.session.context import resolve_target
    from veroscore.session.gitcmd import Git
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", "-b", "trunk", str(remote))
    git(tmp_path, "init", "-q", "-b", "trunk", str(work))
    git(work, "-c", "user.name=d", "-c", "user.email=d@e", "commit", "-q", "--allow-empty",
        "-m", "first")
    git(work, "push", "-q", str(remote), "trunk")
    git(work, "remote", "add", "origin", str(remote))  # never fetched: no origin/* refs
    target = resolve_target(Git.open(work), SessionSettings(), None, None, "acme/shop", {})
    assert (target.pr_base, target.github_repo, target.token) == ("trunk", "acme/shop", "")


def test_a_pulls_list_the_api_does_not_serve_is_no_pr() -> None:
    with responses.RequestsMock() as mock:
        mock.add("GET", "https://api.github.com/repos/acme/shop/pulls", status=404,
                 json={"message": "Not Found"})
        mock.add("PATCH", "https://api.github.com/repos/acme/shop/pulls/3", status=404,
                 json={"message": "Not Found"})
        client = PullRequests("t", "acme/shop")
        assert client.find_by_head("acme", "auto-pr-1") is None
        with pytest.raises(GitHubRefused, match=r"\(404\): Not Found"):
            client.update_body(3, "x")
