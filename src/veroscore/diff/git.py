"""Read a change from a local git repository: `git diff base head` plus content at head.

Every git call gets its arguments as a list (never through a shell), because refs and
paths may come from a pull request author. File names are taken from `git diff --raw -z`
(NUL-separated, exactly as git stores them) and paired, in order, with the sections of
the textual diff; each pairing is checked against the section's header, so a name with
quotes, tabs, newlines or bidi characters cannot shift one file's hunks onto another.
No path is ever passed to git as an argument (blobs are read by id), so a name starting
with a dash cannot be read as an option.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from veroscore.diff.content import DecodedContent, decode_content
from veroscore.diff.generated import GitAttributes, mark_generated
from veroscore.diff.model import ChangeSet, FileStatus
from veroscore.diff.patch import FileDiff, decode_patch, parse_file_diffs, whole_file_hunks
from veroscore.diff.reference import read_reference_sql
from veroscore.diff.sections import c_quote, header_names, split_sections
from veroscore.errors import InputError

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
NULL_ID = "0" * 40
_STATUS = {"A": FileStatus.ADDED, "D": FileStatus.DELETED, "M": FileStatus.MODIFIED,
           "T": FileStatus.MODIFIED, "R": FileStatus.RENAMED, "C": FileStatus.ADDED}


@dataclass(frozen=True)
class GitRange:
    repo: Path
    base: str | None = None
    head: str = "HEAD"


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], input=stdin,
                              capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError("git is not installed or not on PATH") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git {args[0]} failed in {repo}: "
                         f"{message[-1] if message else 'exit ' + str(done.returncode)}")
    return done.stdout


def _rev(repo: Path, ref: str) -> str:
    if ref.startswith("-"):
        raise InputError(f"invalid git ref '{ref}'")
    return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()


def has_commits(repo: Path, *shas: str) -> bool:
    """Whether the repository holds every one of these commits (a shallow checkout may not)."""
    for sha in shas:
        if not sha:
            return False
        try:
            _rev(repo, sha)
        except InputError:
            return False
    return True


def _default_branch(repo: Path) -> str | None:
    try:
        ref = _git(repo, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD").decode().strip()
        return ref.removeprefix("refs/remotes/")
    except InputError:
        pass
    for candidate in ("origin/main", "origin/master", "main", "master"):
        try:
            _rev(repo, candidate)
            return candidate
        except InputError:
            continue
    return None


def resolve_base(repo: Path, head_sha: str) -> str:
    """Merge-base of head with the default branch; the parent when head is on it."""
    branch = _default_branch(repo)
    if branch is not None:
        base = _git(repo, "merge-base", branch, head_sha).decode().strip()
        if base and base != head_sha:
            return base
    try:
        return _rev(repo, f"{head_sha}~1")
    except InputError:
        return EMPTY_TREE


@dataclass(frozen=True)
class _RawEntry:
    """One record of `git diff --raw -z`: modes, blob ids, status letter, exact names."""

    old_mode: str
    new_mode: str
    old_id: str
    new_id: str
    status: str
    path: str
    old_path: str | None

    @property
    def header(self) -> str:
        """The `diff --git` line git writes for this file (with our fixed prefixes)."""
        return f"diff --git {c_quote('a/' + (self.old_path or self.path))} " \
               f"{c_quote('b/' + self.path)}"


def _raw_entries(repo: Path, base: str, head: str, renames: bool = True) -> list[_RawEntry]:
    """`:mode mode old_id new_id status NUL path [NUL new_path] NUL` records, in diff order."""
    fields = _git(repo, "diff", "--raw", "-z", "--no-abbrev", "--no-ext-diff", "--no-relative",
                  "-M" if renames else "--no-renames", base, head).split(b"\0")
    entries: list[_RawEntry] = []
    index = 0
    while index + 1 < len(fields) and fields[index].startswith(b":"):
        meta = fields[index][1:].decode("ascii").split()
        two = meta[4][0] in "RC"
        names = [f.decode("utf-8", errors="replace")
                 for f in fields[index + 1:index + 2 + two]]
        entries.append(_RawEntry(meta[0], meta[1], meta[2], meta[3], meta[4][0],
                                 names[-1], names[0] if two else None))
        index += 2 + two
    return entries


def read_git_range(rng: GitRange, max_file_bytes: int) -> ChangeSet:
    """Build the `ChangeSet` between two commits of a local repository."""
    if not (rng.repo / ".git").exists() and not _is_git_dir(rng.repo):
        raise InputError(f"{rng.repo}: not a git repository")
    head = _rev(rng.repo, rng.head)
    base = _rev(rng.repo, rng.base) if rng.base else resolve_base(rng.repo, head)
    try:
        entries = _raw_entries(rng.repo, base, head)
    except InputError:
        # Rename detection reads both sides of every candidate pair, so one object missing
        # from a partial clone fails the whole listing: list without renames, and the
        # missing object then makes its own file unscanned below.
        entries = _raw_entries(rng.repo, base, head, renames=False)
    blobs = _contents_at(rng.repo, entries, max_file_bytes)
    replaced = False
    if blobs.missing_ids:  # a partial clone: diff file by file, list what is absent
        diffs = [_diff_by_ids(rng.repo, e, blobs) for e in entries]
    else:
        raw = _git(rng.repo, "-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff",
                   "--no-relative", "--src-prefix=a/", "--dst-prefix=b/", "-M", base, head)
        text, replaced = decode_patch(raw)
        diffs = _pair(rng.repo, entries, split_sections(text), blobs)
    files = mark_generated(parse_file_diffs(diffs, max_file_bytes, read_content=blobs.content.get,
                                            known_sizes=blobs.sizes),
                           GitAttributes(_text_at(rng.repo, base, ".gitattributes")))
    subject, author = _commit_info(rng.repo, head)
    notes = [f"{path}: not valid UTF-8; undecodable bytes were replaced"
             for path in sorted(blobs.not_utf8)]
    notes += [f"{path}: NUL bytes removed before the file was analysed"
              for path in sorted(blobs.had_nul)]
    if replaced and not blobs.not_utf8:
        notes.append("the diff is not valid UTF-8; undecodable bytes were replaced")
    return ChangeSet(files=tuple(files), repository=str(rng.repo.resolve().name),
                     base_sha=base, head_sha=head, title=subject, author=author,
                     notes=tuple(notes), reference_files=read_reference_sql(
                         rng.repo, head, {f.path for f in files}, max_file_bytes))


def _pair(repo: Path, entries: list[_RawEntry], sections: list[str], blobs: _Blobs
          ) -> list[FileDiff]:
    """Each raw record with the textual section(s) whose header git wrote for its names.

    A type change (file <-> symlink) is shown as a deletion and an addition under one
    header: the last section is the post-change one. A record without its section is
    unscanned rather than given another file's hunks.
    """
    by_header: dict[str, list[str]] = {}
    for section in sections:
        by_header.setdefault(section.split("\n", 1)[0], []).append(section)
    diffs = []
    for entry in entries:
        found = by_header.get(entry.header)
        if not found:
            diffs.append(_file_diff(entry, "", unscanned="git showed no diff for it"))
            continue
        header = header_names(found[-1])
        hunks = header.body
        decoded = blobs.content.get(entry.path)
        if header.is_binary and decoded is not None and not decoded.is_binary:
            hunks = _text_hunks(repo, entry, decoded.text or "")
        diffs.append(_file_diff(entry, hunks, binary=header.is_binary))
    return diffs


def _file_diff(entry: _RawEntry, hunks: str, *, binary: bool = False,
               unscanned: str | None = None) -> FileDiff:
    if entry.new_mode == "160000" and entry.status != "D":
        unscanned = "submodule: the commit it points to is another repository's and was " \
                    "not scanned"
    return FileDiff(entry.path, _STATUS.get(entry.status, FileStatus.MODIFIED),
                    entry.old_path, hunks, binary, unscanned)


def _text_hunks(repo: Path, entry: _RawEntry, text: str) -> str:
    """Hunks of a file git calls binary (it holds a NUL) but whose content is text."""
    if entry.old_id == NULL_ID or entry.status == "T":
        return whole_file_hunks(text)
    out = _git(repo, "diff", "--text", "--no-color", "--no-ext-diff", entry.old_id, entry.new_id)
    return header_names(decode_patch(out)[0]).body


def _diff_by_ids(repo: Path, entry: _RawEntry, blobs: _Blobs) -> FileDiff:
    """One file's diff from its two blob ids: the slow path when objects are missing."""
    if entry.path in blobs.missing:
        return _file_diff(entry, "", unscanned="its content is not in this clone (object "
                                              f"{entry.new_id[:12]} missing)")
    if entry.status == "D":
        return _file_diff(entry, "")
    decoded = blobs.content.get(entry.path)
    if decoded is None or decoded.is_binary:
        return _file_diff(entry, "", binary=decoded is not None)
    if entry.old_id == NULL_ID or entry.status == "T" or entry.old_id in blobs.missing_ids:
        return _file_diff(entry, whole_file_hunks(decoded.text or ""))
    out = _git(repo, "diff", "--text", "--no-color", "--no-ext-diff", entry.old_id, entry.new_id)
    return _file_diff(entry, header_names(decode_patch(out)[0]).body)


