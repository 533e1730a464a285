"""Change intake: a git range, a patch file (and later the GitHub API) → `ChangeSet`."""

from veroscore.diff.model import ChangedFile, ChangeSet, FileStatus

__all__ = ["ChangeSet", "ChangedFile", "FileStatus"]
