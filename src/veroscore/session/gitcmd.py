"""Git for the agent: argument lists only, a temporary index, never the developer's state.

Every call that names work-tree paths sets `GIT_LITERAL_PATHSPECS`, so a file called `*`
or `:(top)x` is that file and nothing else; paths go to git over stdin, NUL-separated.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from veroscore.errors import VeroScoreError

ZERO_SHA = "0" * 40
_QUIET_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}


class GitError(VeroScoreError):
    """A git command failed; `transient` when retrying later may help (network, locks)."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class Git:
    """One checkout: `root` is its top level, `git_dir` its own (per-worktree) git folder."""

    root: Path
    git_dir: Path

    @classmethod
    def open(cls, repo: Path) -> Git:
        try:
            out = run_git(repo, ["rev-parse", "--show-toplevel", "--absolute-git-dir"])
        except GitError:
            raise GitError(f"{repo}: not a git checkout (the agent needs a work tree)") from None
        top, git_dir = out.decode("utf-8", "surrogateescape").splitlines()[:2]
        return cls(Path(top), Path(git_dir))

    def run(self, args: Sequence[str], *, index: Path | None = None, stdin: bytes | None = None,
            env: Mapping[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> bytes:
        extra = dict(env or {})
        if index is not None:
            extra["GIT_INDEX_FILE"] = str(index)
        return run_git(self.root, args, stdin=stdin, env=extra, ok=ok)

    def rev(self, ref: str) -> str | None:
        """The commit a ref names, or None when it does not exist."""
        out = self.run(["rev-parse", "--verify", "--quiet", "--end-of-options",
                        f"{ref}^{{commit}}"], ok=(0, 1))
        return out.decode().strip() or None

    def tree_of(self, commit: str) -> str:
        return self.run(["rev-parse", "--verify", f"{commit}^{{tree}}"]).decode().strip()

    def config(self, key: str) -> str | None:
        out = self.run(["config", "--get", key], ok=(0, 1))
        return out.decode("utf-8", "replace").strip() or None


def run_git(cwd: Path, args: Sequence[str], *, stdin: bytes | None = None,
            env: Mapping[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> bytes:
    """Run git in `cwd`; a failure names the subcommand and git's last line of stderr."""
    full_env = {**os.environ, **_QUIET_ENV, **(env or {})}
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True,
                              env=full_env, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if done.returncode not in ok:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = lines[-1] if lines else f"exit {done.returncode}"
        raise GitError(f"git {args[0]} failed: {detail}", transient=_transient(lines))
    return done.stdout


_TRANSIENT_HINTS = ("could not read from remote", "unable to access", "connection",
                    "timed out", "could not resolve", "index.lock", "unable to create",
                    "early eof", "remote end hung up")


def _transient(lines: list[str]) -> bool:
    text = " ".join(lines).lower()
    return any(hint in text for hint in _TRANSIENT_HINTS)
