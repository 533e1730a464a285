"""`veroscore action` end to end against an HTTP-level fake of the GitHub REST API."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

from tests.github_fake import FakeGitHub, file_entry
from tests.helpers import GitRepo, make_jwt, run_cli
from veroscore.pipeline import REQUIRED_CHECKS
from veroscore.report.render import render_template

H1, H2, MERGE = "1" * 40, "2" * 40, "f" * 40
REPO = "/repos/acme/shop"


def hunk(lines: list[str]) -> str:
    return f"@@ -0,0 +1,{len(lines)} @@\n" + "\n".join(f"+{line}" for line in lines)


def leaking_component() -> list[str]:
    return ["import { createClient } from '@supabase/supabase-js';", "",
            f'const SUPABASE_KEY = "{make_jwt("service_role")}";',
            "export const supabase = createClient(URL, SUPABASE_KEY);"]


FIXED_COMPONENT = ["import { createClient } from '@supabase/supabase-js';", "",
                   "const SUPABASE_KEY = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY ?? '';",
                   "export const supabase = createClient(URL, SUPABASE_KEY);"]
COMPONENT_TEST = ["import { supabase } from '../../web/src/components/AdminPanel';", "",
                  "test('creates a client', () => {", "  expect(supabase).toBeDefined();", "});"]


def complete_body() -> str:
    return "Admin panel.\n\n" + render_template("pipeline_section.md.j2", status="Completed",
                                                checks=REQUIRED_CHECKS, check_status="Pass")


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    github = FakeGitHub(head_sha=H1)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        github.install(mock)
        yield github


@pytest.fixture
def actions_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeGitHub
                ) -> dict[str, Path]:
    paths = {name: tmp_path / name for name in ("event.json", "output", "summary", "temp")}
    paths["workspace"] = tmp_path / "workspace"
    paths["workspace"].mkdir()
    paths["temp"].mkdir()
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(paths["event.json"]),
           "GITHUB_REPOSITORY": fake.full_name, "GITHUB_API_URL": fake.api,
           "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "4242",
           "GITHUB_WORKSPACE": str(paths["workspace"]), "GITHUB_SHA": MERGE,
           "GITHUB_TOKEN": "test-token", "GITHUB_OUTPUT": str(paths["output"]),
           "GITHUB_STEP_SUMMARY": str(paths["summary"]), "RUNNER_TEMP": str(paths["temp"]),
           "VEROSCORE_HTTP_BACKOFF": "0.01", "VEROSCORE_HTTP_THROTTLE": "false", "CI": "true"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return paths


def push(fake: FakeGitHub, paths: dict[str, Path], head: str, files: list[dict[str, object]],
         body: str = "", action: str = "synchronize") -> None:
    fake.head_sha, fake.files, fake.body = head, files, body
    paths["event.json"].write_text(json.dumps(fake.event_payload(action)), encoding="utf-8")


def outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


def test_block_then_fix_updates_everything_in_place(
        capsys: pytest.CaptureFixture[str], fake: FakeGitHub,
        actions_env: dict[str, Path]) -> None:
    push(fake, actions_env, H1, [file_entry("web/src/components/AdminPanel.tsx",
                                            hunk(leaking_component()))], action="opened")
    first = run_cli(capsys, "action")
    assert first.code == 1
    comment_id = fake.comments[0]["id"]
    assert fake.writes() == [
        ("POST", f"{REPO}/issues/7/comments"),
        ("POST", f"{REPO}/labels"), ("POST", f"{REPO}/labels"),
        ("POST", f"{REPO}/issues/7/labels"),
        ("POST", f"{REPO}/pulls/7/reviews"),
        ("POST", f"{REPO}/statuses/{H1}"),
    ]
    assert fake.reads() == {f"{REPO}/pulls/7/files", f"{REPO}/git/trees/{fake.base_sha}",
                            f"{REPO}/contents/.gitattributes",
                            "/user", f"{REPO}/pulls/7", f"{REPO}/issues/7/comments",
                            f"{REPO}/labels", f"{REPO}/issues/7/labels", f"{REPO}/pulls/7/reviews"}
    review = fake.reviews[0]
    assert (review["state"], review["commit_id"]) == ("CHANGES_REQUESTED", H1)
    assert [(c["path"], c["line"], c["side"]) for c in review["comments_submitted"]] == [
        ("web/src/components/AdminPanel.tsx", 3, "RIGHT")]
    assert fake.statuses[0]["state"] == "failure"
    assert fake.statuses[0]["context"] == "VeroField Governance"
    assert fake.statuses[0]["target_url"] == "https://github.com/acme/shop/actions/runs/4242"
    assert sorted(fake.pr_labels) == ["needs-fixes", "🚫 auto-blocked"]
    assert outputs(actions_env["output"])["decision"] == "auto_block"

    fake.calls.clear()
    push(fake, actions_env, H2, [
        file_entry("web/src/components/AdminPanel.tsx", hunk(FIXED_COMPONENT)),
        file_entry("tests/components/AdminPanel.test.tsx", hunk(COMPONENT_TEST))],
        body=complete_body())
    second = run_cli(capsys, "action")
    assert second.code == 0, second.out
    review_id = fake.reviews[0]["id"]
    assert fake.writes() == [
        ("PATCH", f"{REPO}/issues/comments/{comment_id}"),
        ("POST", f"{REPO}/labels"),
        ("POST", f"{REPO}/issues/7/labels"),
        ("DELETE", f"{REPO}/issues/7/labels/needs-fixes"),
        ("DELETE", f"{REPO}/issues/7/labels/🚫 auto-blocked"),
        ("PUT", f"{REPO}/pulls/7/reviews/{review_id}/dismissals"),
        ("POST", f"{REPO}/pulls/7/reviews"),
        ("POST", f"{REPO}/statuses/{H2}"),
    ]
    assert len(fake.comments) == 1 and "AUTO-APPROVE" in fake.comments[0]["body"]
    assert fake.pr_labels == ["✅ auto-approved"]
    assert [r["state"] for r in fake.reviews] == ["DISMISSED", "APPROVED"]
    assert [s["sha"] for s in fake.statuses] == [H1, H2]
    out = outputs(actions_env["output"])
    assert set(out) == {"score", "raw-score", "decision", "findings", "critical", "report-json",
                        "sarif", "spool-file", "spool-artifact"}
    assert (out["decision"], out["findings"], out["critical"]) == ("auto_approve", "0", "0")
    assert float(out["score"]) >= 6.0 and Path(out["sarif"]).is_file()


def test_no_status_on_the_merge_commit(capsys: pytest.CaptureFixture[str], fake: FakeGitHub,
                                       actions_env: dict[str, Path]) -> None:
    push(fake, actions_env, H1, [file_entry("src/a.py", hunk(['"""A."""', "X = 1"]))],
         action="opened")
    run_cli(capsys, "action")
    assert [s["sha"] for s in fake.statuses] == [H1]
    assert not any(MERGE in path for _, path in fake.writes())


def test_rerun_on_same_head_adds_nothing(capsys: pytest.CaptureFixture[str],
                                         fake: FakeGitHub, actions_env: dict[str, Path]) -> None:
    push(fake, actions_env, H1, [file_entry("web/src/components/AdminPanel.tsx",
                                            hunk(leaking_component()))], action="opened")
    run_cli(capsys, "action")
    fake.calls.clear()
    run_cli(capsys, "action")
    assert fake.writes() == [("PATCH", f"{REPO}/issues/comments/{fake.comments[0]['id']}"),
                             ("POST", f"{REPO}/statuses/{H1}")]
    assert len(fake.reviews) == 1 and len(fake.comments) == 1


def test_502_on_comment_is_retried(capsys: pytest.CaptureFixture[str], fake: FakeGitHub,
                                   actions_env: dict[str, Path]) -> None:
    push(fake, actions_env, H1, [file_entry("src/a.py", hunk(['"""A."""', "X = 1"]))],
         action="opened")
    fake.fail("POST", f"{REPO}/issues/7/comments", (502, "Server Error"))
    run = run_cli(capsys, "action")
    posts = [w for w in fake.writes() if w == ("POST", f"{REPO}/issues/7/comments")]
    assert len(posts) == 2 and len(fake.comments) == 1
    assert run.code == 0 and "Could not update" not in run.out


def test_refused_comment_leaves_the_other_steps_running(
        capsys: pytest.CaptureFixture[str], fake: FakeGitHub,
        actions_env: dict[str, Path]) -> None:
    push(fake, actions_env, H1, [file_entry("web/src/components/AdminPanel.tsx",
                                            hunk(leaking_component()))], action="opened")
    fake.fail("POST", f"{REPO}/issues/7/comments",
              (403, "Resource not accessible by integration"))
    run = run_cli(capsys, "action")
    assert run.code == 1
    assert "Traceback" not in run.out + run.err
    assert "::warning::Could not update the comment (403: Resource not accessible by " \
           "integration)" in run.out
    summary = actions_env["summary"].read_text()
    assert "AUTO-BLOCK" in summary and "The token cannot write" in summary
    assert fake.comments == []
    assert [s["state"] for s in fake.statuses] == ["failure"]
    assert len(fake.active_blocks()) == 1 and "needs-fixes" in fake.pr_labels
    assert "::error file=web/src/components/AdminPanel.tsx,line=3," in run.out


def test_fail_on_never_exits_zero_even_when_blocked(
        capsys: pytest.CaptureFixture[str], fake: FakeGitHub, actions_env: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEROSCORE_FAIL_ON", "never")
    push(fake, actions_env, H1, [file_entry("web/src/components/AdminPanel.tsx",
                                            hunk(leaking_component()))], action="opened")
    assert run_cli(capsys, "action").code == 0


def test_refused_approval_is_a_notice(capsys: pytest.CaptureFixture[str], fake: FakeGitHub,
                                      actions_env: dict[str, Path]) -> None:
    push(fake, actions_env, H2, [
        file_entry("web/src/components/AdminPanel.tsx", hunk(FIXED_COMPONENT)),
        file_entry("tests/components/AdminPanel.test.tsx", hunk(COMPONENT_TEST))],
        body=complete_body(), action="opened")
    fake.fail("POST", f"{REPO}/pulls/7/reviews",
              (422, "GitHub Actions is not permitted to approve pull requests."))
    run = run_cli(capsys, "action")
    assert run.code == 0
    assert "GitHub refused the approval (422" in run.out
    assert ("POST", f"{REPO}/statuses/{H2}") in fake.writes()


def test_dry_run_writes_nothing(capsys: pytest.CaptureFixture[str], fake: FakeGitHub,
                                actions_env: dict[str, Path],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEROSCORE_DRY_RUN", "true")
    push(fake, actions_env, H1, [file_entry("web/src/components/AdminPanel.tsx",
                                            hunk(leaking_component()))], action="opened")
    run = run_cli(capsys, "action")
    assert fake.writes() == []
    assert "<!-- veroscore:report -->" in run.out and "dry-run: would set status" in run.out
    assert outputs(actions_env["output"])["decision"] == "auto_block"
    stop = re.search(r"^::stop-commands::(\w{32})$", run.out, re.MULTILINE)
    assert stop is not None, "the report must be printed with workflow commands stopped"
    report = run.out[stop.end():run.out.index(f"::{stop.group(1)}::")]
    assert "<!-- veroscore:report -->" in report


def test_hostile_pull_request_is_rendered_inert(capsys: pytest.CaptureFixture[str],
                                                fake: FakeGitHub,
                                                actions_env: dict[str, Path]) -> None:
    token = make_jwt("service_role")
    aws = "AKIAQ3EGRLWZ5T7NV6PC"
    path = "web/src/[x](https:__evil)|`@admin`*_<b>/#42 Panel.tsx"
    body = (f"<img src=x onerror=alert(1)> `rm -rf` @everyone $(touch pwned) {token} {aws}\n")
    push(fake, actions_env, H1, [file_entry(path, hunk([f'const K = "{token}";',
                                                        f'const A = "{aws}";']))],
         body=body, action="opened")
    run = run_cli(capsys, "action")
    comment = fake.comments[0]["body"]
    review = fake.reviews[0]
    surfaces = [comment, review["body"], json.dumps(review["comments_submitted"]),
                fake.statuses[0]["description"], actions_env["summary"].read_text(),
                run.out, run.err, (actions_env["temp"] / "veroscore" / "report.json").read_text(),
                (actions_env["temp"] / "veroscore" / "veroscore.sarif").read_text()]
    for text in surfaces:
        assert token not in text and aws not in text
    for text in (comment, actions_env["summary"].read_text()):
        assert "<img" not in text and "<b>" not in text and "@admin" not in text
        assert "[x](https" not in text
    assert not (Path.cwd() / "pwned").exists()
    assert "::error file=web/src/[x](https%3A__evil)|`@admin`*_<b>/#42 Panel.tsx,line=1," in run.out


def test_api_intake_paginates_and_reads_content_when_patch_missing(
        capsys: pytest.CaptureFixture[str], fake: FakeGitHub,
        actions_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEROSCORE_DRY_RUN", "true")
    files = [file_entry(f"docs/page{i}.md", hunk([f"page {i}"])) for i in range(35)]
    files.append(file_entry("src/big.py", None, status="modified"))
    files.append(file_entry("src/vanished.py", None, status="modified"))
    fake.contents[("src/big.py", H1)] = (
        b'"""Big."""\nTENANT_ID = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"\n')
    push(fake, actions_env, H1, files, action="opened")
    run_cli(capsys, "action")
    report = json.loads((actions_env["temp"] / "veroscore" / "report.json").read_text())
    assert report["stats"]["files_changed"] == 37  # the unreadable one is listed unscanned
    assert [(f["rule_id"], f["path"], f["line"]) for f in report["findings"]] == [
        ("hardcoded-tenant-id", "src/big.py", 2)]
    assert any("GitHub sent no diff for this file" in n for n in report["notes"])
    assert report["unscanned"] == [{
        "path": "src/vanished.py",
        "reason": "GitHub sent no diff and the file cannot be read at the head commit"}]
    assert report["decision"] != "auto_approve"
    assert sum(1 for c in fake.calls if c.path == f"{REPO}/pulls/7/files") == 2


def test_local_git_workspace_is_used_under_pull_request(
        capsys: pytest.CaptureFixture[str], fake: FakeGitHub, actions_env: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo(actions_env["workspace"])
    repo.write("src/a.py", '"""A."""\n')
    base = repo.commit("base")
    repo.write("src/a.py", '"""A."""\nTENANT_ID = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"\n')
    head = repo.commit("head")
    fake.base_sha = base
    monkeypatch.setenv("VEROSCORE_DRY_RUN", "true")
    push(fake, actions_env, head, [], action="opened")
    run_cli(capsys, "action")
    report = json.loads((actions_env["temp"] / "veroscore" / "report.json").read_text())
    assert report["head_sha"] == head and report["findings"][0]["line"] == 2
    assert f"{REPO}/pulls/7/files" not in fake.reads()


def test_config_comes_from_the_base_commit(capsys: pytest.CaptureFixture[str],
                                           fake: FakeGitHub, actions_env: dict[str, Path],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEROSCORE_DRY_RUN", "true")
    fake.trees[fake.base_sha] = {".github/veroscore.yml": ("100644", b"fail_on: never\n")}
    (actions_env["workspace"] / ".github").mkdir()
    (actions_env["workspace"] / ".github" / "veroscore.yml").write_text("scoer: 1\n")
    push(fake, actions_env, H1, [file_entry("web/src/components/AdminPanel.tsx",
                                            hunk(leaking_component()))], action="opened")
    assert run_cli(capsys, "action").code == 0
    assert ("GET", f"{REPO}/git/trees/{fake.base_sha}") in [
        (c.method, c.path) for c in fake.calls]


def test_unscored_actions_and_events(capsys: pytest.CaptureFixture[str], fake: FakeGitHub,
                                     actions_env: dict[str, Path],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    push(fake, actions_env, H1, [], action="labeled")
    run = run_cli(capsys, "action")
    assert run.code == 0 and "nothing to do for pull_request.labeled" in run.out
    monkeypatch.setenv("GITHUB_EVENT_NAME", "schedule")
    run = run_cli(capsys, "action")
    assert run.code == 0 and "Scheduled maintenance skipped" in run.out
    assert "Scheduled maintenance skipped" in actions_env["summary"].read_text()
    assert fake.calls == []


def test_workflow_dispatch_rescores_the_named_pr(capsys: pytest.CaptureFixture[str],
                                                 fake: FakeGitHub, actions_env: dict[str, Path],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    fake.files = [file_entry("src/a.py", hunk(['"""A."""', "X = 1"]))]
    monkeypatch.setenv("GITHUB_EVENT_NAME", "workflow_dispatch")
    actions_env["event.json"].write_text(json.dumps({"inputs": {"pr-number": "7"}}))
    run = run_cli(capsys, "action")
    assert run.code == 0
    assert ("POST", f"{REPO}/statuses/{H1}") in fake.writes()
    fake.calls.clear()
    assert run_cli(capsys, "rescore", "--pr", "7", "--repo", "acme/shop").code == 0
    assert ("GET", f"{REPO}/pulls/7") in [(c.method, c.path) for c in fake.calls]


def test_dispatch_without_pr_number_is_an_input_error(
        capsys: pytest.CaptureFixture[str], fake: FakeGitHub, actions_env: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_EVENT_NAME", "workflow_dispatch")
    actions_env["event.json"].write_text(json.dumps({"inputs": {}}))
    run = run_cli(capsys, "action")
    assert run.code == 2 and "set the 'pr-number' input" in run.err


def test_enterprise_api_url_is_honoured(capsys: pytest.CaptureFixture[str],
                                        actions_env: dict[str, Path],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    ghe = FakeGitHub(api="https://ghe.example.com/api/v3", head_sha=H1)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        ghe.install(mock)
        monkeypatch.setenv("GITHUB_API_URL", ghe.api)
        push(ghe, actions_env, H1, [file_entry("src/a.py", hunk(['"""A."""']))],
             action="opened")
        assert run_cli(capsys, "action").code == 0
    assert ("POST", f"{REPO}/statuses/{H1}") in ghe.writes()


def test_pr_score_is_recorded_in_postgres(capsys: pytest.CaptureFixture[str], fake: FakeGitHub,
                                         actions_env: dict[str, Path], pg_db: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", pg_db)
    push(fake, actions_env, H1, [file_entry("src/a.py", hunk(['"""A."""', "X = 1"]))],
         body="Session: dev-42\n", action="opened")
    assert run_cli(capsys, "action").code == 0
    import psycopg
    with psycopg.connect(pg_db) as conn:
        row = conn.execute("SELECT repository, pr_number, head_sha, session_id "
                           "FROM veroscore.pr_scores").fetchall()
    assert row == [("acme/shop", 7, H1, "dev-42")]
    assert outputs(actions_env["output"])["spool-file"] == ""


def test_store_down_in_the_action_spools_and_still_enforces(
        capsys: pytest.CaptureFixture[str], fake: FakeGitHub, actions_env: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://veroscore@127.0.0.1:1/veroscore")
    push(fake, actions_env, H1, [file_entry("src/a.py", hunk(['"""A."""', "X = 1"]))],
         action="opened")
    run = run_cli(capsys, "action")
    spool = Path(outputs(actions_env["output"])["spool-file"])
    assert run.code == 0 and spool.is_file()
    assert spool.parent.parent == actions_env["temp"] / "veroscore"
    assert f"veroscore store replay {spool}" in run.out
    assert ("POST", f"{REPO}/statuses/{H1}") in fake.writes()


def test_schedule_runs_maintenance_and_health(capsys: pytest.CaptureFixture[str],
                                              fake: FakeGitHub, actions_env: dict[str, Path],
                                              pg_db: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg
    monkeypatch.setenv("GITHUB_EVENT_NAME", "schedule")
    monkeypatch.setenv("DATABASE_URL", pg_db)
    actions_env["event.json"].write_text(json.dumps({"schedule": "*/15 * * * *"}))
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("INSERT INTO veroscore.sessions (session_id, status, last_activity) "
                     "VALUES ('old', 'active', now() - interval '2 hours')")
    assert run_cli(capsys, "action").code == 0
    summary = actions_env["summary"].read_text()
    assert "VeroScore health: healthy" in summary and "1 session(s) timed out" in summary
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("INSERT INTO veroscore.sessions (session_id, status, last_activity) "
                     "VALUES ('stuck', 'processing', now() - interval '2 hours')")
    run = run_cli(capsys, "action")
    assert run.code == 1 and "::error::VeroScore health: 1 session(s) stuck" in run.out
    assert fake.calls == []
