"""What is not a change: one object decides, for the watcher and the snapshot alike.

Cheap checks by name first (git's own folder, editor swap and backup files, the temporary
files of atomic saves, configured `exclude` patterns), then one batched
`git check-ignore --stdin` for everything the repository ignores (`.gitignore` files,
`.git/info/exclude`, the global excludes file) — git's own answer, not a re-implementation.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence

import pathspec

from veroscore.session.gitcmd import Git

# Editors and tools that write beside the file they save (vim, emacs, JetBrains, Kate,
# gedit/GIO, LibreOffice, sed -i, rsync, OS metadata).
EDITOR_TEMP_PATTERNS = (
    ".*.swp", ".*.swo", ".*.swx", "*.swp", "*.swo", "*.swx", "4913", "*~",
    "#*#", ".#*", "*___jb_tmp___", "*___jb_old___", "*.kate-swp", ".goutputstream-*",
    ".~lock.*#", "sed??????", ".*.rsync-*", ".DS_Store", "Thumbs.db", "*.tmp",
    "*.crdownload", "*.part",
)
_TEMP_RE = re.compile("|".join(fnmatch.translate(p) for p in EDITOR_TEMP_PATTERNS))
# Atomic-save temporaries named after the target: `file.py.tmp.1234`, `.file.py.XXXXXX`.
_ATOMIC_RE = re.compile(r"(\.tmp[.\-~]?\w*|\.~\w+|\.[0-9a-f]{6,}\.tmp)$", re.IGNORECASE)


class ChangeFilter:
    """Decides which work-tree paths (relative, `/`-separated) are noise."""

    def __init__(self, exclude: Sequence[str] = ()) -> None:
        self._exclude = pathspec.GitIgnoreSpec.from_lines(exclude)

    def is_noise(self, path: str) -> bool:
        """By name alone, without asking git: cheap enough for every inotify event."""
        parts = path.split("/")
        if ".git" in parts or not parts[-1]:
            return True
        name = parts[-1]
        if _TEMP_RE.match(name) or _ATOMIC_RE.search(name):
            return True
        return self._exclude.match_file(path)

    def ignored_by_git(self, git: Git, paths: Iterable[str]) -> set[str]:
        """The paths the repository ignores (one git call for the whole batch)."""
        wanted = [p for p in paths if p]
        if not wanted:
            return set()
        stdin = b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in wanted)
        out = git.run(["check-ignore", "-z", "--stdin"], stdin=stdin, ok=(0, 1))
        return {p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p}

    def changes_only(self, git: Git, paths: Iterable[str]) -> list[str]:
        """`paths` less the noise, in their given order."""
        candidates = [p for p in dict.fromkeys(paths) if not self.is_noise(p)]
        ignored = self.ignored_by_git(git, candidates)
        return [p for p in candidates if p not in ignored]
