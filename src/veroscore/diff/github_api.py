"""Build a ChangeSet from the REST API when the workspace does not hold both commits.

`pulls/{n}/files` gives each file's hunks (`patch`) under the exact name GitHub knows.
GitHub omits `patch` for large or binary diffs: those files are read whole at the head
sha, and a file that cannot be read there is unscanned, never dropped. The endpoint lists
at most 3,000 files; the PR's own `changed_files` count tells how many were left out, and
they are unscanned too.
"""

from __future__ import annotations

from collections.abc import Callable

from veroscore.diff.content import DecodedContent, decode_content
from veroscore.diff.generated import GitAttributes, mark_generated
from veroscore.diff.model import ChangeSet, FileStatus, Unscanned
from veroscore.diff.patch import FileDiff, parse_file_diffs, whole_file_hunks
from veroscore.diff.pull_request import PullFile, PullRequestInfo

GITHUB_FILES_CAP = 3000
_STATUS = {"added": FileStatus.ADDED, "removed": FileStatus.DELETED,
           "renamed": FileStatus.RENAMED, "copied": FileStatus.ADDED}

HeadReader = Callable[[str], bytes | None]
"""The bytes of a path at the head commit, None when absent; may raise on API faults."""


def _read_whole(f: PullFile, read_at_head: HeadReader, contents: dict[str, DecodedContent],
                sizes: dict[str, int]) -> FileDiff:
    """The diff of a file GitHub sent no patch for: every line at head counts as added."""
    status = _STATUS.get(f.status, FileStatus.MODIFIED)
    try:
        data = read_at_head(f.filename)
    except Exception as exc:  # any API fault: this file is unscanned, the others are not
        return FileDiff(f.filename, status, f.previous_filename,
                        unscanned_reason=f"GitHub sent no diff and reading it at the head "
                                         f"commit failed ({str(exc)[:200]})")
    if data is None:
        return FileDiff(f.filename, status, f.previous_filename,
                        unscanned_reason="GitHub sent no diff and the file cannot be read "
                                         "at the head commit")
    decoded = decode_content(data)
    contents[f.filename], sizes[f.filename] = decoded, len(data)
    return FileDiff(f.filename, status, f.previous_filename,
                    whole_file_hunks(decoded.text or ""), decoded.is_binary)


def _unlisted(pr: PullRequestInfo, listed: int) -> tuple[Unscanned, ...]:
    expected = pr.changed_files
    if expected is not None and expected > listed:
        return (Unscanned(f"<{expected - listed} more file(s)>",
                          f"GitHub listed {listed:,} of the {expected:,} changed files; "
                          "the others were not scanned"),)
    if expected is None and listed >= GITHUB_FILES_CAP:
        return (Unscanned("<more files>", f"GitHub lists at most {GITHUB_FILES_CAP:,} files "
                                          "of a pull request; any beyond were not scanned"),)
    return ()


def read_pull_request(pr: PullRequestInfo, files: list[PullFile], repository: str,
                      read_at_head: HeadReader, max_file_bytes: int,
                      gitattributes: str = "") -> ChangeSet:
    """The ChangeSet of a PR from its file list; content fetched only where needed.
    `gitattributes` is the base revision's root `.gitattributes` (generated files)."""
    diffs: list[FileDiff] = []
    contents: dict[str, DecodedContent] = {}
    sizes: dict[str, int] = {}
    notes: list[str] = []
    for f in files:
        status = _STATUS.get(f.status, FileStatus.MODIFIED)
        if f.patch is not None or status is FileStatus.DELETED:
            diffs.append(FileDiff(f.filename, status, f.previous_filename, f.patch or ""))
            continue
        diffs.append(_read_whole(f, read_at_head, contents, sizes))
        if f.filename in contents and not contents[f.filename].is_binary:
            notes.append(f"{f.filename}: GitHub sent no diff for this file; every line was "
                         "checked")
    changed = mark_generated(parse_file_diffs(diffs, max_file_bytes, read_content=contents.get,
                                              known_sizes=sizes), GitAttributes(gitattributes))
    partial = sum(1 for c in changed if c.content_is_partial)
    if partial:
        notes.append(f"{partial} modified file(s) analysed from their diff hunks only "
                     "(check out with fetch-depth: 0 to analyse whole files)")
    return ChangeSet(files=tuple(changed), repository=repository,
                     pr_number=pr.number, base_sha=pr.base_sha, head_sha=pr.head_sha,
                     author=pr.author, title=pr.title, description=pr.body,
                     head_ref=pr.head_ref, notes=tuple(notes),
                     unlisted=_unlisted(pr, len(files)))
