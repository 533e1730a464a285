"""The hostile-PR and fault-injection suite (issue 11): `veroscore action` run as the
composite step runs it — inputs through the environment, the event payload in
GITHUB_EVENT_PATH, the REST API served by `responses` with faults injected — asserting what
GitHub holds afterwards (comments, reviews, labels, statuses), not only exit codes.

Each PR is built once as a real git repository (base and head commits); the same change
is then served both ways: "git" runs with the repository as the workspace (local intake,
policy from git objects), "rest" with an empty workspace (REST intake, policy through the
git trees and blobs API, files and patches as `pulls/{n}/files` gives them).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import responses

from tests.github_fake import BOT, HUMAN, FakeGitHub, Fault, file_entry
from tests.helpers import GitRepo, make_jwt, run_cli
from veroscore.report.render import COMMENT_MARKER

REPO = "/repos/acme/shop"
MERGE = "f" * 40
INTAKES = ("git", "rest")
PR_EVENTS = ("pull_request", "pull_request_target")
RUNNER_COMMANDS = {"error", "warning", "notice", "stop-commands", "group", "endgroup", "debug"}


@dataclass(frozen=True)
class Link:
    """A symlink to create in the repository (git mode 120000)."""

    target: str


Tree = dict[str, "str | bytes | Link | None"]  # None deletes the path at head


def secret_env() -> str:
    return f"SUPABASE_SERVICE_ROLE_KEY={make_jwt('service_role')}\n"


@dataclass
class Built:
    repo: GitRepo
    base: str
    head: str


def build(root: Path, base: Tree, head: Tree) -> Built:
    """A repository whose second commit applies `head` on top of `base`."""
    repo = GitRepo(root)
    _apply(repo, {"README.md": "# shop\n", **base})
    base_sha = repo.commit("base")
    _apply(repo, head)
    return Built(repo, base_sha, repo.commit("head"))


def _apply(repo: GitRepo, tree: Tree) -> None:
    for path, content in tree.items():
        target = repo.root / path
        if target.is_symlink() or target.exists():
            target.unlink()
        if content is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Link):
            os.symlink(content.target, target)
        else:
            repo.write(path, content)


def _git(repo: GitRepo, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo.root), *args], capture_output=True,
                          check=True).stdout


def tree_of(repo: GitRepo, sha: str) -> dict[str, tuple[str, bytes]]:
    """{path: (mode, bytes)} of a commit, as the fake's git trees API serves it."""
    files = {}
    for record in _git(repo, "ls-tree", "-r", "-z", sha).split(b"\0"):
        if record:
            meta, _, name = record.partition(b"\t")
            mode, _, blob = meta.decode().split(" ")
            files[name.decode()] = (mode, _git(repo, "cat-file", "blob", blob))
    return files


def pull_files(repo: GitRepo, base: str, head: str) -> list[dict[str, object]]:
    """`GET pulls/{n}/files` for the range, patches cut from git's own diff."""
    status_names = {"A": "added", "M": "modified", "D": "removed", "R": "renamed",
                    "T": "changed"}
    fields = _git(repo, "diff", "--name-status", "-z", "-M", base, head).split(b"\0")
    entries, index = [], 0
    while index < len(fields) and fields[index]:
        code = fields[index].decode()[0]
        if code == "R":
            old, new = fields[index + 1].decode(), fields[index + 2].decode()
            index += 3
        else:
            old = new = fields[index + 1].decode()
            index += 2
        diff = _git(repo, "diff", "-M", base, head, "--", *{old, new}).decode("utf-8", "replace")
        patch = diff[diff.index("@@"):].rstrip("\n") if "@@" in diff else None
        entries.append(file_entry(new, patch, status_names[code],
                                  previous=old if code == "R" else None))
    return entries


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    github = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        github.install(mock)
        yield github


