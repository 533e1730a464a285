"""Issue 11: no file is hidden from the detectors by its name, in any intake.

Git C-quotes names with quotes, backslashes and control characters even with
core.quotePath=false; every such name must be read exactly as a plain one, by the Python
detectors and by Semgrep, from a local git range, a patch file and the REST API.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

from tests.helpers import GitRepo
from veroscore.config import Config
from veroscore.detect.engine import detect
from veroscore.diff.git import GitRange, read_git_range
from veroscore.diff.github_api import read_pull_request
from veroscore.diff.model import FileStatus
from veroscore.diff.patch import read_patch_file
from veroscore.diff.pull_request import PullFile, PullRequestInfo
from veroscore.diff.sections import c_quote, c_unquote

MIB = 1024 * 1024
HOSTILE = [
    'plain.py',
    'we"ird.py',
    "back\\slash.py",
    "tab\there.py",
    "new\nline.py",
    "bell\x07.py",
    "sp ace/a b.py",
    "é/ünï.py",
    "bidi\u202egnp.py",
    "-dash.py",
    "--output=x.py",
    "a b/diff --git a/x b/y.py",
]
SOURCE = ('import os\n\n\ndef find(cursor, name):\n'
          '    cursor.execute(f"SELECT * FROM users WHERE name = \'{name}\'")\n'
          '    key = "AKIAQ3EGRLWZ5T7NV6PC"\n    return key\n')
PR = PullRequestInfo(number=3, head_sha="h" * 40, base_sha="b" * 40, head_ref="x", base_ref="main",
                     author="mallory", title="t", body="", draft=False, head_repo="acme/app")


def _hostile_repo(repo: GitRepo) -> tuple[str, str]:
    repo.write("README.md", "base\n")
    base = repo.commit("base")
    for name in HOSTILE:
        repo.write(name, SOURCE)
    return base, repo.commit("hostile names")


def _rules_by_path(changes_paths: set[str], findings: tuple[object, ...]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {p: set() for p in changes_paths}
    for f in findings:
        found.setdefault(f.path, set()).add(f.rule_id)  # type: ignore[attr-defined]
    return found


def test_c_quote_round_trips_every_hostile_name() -> None:
    for name in HOSTILE:
        assert c_unquote(c_quote(name)) == name
    assert c_unquote('"b/\\303\\251.py"') == "b/é.py"  # quotePath=true octal bytes


def test_git_intake_scans_every_hostile_name_like_a_plain_one(repo: GitRepo) -> None:
    base, head = _hostile_repo(repo)
    changes = read_git_range(GitRange(repo.root, base, head), MIB)
    paths = {f.path for f in changes.files}
    assert set(HOSTILE) <= paths
    for name in HOSTILE:
        changed = changes.file(name)
        assert changed is not None and changed.content == SOURCE, name
        assert changed.added_lines == dict(enumerate(SOURCE.splitlines(), 1)), name
        assert changed.status is FileStatus.ADDED, name
    result = detect(changes, Config())
    found = _rules_by_path(paths, result.findings)
    plain = found["plain.py"]
    assert {"python-sqli-string-built-query", "secret-aws-access-key-id"} <= plain
    for name in HOSTILE:
        assert found[name] == plain, name
    assert result.unscanned == ()


def test_patch_file_intake_reads_quoted_headers(repo: GitRepo, tmp_path: Path) -> None:
    base, head = _hostile_repo(repo)
    patch = tmp_path / "change.patch"
    # git's default quoting (quotePath=true): non-ASCII bytes as octal escapes too
    patch.write_bytes(subprocess.run(["git", "-C", str(repo.root), "diff", base, head],
                                     capture_output=True, check=True).stdout)
    from_patch = read_patch_file(patch, MIB)
    from_git = read_git_range(GitRange(repo.root, base, head), MIB)
    assert {f.path: f.added_lines for f in from_patch.files} == \
        {f.path: f.added_lines for f in from_git.files}


def test_rest_intake_keeps_github_names_exactly() -> None:
    patch = "@@ -0,0 +1,7 @@\n" + "".join(f"+{line}\n" for line in SOURCE.splitlines())
    files = [PullFile(name, "added", None, patch, 7, 0) for name in HOSTILE]
    changes = read_pull_request(PR, files, "acme/app", lambda _: None, MIB)
    assert [f.path for f in changes.files] == sorted(HOSTILE)
    for changed in changes.files:
        assert changed.added_lines == dict(enumerate(SOURCE.splitlines(), 1))
    result = detect(changes, Config(), use_semgrep=False)
    assert {f.path for f in result.findings if f.rule_id == "secret-aws-access-key-id"} == \
        set(HOSTILE)


def test_diff_never_imports_github() -> None:
    package = Path(__file__).resolve().parent.parent / "src" / "veroscore" / "diff"
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            assert not any(n.startswith("veroscore.github") for n in names), module.name
