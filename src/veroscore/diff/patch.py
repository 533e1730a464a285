"""Parse a unified diff (from `git diff` or a `.patch` file) into `ChangedFile`s.

`unidiff` does the parsing; this module decides what each file means for review:
binary and oversized files are kept in the list but marked skipped (so the report can say
so), CRLF line endings are normalised, and undecodable bytes are replaced and noted.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchedFile, PatchSet

from veroscore.diff.language import language_of
from veroscore.diff.model import ChangedFile, ChangeSet, FileStatus
from veroscore.errors import InputError

ContentReader = Callable[[str], str | None]
"""Returns the post-change text of a path, or None to rebuild it from the hunks."""

MIB = 1024 * 1024


def oversized(size: int, max_bytes: int) -> str:
    """The skip reason of a file over the size limit."""
    return f"larger than {max_bytes // 1024} KiB ({size:,} bytes)"


def decode_patch(data: bytes) -> tuple[str, bool]:
    """Decode patch bytes as UTF-8; the flag says whether bytes had to be replaced."""
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), True


def parse_patch(text: str, source: str, max_file_bytes: int = MIB,
                read_content: ContentReader | None = None,
                known_sizes: Mapping[str, int] | None = None) -> list[ChangedFile]:
    """Parse diff `text`; `source` names it in the error raised for a malformed diff.

    `known_sizes` gives post-change sizes the caller already knows (git does), so an
    oversized file is skipped even when only a small hunk of it changed.
    """
    try:
        patch = PatchSet(text.replace("\r\n", "\n"))
    except UnidiffParseError as exc:
        raise InputError(f"{source}: malformed diff ({exc})") from None
    if not patch and text.strip():
        raise InputError(f"{source}: not a unified diff (no file headers found)")
    sizes = known_sizes or {}
    files = [_changed_file(f, max_file_bytes, read_content, sizes) for f in patch]
    return sorted(files, key=lambda f: f.path)


def _status(pf: PatchedFile) -> FileStatus:
    if pf.is_added_file:
        return FileStatus.ADDED
    if pf.is_removed_file:
        return FileStatus.DELETED
    if pf.is_rename:
        return FileStatus.RENAMED
    return FileStatus.MODIFIED


def _strip_prefix(path: str) -> str:
    return path[2:] if path.startswith(("a/", "b/")) else path


def _changed_file(pf: PatchedFile, max_bytes: int, read_content: ContentReader | None,
                  known_sizes: Mapping[str, int]) -> ChangedFile:
    status = _status(pf)
    path = _strip_prefix(pf.path)
    old_path = _strip_prefix(pf.source_file) if status is FileStatus.RENAMED else None
    base = ChangedFile(path=path, status=status, language=language_of(path),
                       old_path=old_path, removed_count=pf.removed)
    if pf.is_binary_file:
        return replace(base, is_binary=True, skipped_reason="binary file")
    if status is FileStatus.DELETED:
        return base
    added = {line.target_line_no: line.value.rstrip("\r\n")
             for hunk in pf for line in hunk if line.is_added and line.target_line_no}
    content = read_content(path) if read_content else None
    partial = content is None
    if content is None:
        content = _rebuild_from_hunks(pf)
    size = known_sizes.get(path) or len(content.encode("utf-8", errors="replace"))
    if size > max_bytes:
        return replace(base, skipped_reason=oversized(size, max_bytes))
    if "\x00" in content:
        return replace(base, is_binary=True, skipped_reason="binary file")
    return replace(base, added_lines=added, content=content,
                   content_is_partial=partial and status is not FileStatus.ADDED)


def _rebuild_from_hunks(pf: PatchedFile) -> str:
    """Post-change text from the hunks alone; lines outside every hunk are left blank."""
    lines: dict[int, str] = {}
    for hunk in pf:
        for line in hunk:
            if line.target_line_no and not line.is_removed:
                lines[line.target_line_no] = line.value.rstrip("\r\n")
    if not lines:
        return ""
    return "\n".join(lines.get(n, "") for n in range(1, max(lines) + 1)) + "\n"


def read_patch_file(path: Path, max_file_bytes: int = MIB) -> ChangeSet:
    """Build a `ChangeSet` from a `.patch`/`.diff` file (`-` reads standard input)."""
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: patch file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read patch file ({exc.strerror})") from None
    text, replaced = decode_patch(data)
    files = parse_patch(text, str(path), max_file_bytes)
    notes = [f"{f.path}: not valid UTF-8; undecodable bytes were replaced"
             for f in files if replaced and f.content and "\ufffd" in f.content]
    partial = sum(1 for f in files if f.content_is_partial)
    if partial:
        notes.append(f"{partial} modified file(s) analysed from their diff hunks only "
                     "(score a git range to analyse whole files)")
    return ChangeSet(files=tuple(files), repository=path.name, notes=tuple(notes))
