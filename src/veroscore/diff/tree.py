"""Read files and folders for `veroscore scan`: every line of every file counts as added.

Paths are reported as they were given, like Semgrep and Ruff do: a relative argument
gives paths relative to the working directory (`scan src` reports `src/app.py`, exactly
as `scan src/app.py` does), an absolute one absolute paths. The same folders are left out
however a file is reached, so a folder and its files given one by one give the same
report. A file that cannot be read is unscanned with the reason, not a failed run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath

from veroscore.diff.content import decode_content
from veroscore.diff.generated import GitAttributes, mark_generated
from veroscore.diff.language import language_of
from veroscore.diff.model import ChangedFile, ChangeSet, FileStatus
from veroscore.diff.patch import BINARY, oversized
from veroscore.errors import InputError

SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".mypy_cache",
                          ".ruff_cache", ".pytest_cache", ".tox", ".hg", ".svn"})
"""Tool and dependency folders that are not the project's own files (build output such as
`dist/` is read, and listed as skipped for code rules, because bundles leak secrets)."""


def display_path(path: str) -> str:
    """`path` as the user gave it, normalised (`./a//b.py` -> `a/b.py`), with `/`."""
    return PurePosixPath(os.path.normpath(path).replace(os.sep, "/")).as_posix()


def _excluded(display: str) -> bool:
    """Whether a folder on the file's path is left out: the folders below the working
    directory for a file under it, else every folder of its absolute path. A function of
    the file alone, so it holds however the file was reached."""
    absolute = os.path.abspath(display)
    relative = os.path.relpath(absolute)
    outside = relative == os.pardir or relative.startswith(os.pardir + os.sep)
    parts = PurePosixPath(absolute if outside else relative).parts[:-1]
    return any(part in SKIPPED_DIRS for part in parts)


def _walk(root: Path) -> Iterator[str]:
    if not root.is_dir():
        yield display_path(str(root))
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            yield display_path(os.path.join(folder, name))


def _read(path: Path, display: str, max_bytes: int) -> ChangedFile:
    base = ChangedFile(path=display, status=FileStatus.ADDED, language=language_of(display))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return replace(base, unscanned_reason=oversized(size, max_bytes))
        decoded = decode_content(path.read_bytes())
    except OSError as exc:
        return replace(base, unscanned_reason=f"cannot be read ({exc.strerror or exc})")
    if decoded.is_binary:
        return replace(base, is_binary=True, unscanned_reason=BINARY)
    text = decoded.text or ""
    lines = dict(enumerate(text.splitlines(), start=1))
    return replace(base, added_lines=lines, content=text)


def read_paths(paths: list[Path], max_bytes: int) -> ChangeSet:
    """A ChangeSet of whole files under `paths`, each path as given (see the module doc)."""
    found: dict[str, ChangedFile] = {}
    for root in paths:
        if not root.exists() and not root.is_symlink():
            raise InputError(f"{root}: no such file or directory")
        for display in _walk(root):
            path = Path(display)
            if display in found or _excluded(display):
                continue
            if path.is_symlink():  # listed, not followed: it may point outside the tree
                found[display] = ChangedFile(path=display, status=FileStatus.ADDED,
                                             language=language_of(display),
                                             skipped_reason="symbolic link, not followed")
            elif path.is_file():
                found[display] = _read(path, display, max_bytes)
    attributes = _cwd_attributes()
    files = mark_generated(sorted(found.values(), key=lambda f: f.path), attributes)
    return ChangeSet(files=tuple(files),
                     repository=paths[0].resolve().name if paths else "")


def _cwd_attributes() -> GitAttributes:
    """The working directory's `.gitattributes` (paths are relative to it)."""
    try:
        return GitAttributes(Path(".gitattributes").read_text(encoding="utf-8",
                                                             errors="replace"))
    except OSError:
        return GitAttributes()
