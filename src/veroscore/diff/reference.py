"""Unchanged SQL files at head, read for context: what earlier migrations already did.

A PR that adds a policy to a table created months ago does not carry the table's columns;
the RLS rules need them to tell an owned table from an open one. The local git intake has
the whole repository, so it hands the detectors the other `*.sql` files at head (bounded in
number and size, read by one `git cat-file --batch`). Git runs with argument lists and
NUL-separated output, because paths may come from a PR author.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from veroscore.diff.model import ReferenceFile

MAX_REFERENCE_FILES = 2000
MAX_REFERENCE_BYTES = 2 * 1024 * 1024


def read_reference_sql(repo: Path, head: str, changed: set[str], max_file_bytes: int
                       ) -> tuple[ReferenceFile, ...]:
    """The `*.sql` files at `head` outside `changed`, the newest paths first within the
    budget (migration names sort by timestamp); empty when git cannot list them."""
    listing = _git(repo, "ls-tree", "-r", "-z", "-l", "--full-tree", head)
    if listing is None:
        return ()
    candidates: list[tuple[str, str, int]] = []
    for record in listing.split(b"\0"):
        meta, _, raw_path = record.partition(b"\t")
        parts = meta.split()
        path = raw_path.decode("utf-8", errors="replace")
        if len(parts) == 4 and parts[1] == b"blob" and parts[3].isdigit() \
                and path.lower().endswith(".sql") and path not in changed:
            candidates.append((path, parts[2].decode("ascii"), int(parts[3])))
    wanted: list[tuple[str, str]] = []
    total = 0
    for path, blob, size in sorted(candidates, reverse=True):
        if size > max_file_bytes or total + size > MAX_REFERENCE_BYTES \
                or len(wanted) >= MAX_REFERENCE_FILES:
            continue
        wanted.append((path, blob))
        total += size
    return _read_blobs(repo, sorted(wanted))


def _read_blobs(repo: Path, wanted: list[tuple[str, str]]) -> tuple[ReferenceFile, ...]:
    if not wanted:
        return ()
    out = _git(repo, "cat-file", "--batch",
               stdin="".join(f"{blob}\n" for _, blob in wanted).encode("ascii"))
    if out is None:
        return ()
    files, pos = [], 0
    for path, _ in wanted:
        header_end = out.find(b"\n", pos)
        header = out[pos:header_end].split()
        if header_end < 0 or len(header) != 3:
            break
        size = int(header[2])
        body = out[header_end + 1: header_end + 1 + size]
        pos = header_end + 1 + size + 1
        if b"\x00" not in body[:8000]:
            files.append(ReferenceFile(path, body.decode("utf-8", errors="replace")))
    return tuple(files)


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """Context is optional: any git failure means no reference files, never a failed run."""
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], input=stdin,
                              capture_output=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None
