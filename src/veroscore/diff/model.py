"""The change under review, as plain immutable data every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class FileStatus(StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"


@dataclass(frozen=True)
class ChangedFile:
    """One file of the change.

    `content` is the post-change text, or None when there is none to analyse (deleted,
    binary or skipped files). A patch without the repository only carries the hunks, so
    `content_is_partial` marks content rebuilt from them: unchanged regions are blank lines,
    which keeps line numbers right for detectors.
    """

    path: str
    status: FileStatus
    language: str
    old_path: str | None = None
    is_binary: bool = False
    added_lines: dict[int, str] = field(default_factory=dict)
    removed_count: int = 0
    content: str | None = None
    content_is_partial: bool = False
    skipped_reason: str | None = None

    @property
    def analysable(self) -> bool:
        """True when detectors can read this file's post-change text."""
        return self.content is not None and self.skipped_reason is None

    @property
    def lines_changed(self) -> int:
        return len(self.added_lines) + self.removed_count


@dataclass(frozen=True)
class ReferenceFile:
    """An unchanged file at head that detectors read for context only (earlier SQL
    migrations: which columns a table has, whether RLS is on); never reported on."""

    path: str
    content: str


@dataclass(frozen=True)
class ChangeSet:
    """A pull request or local change: metadata plus the changed files, sorted by path.

    `reference_files` are unchanged files the intake could read at head for context (the
    local git intake loads the repository's other SQL files; other intakes leave it empty).
    """

    files: tuple[ChangedFile, ...]
    repository: str = ""
    pr_number: int | None = None
    base_sha: str = ""
    head_sha: str = ""
    author: str = ""
    title: str = ""
    description: str = ""
    head_ref: str = ""
    notes: tuple[str, ...] = ()
    reference_files: tuple[ReferenceFile, ...] = ()

    @cached_property
    def _by_path(self) -> dict[str, ChangedFile]:
        return {f.path: f for f in self.files}

    def file(self, path: str) -> ChangedFile | None:
        """The changed file at `path`, if any."""
        return self._by_path.get(path)
