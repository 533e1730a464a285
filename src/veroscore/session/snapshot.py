"""The work tree as git sees it, kept in the agent's own index: measure and snapshot.

The agent's index (`.git/veroscore/index-<session>`) starts as the session's base tree
and follows the work tree: `stage` adds the paths that settled, `stage_all` the whole
tree (start-up and delivery, so nothing the watcher missed is lost). The developer's
index, branch and stash are never written: every call carries `GIT_INDEX_FILE`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from veroscore.session.gitcmd import Git, GitError
from veroscore.session.noise import ChangeFilter

_LITERAL = {"GIT_LITERAL_PATHSPECS": "1"}
_PATHS_PER_CALL = 500
_STATUS = {"A": "added", "M": "modified", "D": "deleted", "R": "renamed", "T": "modified",
           "C": "added"}
_AGENT_IDENTITY = {"GIT_AUTHOR_NAME": "VeroScore session agent",
                   "GIT_AUTHOR_EMAIL": "veroscore-agent@localhost"}


@dataclass(frozen=True)
class FileChange:
    """One path that differs from the base, as git reports it."""

    path: str
    change_type: str
    old_path: str | None
    lines_added: int
    lines_removed: int
    blob: str

    @property
    def lines(self) -> int:
        return self.lines_added + self.lines_removed


def _nul(paths: Iterable[str]) -> bytes:
    return b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in paths)


class AgentIndex:
    """The agent's private index of one session."""

    def __init__(self, git: Git, path: Path, noise: ChangeFilter) -> None:
        self.git = git
        self.path = path
        self.noise = noise

    def ensure(self, base_tree: str) -> None:
        """Create the index from `base_tree` unless it exists already (a restart keeps it).

        It starts as a copy of the developer's index (read, never written) merged with
        `read-tree -m`, which keeps the file stat data of every entry equal to the base:
        without it git would re-hash every file of the work tree at the first `add -A`
        (50 s on a 50,000-file checkout instead of a few)."""
        if self.path.is_file():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        seed = self.path.with_name(self.path.name + ".seed")
        try:
            shutil.copyfile(self.git.git_dir / "index", seed)
            self.git.run(["read-tree", "-m", base_tree], index=seed)
        except (OSError, GitError):
            seed.unlink(missing_ok=True)
            self.git.run(["read-tree", base_tree], index=seed)
        os.replace(seed, self.path)

    def stage(self, paths: Sequence[str]) -> None:
        """Take the current state of these paths (files or folders) into the index."""
        present = [p for p in paths if os.path.lexists(self.git.root / p)]
        gone = [p for p in paths if p not in set(present)]
        if present:
            self.git.run(["add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"],
                         index=self.path, stdin=_nul(present), env=_LITERAL)
        if gone:
            self.git.run(["rm", "-r", "-q", "--cached", "--ignore-unmatch",
                          "--pathspec-from-file=-", "--pathspec-file-nul"],
                         index=self.path, stdin=_nul(gone), env=_LITERAL)

    def stage_all(self, base: str) -> None:
        """Take the whole work tree, less the noise."""
        self.git.run(["add", "-A"], index=self.path)
        self.drop_noise(base, self.changes(base))

    def drop_noise(self, base: str, changes: list[FileChange]) -> list[FileChange]:
        """Put noisy paths back as they are in `base`; returns the changes that remain.
        (Staging a folder takes all of it, editor temporaries included.)"""
        noisy = [c for c in changes
                 if self.noise.is_noise(c.path) or (c.old_path and
                                                    self.noise.is_noise(c.old_path))]
        paths = [c.path for c in noisy] + [c.old_path for c in noisy if c.old_path]
        if paths:
            self.git.run(["reset", "-q", base, "--pathspec-from-file=-",
                          "--pathspec-file-nul"], index=self.path, stdin=_nul(paths),
                         env=_LITERAL)
        return [c for c in changes if c not in noisy]

    def changes(self, base: str, paths: Sequence[str] | None = None) -> list[FileChange]:
        """What differs between `base` and the index, with line counts (0 for binary)."""
        args = ["diff-index", "--cached", "-M", "-z", "--raw", "--numstat", "--no-abbrev", base]
        if paths is None:
            return _parse_raw_numstat(self.git.run(args, index=self.path))
        found: list[FileChange] = []
        for start in range(0, len(paths), _PATHS_PER_CALL):  # diff-index has no stdin form
            chunk = paths[start:start + _PATHS_PER_CALL]
            out = self.git.run([*args, "--", *chunk], index=self.path, env=_LITERAL)
            found += _parse_raw_numstat(out)
        return found

    def write_tree(self) -> str:
        return self.git.run(["write-tree"], index=self.path).decode().strip()

    def commit(self, tree: str, parents: Sequence[str], message: str) -> str:
        """A commit object for `tree`; no ref moves (the caller updates the branch)."""
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        env = {} if self.git.config("user.email") else {
            **_AGENT_IDENTITY, "GIT_COMMITTER_NAME": _AGENT_IDENTITY["GIT_AUTHOR_NAME"],
            "GIT_COMMITTER_EMAIL": _AGENT_IDENTITY["GIT_AUTHOR_EMAIL"]}
        return self.git.run([*args, "-F", "-"], stdin=message.encode("utf-8"),
                            env=env).decode().strip()


def _parse_raw_numstat(out: bytes) -> list[FileChange]:
    """`--raw --numstat -z`: raw records (`:meta NUL path [NUL path]`) then numstat records
    (`added TAB removed TAB path NUL`, or for renames `added TAB removed TAB NUL old NUL new`)."""
    fields = out.split(b"\0")
    raw: list[tuple[str, str | None, str, str]] = []
    counts: dict[str, tuple[int, int]] = {}
    i = 0
    while i < len(fields):
        field = fields[i].decode("utf-8", "surrogateescape")
        if field.startswith(":"):
            meta = field.split()
            status = meta[4][0]
            if status in "RC":
                raw.append((fields[i + 2].decode("utf-8", "surrogateescape"),
                            fields[i + 1].decode("utf-8", "surrogateescape"), status, meta[3]))
                i += 3
            else:
                raw.append((fields[i + 1].decode("utf-8", "surrogateescape"), None, status,
                            meta[3]))
                i += 2
        elif "\t" in field:
            added, removed, path = field.split("\t", 2)
            if not path:  # rename: old NUL new follow
                path = fields[i + 2].decode("utf-8", "surrogateescape")
                i += 2
            counts[path] = (_count(added), _count(removed))
            i += 1
        else:
            i += 1
    return [FileChange(path, _STATUS.get(status, "modified"),
                       old if status == "R" else None, *counts.get(path, (0, 0)), blob)
            for path, old, status, blob in raw]


def _count(text: str) -> int:
    return int(text) if text.isdigit() else 0