class Runner:
    """One job: the Actions environment, the event file and the workspace."""

    def __init__(self, tmp: Path, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str]) -> None:
        self.tmp, self.fake, self.mp, self.capsys = tmp, fake, monkeypatch, capsys
        self.event_path = tmp / "event.json"
        self.summary = tmp / "summary.md"
        self.output = tmp / "output"
        self.temp = tmp / "runner-temp"
        self.temp.mkdir()
        self.empty = tmp / "empty-workspace"
        self.empty.mkdir()
        env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(self.event_path),
               "GITHUB_REPOSITORY": fake.full_name, "GITHUB_API_URL": fake.api,
               "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "4242",
               "GITHUB_WORKSPACE": str(self.empty), "GITHUB_SHA": MERGE,
               "GITHUB_TOKEN": "ghs_" + "t" * 36, "GITHUB_OUTPUT": str(self.output),
               "GITHUB_STEP_SUMMARY": str(self.summary), "RUNNER_TEMP": str(self.temp),
               "VEROSCORE_CONFIG": ".github/veroscore.yml", "VEROSCORE_FAIL_ON": "auto_block",
               "VEROSCORE_DRY_RUN": "false", "VEROSCORE_PR_NUMBER": "",
               "VEROSCORE_HTTP_BACKOFF": "0.001", "VEROSCORE_HTTP_THROTTLE": "false",
               "CI": "true", "GITHUB_ACTIONS": "true"}
        for key, value in env.items():
            monkeypatch.setenv(key, value)

    def serve(self, built: Built, intake: str, body: str = "", title: str = "Admin panel"
              ) -> None:
        """Serve the PR both through the API and, for "git", as the checked-out workspace
        (at the PR head: the author's files, which must never be trusted)."""
        fake = self.fake
        fake.base_sha, fake.head_sha, fake.body = built.base, built.head, body
        fake.trees = {built.base: tree_of(built.repo, built.base),
                      built.head: tree_of(built.repo, built.head)}
        fake.files = pull_files(built.repo, built.base, built.head)
        self.title = title
        workspace = built.repo.root if intake == "git" else self.empty
        self.mp.setenv("GITHUB_WORKSPACE", str(workspace))

    def event(self, name: str, action: str = "synchronize", **extra: object) -> None:
        self.mp.setenv("GITHUB_EVENT_NAME", name)
        if name in PR_EVENTS:
            payload = self.fake.event_payload(action)
            payload["pull_request"]["title"] = self.title
        elif name == "workflow_dispatch":
            payload = {"inputs": extra.get("inputs", {}), "ref": "refs/heads/main",
                       "repository": self.fake.repository_payload(), "sender": HUMAN,
                       "workflow": ".github/workflows/veroscore.yml"}
        else:
            payload = {"schedule": "*/15 * * * *", "repository": self.fake.repository_payload()}
        self.event_path.write_text(json.dumps(payload), encoding="utf-8")

    def run(self) -> RunResult:
        self.output.write_text("")
        done = run_cli(self.capsys, "action")
        return RunResult(done.code, done.out, done.err, self)

    def outputs(self) -> dict[str, str]:
        return dict(line.split("=", 1) for line in self.output.read_text().splitlines() if line)

    def report(self) -> dict[str, object]:
        data: dict[str, object] = json.loads(
            (self.temp / "veroscore" / "report.json").read_text())
        return data


@dataclass
class RunResult:
    code: int
    out: str
    err: str
    runner: Runner

    def commands(self) -> list[str]:
        """Names of the workflow commands the runner would act on (stdout and stderr)."""
        names, stopped = [], None
        for line in (self.out + self.err).splitlines():
            text = line.lstrip()
            if stopped:
                if text == f"::{stopped}::":
                    stopped = None
                continue
            if text.startswith("::"):
                name = re.split(r"[ :]", text[2:], maxsplit=1)[0]
                names.append(name)
                if name == "stop-commands":
                    stopped = text.split("::")[2]
        return names


@pytest.fixture
def runner(tmp_path: Path, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str]) -> Runner:
    return Runner(tmp_path, fake, monkeypatch, capsys)


def bot_comments(fake: FakeGitHub) -> list[dict[str, object]]:
    return [c for c in fake.comments if c["user"]["login"] == fake.writer["login"]]


def blocked_pr(tmp: Path) -> Built:
    return build(tmp / "repo", {}, {"config/.env.production": secret_env()})


# --- the PR author must not be able to change the rules it is judged by -----------------

HOSTILE_CONFIG = """\
severities: {hardcoded_secret: info}
penalties: {hardcoded_secret: 0}
paths: {exclude: ["config/**"]}
fail_on: never
"""


