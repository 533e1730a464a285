"""The noise filter alone (practice 18): names, configured excludes, and git's own ignores."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.session_helpers import git
from veroscore.session.debounce import Debouncer
from veroscore.session.gitcmd import Git
from veroscore.session.noise import ChangeFilter


@pytest.mark.parametrize("path", [
    ".git/index", ".git/veroscore/status.json", "sub/.git/HEAD", "src/.app.py.swp",
    "src/.app.py.swx", "4913", "src/app.py~", "src/#app.py#", "src/.#app.py",
    "src/app.py___jb_tmp___", "src/app.py___jb_old___", "doc.kate-swp",
    ".goutputstream-ABC123", ".~lock.sheet.ods#", "src/sedAb12Cd", "src/app.py.tmp.4242",
    ".DS_Store", "generated/x.py",
])
def test_noise_by_name(path: str) -> None:
    assert ChangeFilter(["generated/"]).is_noise(path)


@pytest.mark.parametrize("path", [
    "src/app.py", "README.md", "gitignore.md", "src/swap.py", "tests/test_tmp.py",
    "docs/#heading.md", "src/temporary.py", "a b/ünïcode.py", "src/[x].py",
])
def test_real_files_are_changes(path: str) -> None:
    assert not ChangeFilter(["generated/"]).is_noise(path)


def test_git_decides_what_the_repository_ignores(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / ".gitignore").write_text("build/\n*.log\n!keep.log\n")
    (root / "sub").mkdir()
    (root / "sub/.gitignore").write_text("local.cfg\n")
    (root / ".git/info/exclude").write_text("private.txt\n")
    global_excludes = tmp_path / "global-ignore"
    global_excludes.write_text("*.bak\n")
    git(root, "config", "core.excludesFile", str(global_excludes))
    paths = ["build/out.js", "app.log", "keep.log", "sub/local.cfg", "private.txt",
             "old.bak", "src/app.py", "sub/app.py", "*.log"]
    kept = ChangeFilter().changes_only(Git.open(root), paths)
    assert kept == ["keep.log", "src/app.py", "sub/app.py"]


def test_debounce_is_per_path_and_drains_on_stop() -> None:
    debouncer = Debouncer(2.0)
    debouncer.touch("a.py", 0.0)
    debouncer.touch("b.py", 1.0)
    debouncer.touch("a.py", 1.5)  # a later event restarts a.py's wait
    assert debouncer.settled(2.9) == []
    assert debouncer.settled(3.0) == ["b.py"]
    assert debouncer.settled(3.4) == []
    assert debouncer.settled(3.5) == ["a.py"]
    debouncer.touch("c.py", 4.0)
    assert debouncer.drain() == ["c.py"] and len(debouncer) == 0
