"""Build a ChangeSet from the REST API when the workspace does not hold both commits.

`pulls/{n}/files` gives each file's hunks (`patch`); GitHub omits `patch` for large or
binary files, so those are read at the head sha. The endpoint lists at most 3,000 files,
which the notes say when reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from veroscore.diff.language import language_of
from veroscore.diff.model import ChangedFile, ChangeSet
from veroscore.diff.patch import decode_patch, parse_patch
from veroscore.github.client import PullFile
from veroscore.github.event import PullRequestInfo

GITHUB_FILES_CAP = 3000
_OLD, _NEW = "old", "new"
"""Placeholder names in the per-file diffs: a file name may hold a newline, which would
rewrite the diff's own header lines; `_parse_one` puts the real names back."""
_STATUS_HEADER = {"added": "new file mode 100644\n--- /dev/null\n",
                  "removed": "deleted file mode 100644\n"}


def _file_diff(f: PullFile, patch: str) -> str:
    """A git-style diff for one file, so parse_patch sees renames and additions."""
    old = _OLD if f.status == "renamed" else _NEW
    header = f"diff --git a/{old} b/{_NEW}\n"
    if f.status == "renamed":
        header += f"rename from {_OLD}\nrename to {_NEW}\n"
    header += _STATUS_HEADER.get(f.status, "")
    if f.status != "added":
        header += f"--- a/{old}\n"
    target = "/dev/null" if f.status == "removed" else f"b/{_NEW}"
    return f"{header}+++ {target}\n{patch.rstrip(chr(10))}\n"


def _whole_file_diff(text: str) -> str:
    """The diff of a file GitHub sent no patch for: every line at head counts as added."""
    lines = text.splitlines()
    body = "".join(f"+{line}\n" for line in lines)
    return (f"diff --git a/{_NEW} b/{_NEW}\n--- a/{_NEW}\n+++ b/{_NEW}\n"
            f"@@ -0,0 +1,{len(lines)} @@\n{body}")


def _parse_one(f: PullFile, diff: str, max_bytes: int, text: str | None = None,
               size: int | None = None) -> ChangedFile:
    """Parse one file's diff and give the result the file's real names."""
    parsed = parse_patch(diff, repr(f.filename), max_bytes,
                         read_content=None if text is None else lambda _: text,
                         known_sizes=None if size is None else {_NEW: size})[0]
    return replace(parsed, path=f.filename, language=language_of(f.filename),
                   old_path=f.previous_filename)


def read_pull_request(pr: PullRequestInfo, files: list[PullFile], repository: str,
                      read_at_head: Callable[[str], bytes | None],
                      max_file_bytes: int) -> ChangeSet:
    """The ChangeSet of a PR from its file list; content fetched only where needed."""
    changed: list[ChangedFile] = []
    notes: list[str] = []
    for f in files:
        if f.patch is not None or f.status == "removed":
            changed.append(_parse_one(f, _file_diff(f, f.patch or ""), max_file_bytes))
            continue
        data = read_at_head(f.filename)
        if data is None:
            notes.append(f"{f.filename}: GitHub sent no diff and the file cannot be read at "
                         "the head commit; it was not scored")
            continue
        if b"\x00" in data[:8000]:
            header_only = _parse_one(f, _file_diff(f, ""), max_file_bytes)
            changed.append(replace(header_only, is_binary=True, skipped_reason="binary file"))
            continue
        text, _ = decode_patch(data)
        changed.append(_parse_one(f, _whole_file_diff(text), max_file_bytes, text, len(data)))
        notes.append(f"{f.filename}: GitHub sent no diff for this file; every line was checked")
    if len(files) >= GITHUB_FILES_CAP:
        notes.append(f"GitHub lists at most {GITHUB_FILES_CAP:,} files of a pull request; "
                     "files beyond that were not scored")
    partial = sum(1 for c in changed if c.content_is_partial)
    if partial:
        notes.append(f"{partial} modified file(s) analysed from their diff hunks only "
                     "(check out with fetch-depth: 0 to analyse whole files)")
    return ChangeSet(files=tuple(sorted(changed, key=lambda c: c.path)), repository=repository,
                     pr_number=pr.number, base_sha=pr.base_sha, head_sha=pr.head_sha,
                     author=pr.author, title=pr.title, description=pr.body,
                     head_ref=pr.head_ref, notes=tuple(notes))