@pytest.mark.parametrize("event", PR_EVENTS)
@pytest.mark.parametrize("intake", INTAKES)
def test_a_pr_that_loosens_the_config_is_scored_under_the_base(
        runner: Runner, fake: FakeGitHub, tmp_path: Path, intake: str, event: str) -> None:
    built = build(tmp_path / "repo", {".github/veroscore.yml": "score: {approve_at: 6.0}\n"},
                  {".github/veroscore.yml": HOSTILE_CONFIG,
                   "config/.env.production": secret_env()})
    runner.serve(built, intake)
    runner.event(event)
    result = runner.run()
    assert result.code == 1, result.out + result.err
    assert runner.outputs()["decision"] == "auto_block"
    assert [s["state"] for s in fake.statuses] == ["failure"]
    assert len(fake.active_blocks()) == 1
    comment = bot_comments(fake)[0]["body"]
    assert "Policy change pending review" in comment
    assert "<code>.github/veroscore.yml</code>" in comment
    assert "Policy change pending review" in runner.summary.read_text()


@pytest.mark.parametrize("intake", INTAKES)
def test_a_pr_cannot_rewrite_the_teams_custom_rules(
        runner: Runner, fake: FakeGitHub, tmp_path: Path, intake: str) -> None:
    rule = """rules:
  - id: acme-no-eval
    languages: [python]
    severity: ERROR
    message: eval() of request data runs attacker code
    pattern: eval(...)
    metadata: {violation_type: sql_injection}
"""
    built = build(tmp_path / "repo",
                  {".github/veroscore.yml": "rules: {dirs: [policy/semgrep]}\n",
                   "policy/semgrep/acme.yml": rule},
                  {"policy/semgrep/acme.yml": rule.replace("eval(...)", "never_called_x(...)"),
                   "app/handler.py": '"""Handler."""\n\n\ndef run(query):\n'
                                     '    return eval(query)\n'})
    runner.serve(built, intake)
    runner.event("pull_request_target")
    result = runner.run()
    report = runner.report()
    assert [f["rule_id"] for f in report["findings"]] == ["acme-no-eval"]  # type: ignore[index]
    assert result.code == 1
    assert "<code>policy/semgrep/acme.yml</code>" in bot_comments(fake)[0]["body"]


@pytest.mark.parametrize("intake", INTAKES)
@pytest.mark.parametrize("case", ["symlinked-config", "symlinked-rule", "missing-rule-folder",
                                  "folder-outside"])
def test_unsafe_policy_at_the_base_fails_closed(
        runner: Runner, fake: FakeGitHub, tmp_path: Path, intake: str, case: str) -> None:
    base: Tree = {
        "symlinked-config": {"team/veroscore.yml": "fail_on: never\n",
                             ".github/veroscore.yml": Link("../team/veroscore.yml")},
        "symlinked-rule": {".github/veroscore.yml": "rules: {dirs: [policy]}\n",
                           "policy/real.yml": "rules: []\n",
                           "policy/linked.yml": Link("/etc/passwd")},
        "missing-rule-folder": {".github/veroscore.yml": "rules: {dirs: [policy/gone]}\n"},
        "folder-outside": {".github/veroscore.yml": "rules: {dirs: [../../outside]}\n"},
    }[case]
    built = build(tmp_path / "repo", base, {"src/app.md": "hello\n"})
    runner.serve(built, intake)
    runner.event("pull_request")
    result = runner.run()
    assert result.code == 2
    assert "Traceback" not in result.out + result.err
    errors = [line for line in result.out.splitlines() if line.startswith("::error::")]
    assert len(errors) == 1 and ("symlink" in errors[0] or "rules.dirs" in errors[0]
                                 or "inside the repository" in errors[0]), errors
    assert "VeroScore could not finish" in runner.summary.read_text()
    assert [s["state"] for s in fake.statuses] == ["error"]
    assert fake.reviews == [] and fake.pr_labels == []


# --- nothing injected through text the PR controls ---------------------------------------

HOSTILE_TEXT = ("x\n::set-output name=decision::auto_approve\r::add-mask::%0A::error::owned "
                "##[error]v1")


@pytest.mark.parametrize("dry_run", ["false", "true"])
@pytest.mark.parametrize("intake", INTAKES)
def test_workflow_commands_cannot_be_injected(
        runner: Runner, fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        intake: str, dry_run: str) -> None:
    monkeypatch.setenv("VEROSCORE_DRY_RUN", dry_run)
    name = "config/::warning::x\n::set-output name=score::10 %0A.env"
    built = build(tmp_path / "repo", {}, {name: secret_env()})
    runner.serve(built, intake, body=HOSTILE_TEXT, title=HOSTILE_TEXT)
    runner.event("pull_request")
    fake.fail("POST", f"{REPO}/issues/7/comments", (422, HOSTILE_TEXT))
    result = runner.run()
    assert result.code == 1
    assert set(result.commands()) <= RUNNER_COMMANDS, result.commands()
    assert result.commands().count("error") == 1  # the one finding's annotation
    for line in (result.out + result.err).splitlines():
        assert "##[error]" not in line
    assert "set-output" not in runner.outputs()
    assert runner.outputs()["decision"] == "auto_block"


