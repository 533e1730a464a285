"""Issue 11/12: nothing unscanned is approved, and unreadable content is a listed result.

Unscanned files (binary, oversized, unreadable, unlisted by GitHub, Semgrep errors or a
failed Semgrep run) cap the decision at review_required and are named in every report;
text with a NUL byte is still read.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.helpers import GitRepo, run_cli
from veroscore.config import Config, ScoreConfig
from veroscore.detect.engine import detect
from veroscore.detect.finding import Finding
from veroscore.diff.content import decode_content
from veroscore.diff.git import GitRange, read_git_range
from veroscore.diff.github_api import read_pull_request
from veroscore.diff.model import Unscanned
from veroscore.diff.patch import parse_patch
from veroscore.diff.pull_request import PullFile, PullRequestInfo
from veroscore.pipeline import PipelineStatus
from veroscore.report import RunInfo, render_score
from veroscore.score.decision import decide
from veroscore.score.engine import evaluate

MIB = 1024 * 1024
AWS = 'AWS_KEY = "AKIAQ3EGRLWZ5T7NV6PC"'


def _pr(changed_files: int | None) -> PullRequestInfo:
    return PullRequestInfo(number=9, head_sha="h" * 40, base_sha="b" * 40, head_ref="f",
                           base_ref="main", author="a", title="t", body="", draft=False,
                           head_repo="acme/app", changed_files=changed_files)


def test_text_with_nul_bytes_is_scanned_not_skipped_as_binary(repo: GitRepo) -> None:
    repo.write("README.md", "x\n")
    base = repo.commit("base")
    repo.write(".env.production", f"DEBUG=0\n\x00{AWS}\n".encode())
    repo.write("settings.png", f"# misleading extension\n{AWS}\n".encode())
    head = repo.commit("nul")
    changes = read_git_range(GitRange(repo.root, base, head), MIB)
    assert changes.unscanned == ()
    result = detect(changes, Config(), use_semgrep=False)
    assert {f.path for f in result.findings if f.violation_type == "hardcoded_secret"} == \
        {".env.production", "settings.png"}


def test_missing_object_is_unscanned_and_the_rest_is_read(repo: GitRepo) -> None:
    repo.write("README.md", "x\n")
    base = repo.commit("base")
    repo.write("lost.py", "X = 'only in the promisor remote'\n")
    repo.write("kept.py", f"{AWS}\n")
    head = repo.commit("two files")
    blob = repo.git("rev-parse", f"{head}:lost.py")
    loose = repo.root / ".git" / "objects" / blob[:2] / blob[2:]
    os.chmod(loose, stat.S_IWUSR | stat.S_IRUSR)
    loose.unlink()
    changes = read_git_range(GitRange(repo.root, base, head), MIB)
    assert [u.path for u in changes.unscanned] == ["lost.py"]
    assert "not in this clone" in changes.unscanned[0].reason
    kept = changes.file("kept.py")
    assert kept is not None and kept.content == f"{AWS}\n" and kept.added_lines == {1: AWS}


def test_rest_intake_lists_files_beyond_githubs_cap_and_unreadable_ones() -> None:
    def read_at_head(path: str) -> bytes | None:
        if path == "broken.py":
            raise RuntimeError("GitHub API 502: Bad Gateway")
        png = b"\x89PNG\r\n\x1a\n\x00\x00\x01\x02\x03\x04\x05\x06\x07\x0e\x0f\x10\x11\x12"
        return {"big.py": f"{AWS}\n".encode(), "logo.png": png}.get(path)

    files = [PullFile("big.py", "modified", None, None, 1, 0),
             PullFile("broken.py", "added", None, None, 1, 0),
             PullFile("gone-at-head.py", "added", None, None, 1, 0),
             PullFile("logo.png", "added", None, None, 0, 0)]
    changes = read_pull_request(_pr(changed_files=3500), files, "acme/app", read_at_head, MIB)
    reasons = {u.path: u.reason for u in changes.unscanned}
    assert set(reasons) == {"broken.py", "gone-at-head.py", "logo.png", "<3496 more file(s)>"}
    assert "502" in reasons["broken.py"]
    assert reasons["logo.png"] == "binary file"
    assert "listed 4 of the 3,500" in reasons["<3496 more file(s)>"]
    big = changes.file("big.py")
    assert big is not None and big.added_lines == {1: AWS}


def test_unscanned_caps_the_decision_but_never_hides_a_block() -> None:
    complete = PipelineStatus(present=True, complete=True, bonus=5.0, missing=())
    unscanned = (Unscanned("logo.png", "binary file"),)
    capped = decide(9.9, (), complete, ScoreConfig(), unscanned)
    assert capped.value == "review_required" and "logo.png" in capped.reason
    assert decide(9.9, (), complete, ScoreConfig()).value == "auto_approve"
    high = (Finding(rule_id="r", violation_type="hardcoded_date", severity="high",
                    detector="dates", message="m", path="a.py", line=1, snippet="",
                    suggested_fix="", penalty=-60),)
    assert decide(-1.0, high, complete, ScoreConfig(block_below=0.0), unscanned).value == \
        "auto_block"


@pytest.fixture
def failing_semgrep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "semgrep"
    script.write_text("#!/bin/sh\necho 'Fatal error: out of memory' >&2\nexit 2\n")
    script.chmod(0o755)
    monkeypatch.setenv("VEROSCORE_SEMGREP_BIN", str(script))


@pytest.mark.usefixtures("failing_semgrep")
def test_a_failed_semgrep_run_makes_its_files_unscanned_not_a_crash(repo: GitRepo) -> None:
    repo.write("README.md", "x\n")
    base = repo.commit("base")
    repo.write("app.py", '"""App."""\n\n\ndef f() -> int:\n    return 1\n')
    repo.write("notes.md", "Docs.\n")
    head = repo.commit("code")
    result = evaluate(read_git_range(GitRange(repo.root, base, head), MIB), Config())
    assert [u.path for u in result.unscanned] == ["app.py"]
    assert "Semgrep failed (exit 2: Fatal error: out of memory)" in result.unscanned[0].reason
    assert result.decision != "auto_approve"


def test_semgrep_file_errors_are_unscanned_and_shown_in_every_report(
        capsys: pytest.CaptureFixture[str], repo: GitRepo) -> None:
    repo.write("README.md", "x\n")
    base = repo.commit("base")
    repo.write("broken.py", "def f(:\n    x = \n")
    repo.write("ok.py", "X = 1\n")
    head = repo.commit("syntax error")
    run = run_cli(capsys, "score", "--repo", str(repo.root), "--base", base, "--format",
                  "json", "--store", "none")
    data = json.loads(run.out)
    assert [u["path"] for u in data["unscanned"]] == ["broken.py"]
    assert data["unscanned"][0]["reason"].startswith("Semgrep could not analyse it")
    assert data["decision"] == "review_required"
    changes = read_git_range(GitRange(repo.root, base, head), MIB)
    result = evaluate(changes, Config())
    comment = render_score(result, "markdown", RunInfo("t"))
    text = render_score(result, "text", RunInfo("t"))
    sarif = json.loads(render_score(result, "sarif", RunInfo("t")))
    assert "Not scanned (1)" in comment and "<code>broken.py</code>" in comment, comment
    assert "Not scanned (1)" in text and "broken.py: Semgrep could not analyse it" in text
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "broken.py"


@pytest.mark.parametrize(("data", "text"), [
    (b"API_KEY=abc\x00def\n", "API_KEY=abcdef\n"),
    ("\ufeffname = 'é'\n".encode("utf-16"), "\ufeffname = 'é'\n"),
    (b"caf\xe9 = 1\n", "caf\ufffd = 1\n"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x08\x06\x00\x00\x00\x01\x02", None),
])
def test_text_or_binary_is_decided_by_content(data: bytes, text: str | None) -> None:
    assert decode_content(data).text == text


def test_patch_with_a_nul_in_an_added_line_is_read() -> None:
    patch = ("diff --git a/.env b/.env\nnew file mode 100644\n--- /dev/null\n+++ b/.env\n"
             f"@@ -0,0 +1,2 @@\n+DEBUG=0\n+\x00{AWS}\n")
    [changed] = parse_patch(patch, "t.patch")
    assert changed.unscanned_reason is None and changed.added_lines == {1: "DEBUG=0", 2: AWS}


def test_missing_base_object_does_not_fail_the_change(repo: GitRepo) -> None:
    repo.write("app.py", "A = 1\n")
    base = repo.commit("base")
    old_blob = repo.git("rev-parse", f"{base}:app.py")
    repo.write("app.py", f"A = 1\n{AWS}\n")
    head = repo.commit("edit")
    loose = repo.root / ".git" / "objects" / old_blob[:2] / old_blob[2:]
    os.chmod(loose, stat.S_IWUSR | stat.S_IRUSR)
    loose.unlink()
    changes = read_git_range(GitRange(repo.root, base, head), MIB)
    changed = changes.file("app.py")
    assert changes.unscanned == ()
    assert changed is not None and changed.added_lines[2] == AWS


def test_a_missing_object_of_a_rename_candidate_does_not_fail_the_change(
        repo: GitRepo) -> None:
    """Real case (a snapshot missing one blob): `git diff -M` read the deleted file's blob
    to compare it with the added one and failed as a whole."""
    body = "".join(f"line {n} of a long enough file\n" for n in range(40))
    repo.write("old_name.py", body)
    repo.write("keep.py", "K = 1\n")
    base = repo.commit("base")
    old_blob = repo.git("rev-parse", f"{base}:old_name.py")
    (repo.root / "old_name.py").unlink()
    repo.write("new_name.py", body + "extra = 1\n")
    repo.write("keep.py", f"K = 1\n{AWS}\n")
    head = repo.commit("rename and edit")
    loose = repo.root / ".git" / "objects" / old_blob[:2] / old_blob[2:]
    os.chmod(loose, stat.S_IWUSR | stat.S_IRUSR)
    loose.unlink()
    changes = read_git_range(GitRange(repo.root, base, head), MIB)
    kept = changes.file("keep.py")
    assert kept is not None and kept.added_lines[2] == AWS
    assert changes.file("new_name.py") is not None
