"""Patch intake: renames, deletions, binaries, mode changes, CRLF, non-UTF-8, huge files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import new_file_patch
from veroscore.diff import FileStatus
from veroscore.diff.patch import parse_patch, read_patch_file
from veroscore.errors import InputError

MIXED = """diff --git a/old/name.py b/new/name.py
similarity index 80%
rename from old/name.py
rename to new/name.py
index 1111111..2222222 100644
--- a/old/name.py
+++ b/new/name.py
@@ -1,3 +1,4 @@
 import os
-x = 1
+x = 2
+y = 3
 z = 4
diff --git a/gone.py b/gone.py
deleted file mode 100644
index 3333333..0000000
--- a/gone.py
+++ /dev/null
@@ -1,2 +0,0 @@
-a = 1
-b = 2
diff --git a/logo.png b/logo.png
new file mode 100644
index 0000000..4444444
Binary files /dev/null and b/logo.png differ
diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
"""


def by_path(text: str) -> dict:  # type: ignore[type-arg]
    return {f.path: f for f in parse_patch(text, "t.patch")}


def test_statuses_and_lines() -> None:
    files = by_path(MIXED)
    renamed = files["new/name.py"]
    assert (renamed.status, renamed.old_path) == (FileStatus.RENAMED, "old/name.py")
    assert renamed.added_lines == {2: "x = 2", 3: "y = 3"}
    assert renamed.removed_count == 1
    assert renamed.content_is_partial
    assert renamed.content == "import os\nx = 2\ny = 3\nz = 4\n"
    assert files["gone.py"].status is FileStatus.DELETED and files["gone.py"].content is None
    assert files["logo.png"].is_binary and files["logo.png"].unscanned_reason == "binary file"
    mode_only = files["run.sh"]
    assert mode_only.status is FileStatus.MODIFIED and mode_only.added_lines == {}


def test_hunk_rebuild_keeps_line_numbers() -> None:
    text = ("diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -10,2 +10,3 @@\n"
            " keep\n+added\n keep2\n")
    changed = by_path(text)["a.py"]
    assert changed.added_lines == {11: "added"}
    assert changed.content is not None
    assert changed.content.splitlines()[10] == "added"


def test_crlf_is_normalised() -> None:
    text = new_file_patch("win.py", ["a = 1", "b = 2"]).replace("\n", "\r\n")
    assert by_path(text)["win.py"].added_lines == {1: "a = 1", 2: "b = 2"}


def test_non_utf8_is_replaced_and_noted(tmp_path: Path) -> None:
    patch = tmp_path / "latin1.patch"
    patch.write_bytes(new_file_patch("caf.py", ["name = 'caf\xe9'"]).encode("latin-1"))
    changes = read_patch_file(patch)
    assert changes.files[0].added_lines[1] == "name = 'caf\ufffd'"
    assert changes.notes == ("caf.py: not valid UTF-8; undecodable bytes were replaced",)


def test_huge_file_is_skipped_with_reason(tmp_path: Path) -> None:
    lines = ["x = '" + "a" * 1000 + "'"] * 5200
    files = by_path(new_file_patch("big.py", lines))
    assert files["big.py"].unscanned_reason is not None
    assert files["big.py"].unscanned_reason.startswith("larger than 1024 KiB")
    assert files["big.py"].added_lines == {}


@pytest.mark.parametrize("text", [
    "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n+only one line\n",
    "this is not a diff at all\n",
])
def test_malformed_patch_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match=r"^t\.patch: "):
        parse_patch(text, "t.patch")


def test_missing_patch_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="patch file not found"):
        read_patch_file(tmp_path / "missing.patch")


def test_empty_patch_has_no_files() -> None:
    assert parse_patch("", "empty.patch") == []
