"""Read a change from a local git repository: `git diff base head` plus content at head.

Every git call gets its arguments as a list (never through a shell), because refs and
paths may come from a pull request author.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from veroscore.diff.model import ChangeSet
from veroscore.diff.patch import decode_patch, parse_patch
from veroscore.diff.reference import read_reference_sql
from veroscore.errors import InputError

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


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


def read_git_range(rng: GitRange, max_file_bytes: int) -> ChangeSet:
    """Build the `ChangeSet` between two commits of a local repository."""
    if not (rng.repo / ".git").exists() and not _is_git_dir(rng.repo):
        raise InputError(f"{rng.repo}: not a git repository")
    head = _rev(rng.repo, rng.head)
    base = _rev(rng.repo, rng.base) if rng.base else resolve_base(rng.repo, head)
    raw = _git(rng.repo, "-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff",
               "--src-prefix=a/", "--dst-prefix=b/", "-M", base, head)
    text, replaced = decode_patch(raw)
    blobs = _contents_at(rng.repo, base, head, max_file_bytes)
    files = parse_patch(text, f"git diff {base[:12]}..{head[:12]}", max_file_bytes,
                        read_content=blobs.text.get, known_sizes=blobs.sizes)
    subject, author = _commit_info(rng.repo, head)
    notes = [f"{path}: not valid UTF-8; undecodable bytes were replaced"
             for path in sorted(blobs.not_utf8)]
    if replaced and not notes:
        notes.append("the diff is not valid UTF-8; undecodable bytes were replaced")
    return ChangeSet(files=tuple(files), repository=str(rng.repo.resolve().name),
                     base_sha=base, head_sha=head, title=subject, author=author,
                     notes=tuple(notes), reference_files=read_reference_sql(
                         rng.repo, head, {f.path for f in files}, max_file_bytes))


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
    text: dict[str, str]
    sizes: dict[str, int]
    not_utf8: set[str]


def _contents_at(repo: Path, base: str, head: str, max_bytes: int) -> _Blobs:
    """Post-change text of every text file the diff touches, read by one `git cat-file`.

    Blobs are asked for by id (from `git diff --raw`), not as `head:path`: git then skips
    a tree walk per file, which made this read four times slower at a thousand files.
    """
    blobs = _Blobs({}, {}, set())
    ids = _post_change_blob_ids(repo, base, head)
    if not ids:
        return blobs
    paths = list(ids)
    request = "".join(f"{ids[p]}\n" for p in paths).encode("ascii")
    for path, info in zip(paths, _git(repo, "cat-file", "--batch-check", stdin=request)
                          .decode().splitlines(), strict=True):
        if not info.endswith("missing"):
            blobs.sizes[path] = int(info.split()[2])
    wanted = [p for p, size in blobs.sizes.items() if size <= max_bytes]
    if wanted:
        out = _git(repo, "cat-file", "--batch",
                   stdin="".join(f"{ids[p]}\n" for p in wanted).encode("ascii"))
        _split_batch(out, wanted, blobs)
    return blobs


def _post_change_blob_ids(repo: Path, base: str, head: str) -> dict[str, str]:
    """Path at head -> blob id, for every file the diff adds, modifies or renames.

    `--raw -z` records are `:mode mode old_id new_id status NUL path [NUL new_path] NUL`;
    a deleted file's new id is all zeros. Paths are decoded as the diff text is, so they
    match the paths the patch parser sees.
    """
    fields = _git(repo, "diff", "--raw", "-z", "--no-abbrev", "-M", base, head).split(b"\0")
    ids: dict[str, str] = {}
    index = 0
    while index + 1 < len(fields) and fields[index].startswith(b":"):
        meta = fields[index].decode("ascii").split()
        path_count = 2 if meta[4][0] in "RC" else 1
        path = fields[index + path_count].decode("utf-8", errors="replace")
        if meta[3].strip("0"):
            ids[path] = meta[3]
        index += 1 + path_count
    return ids


def _split_batch(out: bytes, paths: list[str], blobs: _Blobs) -> None:
    pos = 0
    for path in paths:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        body = out[header_end + 1: header_end + 1 + size]
        pos = header_end + 1 + size + 1
        if b"\x00" in body[:8000]:
            continue
        try:
            blobs.text[path] = body.decode("utf-8")
        except UnicodeDecodeError:
            blobs.text[path] = body.decode("utf-8", errors="replace")
            blobs.not_utf8.add(path)
