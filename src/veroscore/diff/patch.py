"""Turn per-file diffs into `ChangedFile`s, and read a `.patch` file.

Every intake first decides each file's exact name, status and hunks (`FileDiff`): git
from its NUL-separated output, a patch file from its (C-quoted) headers, the REST API from
its JSON. Only the hunks go through `unidiff`, under placeholder names, so no file name —
quotes, tabs, newlines, bidi characters, a leading dash — can change how the diff reads.
This module then decides what each file means for review: binary, oversized and
unreadable files are kept in the list as unscanned (so the report says so), CRLF line
endings are normalised, NUL bytes removed and undecodable bytes replaced and noted.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchedFile, PatchSet

from veroscore.diff.content import DecodedContent, strip_nul
from veroscore.diff.generated import mark_generated
from veroscore.diff.language import language_of
from veroscore.diff.model import ChangedFile, ChangeSet, FileStatus
from veroscore.diff.sections import header_names, split_sections
from veroscore.errors import InputError

ContentReader = Callable[[str], DecodedContent | None]
"""The post-change content of a path, or None to rebuild it from the hunks."""

MIB = 1024 * 1024
BINARY = "binary file"
_UNPARSED = "its diff could not be parsed ("


def oversized(size: int, max_bytes: int) -> str:
    """The unscanned reason of a file over the size limit."""
    return f"larger than {max_bytes // 1024} KiB ({size:,} bytes)"


@dataclass(frozen=True)
class FileDiff:
    """One file's part of a change, with its exact names: hunks start at the first `@@`."""

    path: str
    status: FileStatus
    old_path: str | None = None
    hunks: str = ""
    is_binary: bool = False
    unscanned_reason: str | None = None


def decode_patch(data: bytes) -> tuple[str, bool]:
    """Decode patch bytes as UTF-8; the flag says whether bytes had to be replaced."""
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), True


def whole_file_hunks(text: str) -> str:
    """Hunks that add every line of `text` (a file read whole, not from a diff)."""
    lines = text.splitlines()
    if not lines:
        return ""
    return f"@@ -0,0 +1,{len(lines)} @@\n" + "".join(f"+{line}\n" for line in lines)


def parse_file_diffs(diffs: list[FileDiff], max_file_bytes: int = MIB,
                     read_content: ContentReader | None = None,
                     known_sizes: Mapping[str, int] | None = None) -> list[ChangedFile]:
    """`ChangedFile`s of `diffs`, sorted by path.

    `known_sizes` gives post-change sizes the caller already knows (git does), so an
    oversized file is unscanned even when only a small hunk of it changed. A file whose
    hunks do not parse is unscanned with the parser's message; the others are kept.
    """
    parsed = _parse_hunks(diffs)
    sizes = known_sizes or {}
    files = [_changed_file(d, parsed.get(i), max_file_bytes, read_content, sizes)
             for i, d in enumerate(diffs)]
    return sorted(files, key=lambda f: f.path)


def _placeholder(index: int, hunks: str) -> str:
    body = hunks.replace("\r\n", "\n")
    return f"--- a/f{index}\n+++ b/f{index}\n{body.rstrip(chr(10))}\n"


def _parse_hunks(diffs: list[FileDiff]) -> dict[int, PatchedFile | str]:
    """Index of each diff with hunks -> its parsed hunks, or the parse error's message.
    One parse for the whole change (fast); one per file only when that fails."""
    indexes = [i for i, d in enumerate(diffs) if d.hunks.strip() and not d.unscanned_reason]
    try:
        patch = PatchSet("".join(_placeholder(i, strip_nul(diffs[i].hunks)[0])
                                 for i in indexes))
        if len(patch) == len(indexes):
            return dict(zip(indexes, patch, strict=True))
    except UnidiffParseError:
        pass
    result: dict[int, PatchedFile | str] = {}
    for i in indexes:
        try:
            one = PatchSet(_placeholder(i, strip_nul(diffs[i].hunks)[0]))
            result[i] = one[0] if len(one) == 1 else "no hunk found"
        except UnidiffParseError as exc:
            result[i] = str(exc)
    return result