@pytest.mark.parametrize("value", ["١٢", "+1", " 7", "7 ", "#7", "0x7", "7.0", "0", "²",
                                   "7\n::set-output name=x::y", "99999999999"])
def test_pr_number_input_accepts_ascii_digits_only(
        runner: Runner, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("VEROSCORE_PR_NUMBER", value)
    runner.event("workflow_dispatch")
    result = runner.run()
    assert result.code == 2
    assert result.commands() == ["error"]
    assert "input 'pr-number' must be a pull request number (ASCII digits only)" in result.out
    assert "pull request number" in runner.summary.read_text()
    assert fake.calls == []


def test_markdown_from_the_pr_is_escaped_no_more_than_needed(
        runner: Runner, fake: FakeGitHub, tmp_path: Path) -> None:
    path = "config/it's <script>alert(1)</script> | @admin ![x](https:__evil) `.env"
    built = build(tmp_path / "repo", {}, {path: secret_env()})
    runner.serve(built, "rest")
    runner.event("pull_request")
    runner.run()
    comment = bot_comments(fake)[0]["body"]
    assert "it's" in comment and "&#39;" not in comment and "&#x27;" not in comment
    for hostile in ("<script>", "@admin", "![x]"):
        assert hostile not in comment
    assert "\\| @\u200badmin" in comment  # a pipe cannot open a table cell
    assert not re.search(r"(?<!\\)`\.env", comment)


def test_a_huge_description_is_cut_before_the_findings(
        runner: Runner, fake: FakeGitHub, tmp_path: Path) -> None:
    body = ("## Enforcement Pipeline Compliance\n"
            + "".join(f"- RLS/tenant isolation: Fail {'z' * 900}\n" for _ in range(1100)))
    assert len(body) > 1_000_000
    runner.serve(blocked_pr(tmp_path), "rest", body=body)
    runner.event("pull_request")
    runner.run()
    comment = bot_comments(fake)[0]["body"]
    assert len(comment) <= 65_000
    assert "secret" in comment.split("### Enforcement Pipeline Compliance")[0]
    assert comment.index("### Blocking findings") < comment.index("### Enforcement Pipeline")


# --- a GitHub fault must not duplicate a write -------------------------------------------

LOST = Fault(502, "Bad Gateway", after_effect=True)
RESET_AFTER = Fault(after_effect=True, reset=True)


@pytest.mark.parametrize("fault", [LOST, RESET_AFTER], ids=["502-after-effect", "reset"])
def test_lost_responses_never_leave_duplicates(
        runner: Runner, fake: FakeGitHub, tmp_path: Path, fault: Fault) -> None:
    runner.serve(blocked_pr(tmp_path), "rest")
    runner.event("pull_request", "opened")
    fake.repo_labels = [{"id": 1, "node_id": "LA_1", "url": f"{fake.repo_url}/labels/x",
                         "name": "✅ auto-approved", "color": "0E8A16", "description": "",
                         "default": False}]
    fake.pr_labels = ["✅ auto-approved"]
    for method, path in [("POST", f"{REPO}/issues/7/comments"), ("POST", f"{REPO}/labels"),
                         ("POST", f"{REPO}/pulls/7/reviews"),
                         ("DELETE", f"{REPO}/issues/7/labels/✅ auto-approved"),
                         ("POST", f"{REPO}/statuses/{fake.head_sha}")]:
        fake.inject(method, path, fault)
    result = runner.run()
    assert result.code == 1 and "Traceback" not in result.out + result.err
    assert len(bot_comments(fake)) == 1
    assert len(fake.active_blocks()) == 1
    assert sorted(fake.pr_labels) == ["needs-fixes", "🚫 auto-blocked"]
    assert sorted(label["name"] for label in fake.repo_labels) == [
        "needs-fixes", "✅ auto-approved", "🚫 auto-blocked"]
    assert {s["state"] for s in fake.statuses} == {"failure"}


def test_duplicates_left_by_an_earlier_run_are_folded_into_one(
        runner: Runner, fake: FakeGitHub, tmp_path: Path) -> None:
    built = blocked_pr(tmp_path)
    runner.serve(built, "rest")
    runner.event("pull_request")
    runner.run()
    first = bot_comments(fake)[0]
    fake.comments.append({**first, "id": 9999})  # what a pre-fix retry left behind
    runner.run()
    assert [c["id"] for c in bot_comments(fake)] == [first["id"]]


def test_a_second_blocked_push_replaces_the_active_blocking_review(
        runner: Runner, fake: FakeGitHub, tmp_path: Path) -> None:
    built = blocked_pr(tmp_path)
    runner.serve(built, "rest")
    runner.event("pull_request", "opened")
    runner.run()
    fake.head_sha = "c" * 40
    fake.trees[fake.head_sha] = fake.trees[built.head]
    runner.event("pull_request")
    first = fake.reviews[0]["id"]
    fake.inject("PUT", f"{REPO}/pulls/7/reviews/{first}/dismissals", LOST)
    result = runner.run()
    assert "Could not update" not in result.out
    assert [(r["state"], r["commit_id"]) for r in fake.reviews] == [
        ("DISMISSED", built.head), ("CHANGES_REQUESTED", "c" * 40)]
    runner.run()
    assert len(fake.reviews) == 2 and len(fake.active_blocks()) == 1


@pytest.mark.parametrize("token_user", [None, {"login": "release-bot", "id": 77,
                                               "type": "User"}],
                         ids=["installation-token", "user-token"])
def test_only_the_bots_own_marker_comment_is_edited(
        runner: Runner, fake: FakeGitHub, tmp_path: Path,
        token_user: dict[str, object] | None) -> None:
    fake.token_user = token_user
    runner.serve(blocked_pr(tmp_path), "rest")
    runner.event("pull_request")
    quoted = fake.human_comment(f"{COMMENT_MARKER}\nI copied the bot's comment here.")
    quoting = fake.human_comment(f"> {COMMENT_MARKER}\n> AUTO-BLOCK?")
    if token_user is not None:  # another bot's comment with the marker is not ours either
        fake.comments.append({**fake.human_comment("x"), "id": 5, "user": BOT,
                              "body": f"{COMMENT_MARKER}\nold"})
    runner.run()
    runner.run()
    assert quoted["body"].endswith("I copied the bot's comment here.")
    assert quoting["body"].endswith("AUTO-BLOCK?")
    ours = [c for c in fake.comments if c["body"].startswith(COMMENT_MARKER)
            and "AUTO-BLOCK" in c["body"]]
    assert len(ours) == 1 and ours[0]["id"] not in (quoted["id"], quoting["id"])
    edits = [c.path for c in fake.calls if c.method == "PATCH"]
    assert edits == [f"{REPO}/issues/comments/{ours[0]['id']}"]


# --- a GitHub fault must not stop the other steps ----------------------------------------

STEPS = {"comment": ("POST", f"{REPO}/issues/7/comments"),
         "labels": ("POST", f"{REPO}/issues/7/labels"),
         "review": ("POST", f"{REPO}/pulls/7/reviews"),
         "status": ("POST", "STATUS")}


@pytest.mark.parametrize("status", [403, 404, 422])
@pytest.mark.parametrize("step", list(STEPS))
def test_a_refused_step_leaves_the_others_running(
        runner: Runner, fake: FakeGitHub, tmp_path: Path, step: str, status: int) -> None:
    runner.serve(blocked_pr(tmp_path), "rest")
    runner.event("pull_request")
    method, path = STEPS[step]
    path = path.replace("STATUS", f"{REPO}/statuses/{fake.head_sha}")
    fake.fail(method, path, *[(status, "Refused for this test")] * 3)
    result = runner.run()
    assert result.code == 1 and "Traceback" not in result.out + result.err
    held = {"comment": len(bot_comments(fake)) == 1,
            "labels": "needs-fixes" in fake.pr_labels,
            "review": len(fake.active_blocks()) == 1,
            "status": [s["state"] for s in fake.statuses] == ["failure"]}
    assert not held[step]
    assert all(ok for name, ok in held.items() if name != step), held
    assert f"Could not update the {step} ({status}" in runner.summary.read_text()
    assert runner.outputs()["decision"] == "auto_block"
    assert (runner.temp / "veroscore" / "veroscore.sarif").is_file()


def test_a_line_comment_github_refuses_does_not_drop_the_review(
        runner: Runner, fake: FakeGitHub, tmp_path: Path) -> None:
    runner.serve(blocked_pr(tmp_path), "rest")
    runner.event("pull_request")
    fake.fail("POST", f"{REPO}/pulls/7/reviews",
              (422, "Pull request review thread line must be part of the diff"))
    runner.run()
    reviews = [c for c in fake.calls if c.path == f"{REPO}/pulls/7/reviews" and c.method == "POST"]
    assert [len(c.body.get("comments", [])) for c in reviews] == [1, 0]
    assert len(fake.active_blocks()) == 1
    assert "posted without them" in runner.summary.read_text()


# --- a GitHub fault must not crash the run ------------------------------------------------

def test_rate_limits_are_waited_out_and_retried(
        runner: Runner, fake: FakeGitHub, tmp_path: Path) -> None:
    runner.serve(blocked_pr(tmp_path), "rest")
    runner.event("pull_request")
    reset = str(int(time.time()))
    fake.inject("GET", f"{REPO}/pulls/7/files",
                Fault(403, "You have exceeded a secondary rate limit", {"Retry-After": "0"}))
    fake.inject("POST", f"{REPO}/issues/7/comments",
                Fault(429, "API rate limit exceeded",
                      {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}))
    fake.inject("POST", f"{REPO}/statuses/{fake.head_sha}",
                Fault(403, "You have exceeded a secondary rate limit", {"Retry-After": "0"}))
    result = runner.run()
    assert result.code == 1 and "Could not update" not in result.out
    assert len(bot_comments(fake)) == 1 and [s["state"] for s in fake.statuses] == ["failure"]
    posts = [c for c in fake.calls if c.path == f"{REPO}/issues/7/comments"
             and c.method == "POST"]
    assert len(posts) == 2


@pytest.mark.parametrize("fault", [Fault(503, "Service Unavailable"), Fault(reset=True)],
                         ids=["persistent-503", "persistent-reset"])
def test_persistent_faults_degrade_with_a_notice(
        runner: Runner, fake: FakeGitHub, tmp_path: Path, fault: Fault) -> None:
    runner.serve(blocked_pr(tmp_path), "rest")
    runner.event("pull_request")
    for path in (f"{REPO}/issues/7/comments", f"{REPO}/pulls/7/reviews"):
        fake.inject("GET", path, *[fault] * 30)
    result = runner.run()
    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    summary = runner.summary.read_text()
    assert "Could not update the comment" in summary and "Could not update the review" in summary
    assert [s["state"] for s in fake.statuses] == ["failure"]
    assert "needs-fixes" in fake.pr_labels
    assert runner.outputs()["decision"] == "auto_block"


def test_the_file_listing_failing_for_good_never_approves(
        runner: Runner, fake: FakeGitHub, tmp_path: Path) -> None:
    runner.serve(build(tmp_path / "repo", {}, {"docs/a.md": "fine\n"}), "rest")
    runner.event("pull_request")
    fake.inject("GET", f"{REPO}/pulls/7/files", *[Fault(502)] * 30)
    result = runner.run()
    assert result.code == 0  # review_required does not meet the default fail-on
    assert "Traceback" not in result.out + result.err
    assert "error" in result.commands()
    report = runner.report()
    assert report["decision"] == "review_required"
    assert [u["path"] for u in report["unscanned"]] == [  # type: ignore[union-attr]
        "<all files of pull request #7>"]
    assert [r["state"] for r in fake.reviews] in ([], ["COMMENTED"])
    assert [s["state"] for s in fake.statuses] == ["pending"]
    assert "Not scanned" in str(bot_comments(fake)[0]["body"])
    assert "could not be scanned" in runner.summary.read_text()


# --- workflow_dispatch on a closed PR, and the same score whatever the event --------------

@pytest.mark.parametrize("merged", [False, True])
def test_dispatch_on_a_closed_pr_records_and_summarises_only(
        runner: Runner, fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        merged: bool) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://veroscore@127.0.0.1:1/veroscore")
    runner.serve(blocked_pr(tmp_path), "rest")
    fake.state, fake.merged = "closed", merged
    runner.event("workflow_dispatch", inputs={"pr-number": "7"})
    result = runner.run()
    assert result.code == 1
    assert fake.writes() == []
    state = "merged" if merged else "closed"
    assert f"is {state}: the score is recorded" in runner.summary.read_text()
    assert "no comment, labels, review or status were written" in result.out
    assert Path(runner.outputs()["spool-file"]).is_file()


def test_the_same_head_scores_the_same_under_every_event_and_intake(
        runner: Runner, fake: FakeGitHub, tmp_path: Path) -> None:
    module = "".join(f"def helper_{i}(value):\n    return value + {i}\n\n\n" for i in range(40))
    built = build(tmp_path / "repo", {"app/service.py": f'"""Service."""\n\n\n{module}'},
                  {"app/service.py": f'"""Service."""\nimport os\n\n\n{module}'
                                     'def run(tenant):\n    print("tenant", tenant)\n'
                                     '    return os.environ["X"]\n'})
    scores = {}
    for intake in INTAKES:
        for event in PR_EVENTS:
            runner.serve(built, intake)
            runner.event(event)
            runner.run()
            report = runner.report()
            scores[(intake, event)] = (report["stabilized_score"], report["decision"],
                                       [(f["rule_id"], f["line"])  # type: ignore[index]
                                        for f in report["findings"] + report["warnings"]])
    assert len(set(map(repr, scores.values()))) == 1, scores


def test_schedule_touches_no_pull_request(runner: Runner, fake: FakeGitHub) -> None:
    runner.event("schedule")
    result = runner.run()
    assert result.code == 0 and fake.calls == []
    assert "Scheduled maintenance skipped" in runner.summary.read_text()


def test_matrix_jobs_get_distinct_spool_artifact_names(
        runner: Runner, fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://veroscore@127.0.0.1:1/veroscore")
    monkeypatch.setenv("GITHUB_JOB", "score")
    monkeypatch.setenv("GITHUB_RUN_ATTEMPT", "2")
    runner.serve(blocked_pr(tmp_path), "rest")
    runner.event("pull_request")
    names = []
    for _ in range(2):  # two matrix legs of one job in one run attempt
        runner.run()
        names.append(runner.outputs()["spool-artifact"])
    assert names[0] != names[1]
    assert all(re.fullmatch(r"veroscore-spool-4242-2-score-[0-9a-f]{12}", n) for n in names)


# --- file names cannot hide content -------------------------------------------------------

HOSTILE_NAMES = ['config/"quoted".env', "config/back\\slash.env", "config/tab\there.env",
                 "config/new\nline.env", "config/spaced name.env", "config/ünï.env",
                 "config/bidi\u202egnp.env", "config/-leading.env"]


@pytest.mark.parametrize("intake", ["git", "rest"])
def test_file_names_cannot_hide_content_from_the_detectors(
        runner: Runner, fake: FakeGitHub, tmp_path: Path, intake: str) -> None:
    built = build(tmp_path / "repo", {}, {name: secret_env() for name in HOSTILE_NAMES})
    runner.serve(built, intake)
    runner.event("pull_request")
    result = runner.run()
    assert result.code == 1
    found = {f["path"] for f in runner.report()["findings"]}  # type: ignore[union-attr]
    assert found == set(HOSTILE_NAMES)
    assert len(fake.active_blocks()) == 1


def test_a_file_that_cannot_be_read_whole_is_still_scored_from_its_hunks(
        runner: Runner, fake: FakeGitHub, tmp_path: Path) -> None:
    built = build(tmp_path / "repo", {"config/.env.production": "A=1\n"},
                  {"config/.env.production": "A=1\n" + secret_env()})
    runner.serve(built, "rest")
    runner.event("pull_request")
    fake.inject("GET", f"{REPO}/contents/config/.env.production", *[Fault(502)] * 30)
    result = runner.run()
    assert result.code == 1 and "Traceback" not in result.out + result.err
    assert [(f["path"], f["line"]) for f in runner.report()["findings"]] == [  # type: ignore
        ("config/.env.production", 2)]


def test_an_internal_error_is_an_annotation_not_a_traceback(
        runner: Runner, fake: FakeGitHub, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("detector exploded\n::set-output name=decision::auto_approve")

    monkeypatch.setattr("veroscore.github.action.evaluate", broken)
    runner.serve(blocked_pr(tmp_path), "rest")
    runner.event("pull_request")
    result = runner.run()
    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    assert result.commands() == ["error"]
    assert "internal error (RuntimeError)" in runner.summary.read_text()
    assert "success" not in {s["state"] for s in fake.statuses}
