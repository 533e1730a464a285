"""Git-range intake against real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import GitRepo
from veroscore.diff import FileStatus
from veroscore.diff.git import GitRange, read_git_range
from veroscore.errors import InputError

MIB = 1024 * 1024


def test_range_reads_whole_post_change_content(repo: GitRepo) -> None:
    repo.write("app.py", "def a():\n    return 1\n\n\ndef b():\n    return 2\n")
    repo.write("old.txt", "one\ntwo\nthree\nfour\n")
    base = repo.commit("base")
    repo.write("app.py", "def a():\n    return 10\n\n\ndef b():\n    return 2\n")
    repo.git("mv", "old.txt", "new.txt")
    repo.write("img.bin", b"\x89PNG\x00\x01\x02")
    repo.write("latin.py", "s = 'caf\xe9'\n".encode("latin-1"))
    head = repo.commit("change")
    changes = read_git_range(GitRange(repo.root, base, head), MIB)
    files = {f.path: f for f in changes.files}
    assert (changes.base_sha, changes.head_sha, changes.title) == (base, head, "change")
    assert files["app.py"].added_lines == {2: "    return 10"}
    assert files["app.py"].content == "def a():\n    return 10\n\n\ndef b():\n    return 2\n"
    assert not files["app.py"].content_is_partial
    assert files["new.txt"].status is FileStatus.RENAMED
    assert files["new.txt"].old_path == "old.txt"
    assert files["img.bin"].unscanned_reason == "binary file"
    assert files["latin.py"].content == "s = 'caf\ufffd'\n"
    assert "latin.py: not valid UTF-8; undecodable bytes were replaced" in changes.notes


def test_default_base_is_merge_base_with_default_branch(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    root = repo.commit("root")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("b.py", "y = 2\n")
    repo.commit("feature work")
    repo.write("c.py", "z = 3\n")
    repo.commit("more feature work")
    changes = read_git_range(GitRange(repo.root), MIB)
    assert changes.base_sha == root
    assert sorted(f.path for f in changes.files) == ["b.py", "c.py"]


def test_on_default_branch_the_base_is_the_parent(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit("one")
    repo.write("a.py", "x = 2\n")
    repo.commit("two")
    changes = read_git_range(GitRange(repo.root), MIB)
    assert [f.added_lines for f in changes.files] == [{1: "x = 2"}]


def test_root_commit_diffs_against_empty_tree(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit("only")
    changes = read_git_range(GitRange(repo.root), MIB)
    assert changes.files[0].status is FileStatus.ADDED


def test_oversized_modified_file_is_skipped(repo: GitRepo) -> None:
    repo.write("big.py", "x = 1\n" * 200_000)
    base = repo.commit("big")
    repo.write("big.py", "x = 2\n" + "x = 1\n" * 199_999)
    head = repo.commit("small hunk in a big file")
    changes = read_git_range(GitRange(repo.root, base, head), MIB)
    assert changes.files[0].unscanned_reason == "larger than 1024 KiB (1,200,000 bytes)"


def test_errors_are_input_errors(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit("one")
    with pytest.raises(InputError, match="not a git repository"):
        read_git_range(GitRange(tmp_path / "nowhere"), MIB)
    with pytest.raises(InputError, match="git rev-parse failed"):
        read_git_range(GitRange(repo.root, "no-such-ref"), MIB)
    with pytest.raises(InputError, match="invalid git ref '--output=x'"):
        read_git_range(GitRange(repo.root, "--output=x"), MIB)


def test_contents_are_read_by_blob_id_for_renames_spaces_and_non_ascii(repo: GitRepo) -> None:
    body = "".join(f"line_{n} = {n}\n" for n in range(20))
    repo.write("src/old_name.py", body)
    repo.write("gone.py", "x = 1\n")
    base = repo.commit("base")
    repo.git("mv", "src/old_name.py", "src/new_name.py")
    repo.write("src/new_name.py", body.replace("line_5 = 5", "line_5 = 55"))
    repo.write("docs/naïve name.py", "y = 2\n")
    repo.git("rm", "-q", "gone.py")
    head = repo.commit("rename, add, delete")
    changes = read_git_range(GitRange(repo.root, base, head), MIB)
    files = {f.path: f for f in changes.files}
    renamed = files["src/new_name.py"]
    assert (renamed.status, renamed.old_path) == (FileStatus.RENAMED, "src/old_name.py")
    assert renamed.added_lines == {6: "line_5 = 55"}
    assert renamed.content == body.replace("line_5 = 5", "line_5 = 55")
    assert not renamed.content_is_partial
    assert files["docs/naïve name.py"].content == "y = 2\n"
    assert files["gone.py"].status is FileStatus.DELETED