def _changed_file(d: FileDiff, hunks: PatchedFile | str | None, max_bytes: int,
                  read_content: ContentReader | None, known_sizes: Mapping[str, int]
                  ) -> ChangedFile:
    base = ChangedFile(path=d.path, status=d.status, language=language_of(d.path),
                       old_path=d.old_path if d.status is FileStatus.RENAMED else None,
                       removed_count=hunks.removed if isinstance(hunks, PatchedFile) else 0)
    if d.unscanned_reason:
        return replace(base, unscanned_reason=d.unscanned_reason)
    if isinstance(hunks, str):
        return replace(base, unscanned_reason=f"{_UNPARSED}{hunks})")
    if d.status is FileStatus.DELETED:
        return base
    decoded = read_content(d.path) if read_content else None
    size = known_sizes.get(d.path)
    if size is not None and size > max_bytes:
        return replace(base, unscanned_reason=oversized(size, max_bytes))
    if (decoded is not None and decoded.is_binary) or (d.is_binary and decoded is None):
        return replace(base, is_binary=True, unscanned_reason=BINARY)
    added = {} if hunks is None else {
        line.target_line_no: line.value.rstrip("\r\n")
        for hunk in hunks for line in hunk if line.is_added and line.target_line_no}
    partial = decoded is None
    content = _rebuild_from_hunks(hunks) if decoded is None else strip_nul(decoded.text or "")[0]
    size = len(content.encode("utf-8", errors="replace")) if size is None else size
    if size > max_bytes:
        return replace(base, unscanned_reason=oversized(size, max_bytes))
    return replace(base, added_lines=added, content=content,
                   content_is_partial=partial and d.status is not FileStatus.ADDED)


def _rebuild_from_hunks(hunks: PatchedFile | None) -> str:
    """Post-change text from the hunks alone; lines outside every hunk are left blank."""
    lines: dict[int, str] = {}
    for hunk in hunks or ():
        for line in hunk:
            if line.target_line_no and not line.is_removed:
                lines[line.target_line_no] = line.value.rstrip("\r\n")
    if not lines:
        return ""
    return "\n".join(lines.get(n, "") for n in range(1, max(lines) + 1)) + "\n"


def status_of(old: str | None, new: str | None) -> FileStatus:
    """The status a diff's two names imply (None stands for /dev/null)."""
    if old is None:
        return FileStatus.ADDED
    if new is None:
        return FileStatus.DELETED
    return FileStatus.RENAMED if old != new else FileStatus.MODIFIED


def file_diffs_of_patch(text: str, source: str) -> list[FileDiff]:
    """The per-file diffs of patch text: git sections by their headers, else `unidiff`."""
    sections = split_sections(text)
    if not sections:
        return _plain_unified_diffs(text, source)
    if not any(s.strip() for s in sections):
        return []
    diffs = []
    for section in sections:
        header = header_names(section)
        path = header.new_path or header.old_path
        if path is None:
            raise InputError(f"{source}: cannot read the file names of "
                             f"{section.splitlines()[0][:200]!r}")
        diffs.append(FileDiff(path, status_of(header.old_path, header.new_path),
                              header.old_path, header.body, header.is_binary))
    return diffs


def _strip_ab(path: str) -> str:
    return path[2:] if path.startswith(("a/", "b/")) else path


def _plain_unified_diffs(text: str, source: str) -> list[FileDiff]:
    """A diff without `diff --git` headers (`diff -u`): unidiff reads the names."""
    try:
        patch = PatchSet(text.replace("\r\n", "\n"))
    except UnidiffParseError as exc:
        raise InputError(f"{source}: malformed diff ({exc})") from None
    if not patch and text.strip():
        raise InputError(f"{source}: not a unified diff (no file headers found)")
    return [FileDiff(_strip_ab(pf.path), _pf_status(pf),
                     _strip_ab(pf.source_file) if pf.is_rename else None,
                     "".join(str(h) for h in pf), pf.is_binary_file) for pf in patch]


def _pf_status(pf: PatchedFile) -> FileStatus:
    if pf.is_added_file:
        return FileStatus.ADDED
    if pf.is_removed_file:
        return FileStatus.DELETED
    return FileStatus.RENAMED if pf.is_rename else FileStatus.MODIFIED


def read_patch_file(path: Path, max_file_bytes: int = MIB) -> ChangeSet:
    """Build a `ChangeSet` from a `.patch`/`.diff` file (`-` reads standard input)."""
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: patch file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read patch file ({exc.strerror})") from None
    text, replaced = decode_patch(data)
    files = mark_generated(parse_patch(text, str(path), max_file_bytes))
    notes = [f"{f.path}: not valid UTF-8; undecodable bytes were replaced"
             for f in files if replaced and f.content and "\ufffd" in f.content]
    partial = sum(1 for f in files if f.content_is_partial)
    if partial:
        notes.append(f"{partial} modified file(s) analysed from their diff hunks only "
                     "(score a git range to analyse whole files)")
    return ChangeSet(files=tuple(files), repository=path.name, notes=tuple(notes))


def parse_patch(text: str, source: str, max_file_bytes: int = MIB) -> list[ChangedFile]:
    """The `ChangedFile`s of a patch the user gave; `source` names it in the one error a
    malformed diff gets (the user can fix it, unlike a diff from git or GitHub)."""
    files = parse_file_diffs(file_diffs_of_patch(text.replace("\r\n", "\n"), source),
                             max_file_bytes)
    for changed in files:
        if changed.unscanned_reason and changed.unscanned_reason.startswith(_UNPARSED):
            raise InputError(f"{source}: malformed diff for {changed.path!r} "
                             f"({changed.unscanned_reason.removeprefix(_UNPARSED)}")
    return files
