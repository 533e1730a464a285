"""The change under review, as plain immutable data every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from veroscore.diff.language import CODE_LANGUAGES


class FileStatus(StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"


@dataclass(frozen=True)
class Unscanned:
    """A file whose content was not analysed at all (size, binary, encoding, API limits,
    a tool error): it caps the decision at review_required, because silence about it
    would read as clean."""

    path: str
    reason: str


@dataclass(frozen=True)
class Skipped:
    """A file code rules do not judge (generated, vendored, minified, or a language no
    rule covers); secrets are still searched in it, so it does not cap the decision."""

    path: str
    reason: str


@dataclass(frozen=True)
class ChangedFile:
    """One file of the change.

    `content` is the post-change text, or None when there is none to analyse (deleted
    or unscanned files). A patch without the repository only carries the hunks, so
    `content_is_partial` marks content rebuilt from them: unchanged regions are blank lines,
    which keeps line numbers right for detectors.

    `unscanned_reason` says why no detector read the file; `skipped_reason` why code rules
    do not judge it although its text is read (for secrets).
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
    unscanned_reason: str | None = None
    skipped_reason: str | None = None
    skipped_by_base: bool = False
    """True when the base revision's own `.gitattributes` marks the file generated or
    vendored; False when the evidence is its path or content, which the PR controls."""

    @property
    def analysable(self) -> bool:
        """True when detectors can read this file's post-change text."""
        return self.content is not None and self.unscanned_reason is None

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

    `unlisted` holds files the change touches that the intake could not even list (the
    REST API's file cap): they have no `ChangedFile`, but they are unscanned all the same.
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
    unlisted: tuple[Unscanned, ...] = ()
    reference_files: tuple[ReferenceFile, ...] = ()

    @cached_property
    def _by_path(self) -> dict[str, ChangedFile]:
        return {f.path: f for f in self.files}

    def file(self, path: str) -> ChangedFile | None:
        """The changed file at `path`, if any."""
        return self._by_path.get(path)

    @property
    def unscanned(self) -> tuple[Unscanned, ...]:
        """Every file of the change whose content no detector read, with the reason."""
        listed = tuple(Unscanned(f.path, f.unscanned_reason)
                       for f in self.files if f.unscanned_reason)
        return listed + self.unlisted

    @property
    def unjudged_code(self) -> tuple[Skipped, ...]:
        """Code the PR adds or changes that code rules skipped on evidence the PR itself
        controls (a vendor-like folder, a bundle-like name, a generated header, long
        lines): a PR author could dress any file up that way, so such a file caps the
        decision at review_required instead of passing unjudged."""
        return tuple(Skipped(f.path, f.skipped_reason) for f in self.files
                     if f.skipped_reason and not f.skipped_by_base and not f.unscanned_reason
                     and f.language in CODE_LANGUAGES and f.added_lines)

    @property
    def skipped(self) -> tuple[Skipped, ...]:
        """Files the intake already knows code rules must not judge (generated, vendored)."""
        return tuple(Skipped(f.path, f.skipped_reason)
                     for f in self.files if f.skipped_reason and not f.unscanned_reason)