def _text_at(repo: Path, commit: str, path: str) -> str:
    """A file's text at a commit ("" when absent): the base's own settings, which the PR
    cannot change for its own run."""
    out = _git(repo, "cat-file", "--batch", stdin=f"{commit}:{path}\n".encode())
    header, _, body = out.partition(b"\n")
    if header.endswith(b"missing") or header.split()[1:2] != [b"blob"]:
        return ""
    return body[:int(header.split()[2])].decode("utf-8", errors="replace")


def _is_git_dir(repo: Path) -> bool:
    try:
        _git(repo, "rev-parse", "--git-dir")
        return True
    except InputError:
        return False


def _commit_info(repo: Path, sha: str) -> tuple[str, str]:
    out = _git(repo, "log", "-1", "--format=%s%x00%an", sha).decode("utf-8", "replace")
    subject, _, author = out.strip().partition("\x00")
    return subject, author


@dataclass
class _Blobs:
    content: dict[str, DecodedContent] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    not_utf8: set[str] = field(default_factory=set)
    had_nul: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    """Paths whose post-change blob is not in the repository (a partial clone)."""
    missing_ids: set[str] = field(default_factory=set)


def _contents_at(repo: Path, entries: list[_RawEntry], max_bytes: int) -> _Blobs:
    """Post-change content of every file the diff adds, modifies or renames, read by one
    `git cat-file`; sizes and missing objects (old and new) from one `--batch-check`.

    Blobs are asked for by id, not as `head:path`: git then skips a tree walk per file,
    which made this read four times slower at a thousand files.
    """
    blobs = _Blobs()
    wanted = {e.path: e.new_id for e in entries
              if e.status != "D" and e.new_mode != "160000" and e.new_id != NULL_ID}
    ids = sorted({*wanted.values(), *(e.old_id for e in entries
                                      if e.old_id != NULL_ID and e.old_mode != "160000")})
    if not ids:
        return blobs
    sizes: dict[str, int] = {}
    out = _git(repo, "cat-file", "--batch-check", stdin="".join(f"{i}\n" for i in ids).encode())
    for blob_id, info in zip(ids, out.decode().splitlines(), strict=True):
        if info.endswith("missing"):
            blobs.missing_ids.add(blob_id)
        else:
            sizes[blob_id] = int(info.split()[2])
    for path, blob_id in wanted.items():
        if blob_id in blobs.missing_ids:
            blobs.missing.add(path)
        else:
            blobs.sizes[path] = sizes[blob_id]
    readable = [p for p, size in blobs.sizes.items() if size <= max_bytes]
    if readable:
        out = _git(repo, "cat-file", "--batch",
                   stdin="".join(f"{wanted[p]}\n" for p in readable).encode("ascii"))
        _split_batch(out, readable, blobs)
    return blobs


def _split_batch(out: bytes, paths: list[str], blobs: _Blobs) -> None:
    pos = 0
    for path in paths:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        decoded = decode_content(out[header_end + 1: header_end + 1 + size])
        pos = header_end + 1 + size + 1
        blobs.content[path] = decoded
        if decoded.replaced:
            blobs.not_utf8.add(path)
        if decoded.had_nul and not decoded.is_binary:
            blobs.had_nul.add(path)
