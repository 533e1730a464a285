"""When a batch becomes a pull request: the first of the configured thresholds met."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from veroscore.session.settings import SessionSettings
from veroscore.session.snapshot import FileChange


@dataclass(frozen=True)
class Progress:
    """Where the pending batch stands against each threshold; `fired` names those met."""

    files: int
    lines: int
    quiet_seconds: float
    fired: tuple[str, ...]

    def describe(self, settings: SessionSettings) -> str:
        return (f"{self.files}/{settings.min_files} files, {self.lines}/{settings.min_lines} "
                f"lines, quiet {self.quiet_seconds:.0f}/{settings.max_wait_seconds:.0f} s")


def progress(pending: Sequence[FileChange], quiet_seconds: float,
             settings: SessionSettings) -> Progress:
    """Thresholds over what git says differs from the last delivered snapshot."""
    files = len(pending)
    lines = sum(c.lines for c in pending)
    fired = []
    if files and files >= settings.min_files:
        fired.append("min_files")
    if files and lines >= settings.min_lines:
        fired.append("min_lines")
    if files and quiet_seconds >= settings.max_wait_seconds:
        fired.append("max_wait_seconds")
    return Progress(files, lines, quiet_seconds, tuple(fired))
