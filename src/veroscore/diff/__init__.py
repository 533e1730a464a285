"""Change intake: a git range, a patch file or the GitHub API → `ChangeSet`."""

from veroscore.diff.model import ChangedFile, ChangeSet, FileStatus, Skipped, Unscanned

__all__ = ["ChangeSet", "ChangedFile", "FileStatus", "Skipped", "Unscanned"]
