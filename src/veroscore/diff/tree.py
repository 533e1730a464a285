"""Read files and folders for `veroscore scan`: every line of every file counts as added."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from veroscore.diff.language import language_of
from veroscore.diff.model import ChangedFile, ChangeSet, FileStatus
from veroscore.diff.patch import oversized
from veroscore.errors import InputError

SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".mypy_cache",
                          ".ruff_cache", ".pytest_cache", "dist", "build", ".next", ".tox"})


def _walk(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            yield Path(folder) / name


def _read(path: Path, display: str, max_bytes: int) -> ChangedFile:
    base = ChangedFile(path=display, status=FileStatus.ADDED, language=language_of(display))
    size = path.stat().st_size
    if size > max_bytes:
        return replace(base, skipped_reason=oversized(size, max_bytes))
    data = path.read_bytes()
    if b"\x00" in data[:8000]:
        return replace(base, is_binary=True, skipped_reason="binary file")
    text = data.decode("utf-8", errors="replace")
    lines = dict(enumerate(text.splitlines(), start=1))
    return replace(base, added_lines=lines, content=text)


def read_paths(paths: list[Path], max_bytes: int) -> ChangeSet:
    """A ChangeSet of whole files under `paths`, paths shown relative to each root."""
    files: list[ChangedFile] = []
    for root in paths:
        if not root.exists():
            raise InputError(f"{root}: no such file or directory")
        base = root if root.is_dir() else root.parent
        for path in _walk(root):
            if path.is_symlink() or not path.is_file():
                continue
            try:
                files.append(_read(path, path.relative_to(base).as_posix(), max_bytes))
            except OSError as exc:
                raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return ChangeSet(files=tuple(sorted(files, key=lambda f: f.path)),
                     repository=paths[0].resolve().name if paths else "")
