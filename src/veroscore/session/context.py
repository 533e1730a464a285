"""Where a session lives: the checkout, its remote, the GitHub repository and the PR base.

Resolved once at start from the command line, the config's `session:` section, the
remote's URL and the standard GitHub environment (`GITHUB_API_URL`, `GITHUB_TOKEN` or
`GH_TOKEN`), so every later step reads plain values.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from veroscore.errors import InputError
from veroscore.session.gitcmd import Git, GitError
from veroscore.session.pulls import DEFAULT_API_URL, repository_from_remote
from veroscore.session.settings import SessionSettings


@dataclass(frozen=True)
class Target:
    """Where batches go: the remote to push to, the GitHub repository and PR base."""

    remote: str
    github_repo: str
    pr_base: str
    api_url: str
    token: str

    @property
    def owner(self) -> str:
        return self.github_repo.split("/", 1)[0]


@dataclass(frozen=True)
class SessionPointer:
    """The checkout's current session, kept in `.git/veroscore/session.json`."""

    session_id: str
    base_commit: str
    branch: str


def control_dir(git: Git) -> Path:
    return git.git_dir / "veroscore"


def resolve_target(git: Git, settings: SessionSettings, remote: str | None,
                   base: str | None, github_repo: str | None,
                   env: Mapping[str, str] = os.environ) -> Target:
    name = remote or settings.remote
    try:
        url = git.run(["remote", "get-url", "--", name]).decode("utf-8", "replace").strip()
    except GitError:
        raise InputError(f"the checkout has no remote '{name}' (pass --remote NAME)") from None
    repo = github_repo or repository_from_remote(url)
    if not repo:
        raise InputError(f"cannot tell the GitHub repository from the URL of remote '{name}': "
                         "pass --github-repo OWNER/NAME")
    token = env.get("GITHUB_TOKEN") or env.get("GH_TOKEN") or ""
    return Target(name, repo, base or settings.base_branch or _default_branch(git, name),
                  env.get("GITHUB_API_URL") or DEFAULT_API_URL, token)


def _default_branch(git: Git, remote: str) -> str:
    head = git.run(["symbolic-ref", "--quiet", f"refs/remotes/{remote}/HEAD"], ok=(0, 1))
    if head.strip():
        return head.decode().strip().removeprefix(f"refs/remotes/{remote}/")
    for candidate in ("main", "master"):
        if git.rev(f"refs/remotes/{remote}/{candidate}"):
            return candidate
    try:  # ask the remote itself (no remote-tracking refs in this clone)
        out = git.run(["ls-remote", "--symref", "--", remote, "HEAD"]).decode("utf-8", "replace")
    except GitError:
        out = ""
    for line in out.splitlines():
        if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
            return line.removeprefix("ref: refs/heads/").removesuffix("\tHEAD")
    raise InputError(f"cannot tell the base branch of remote '{remote}': pass --base BRANCH "
                     "or set session.base_branch")


def new_session_id() -> str:
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def read_pointer(git: Git) -> SessionPointer | None:
    try:
        data = json.loads((control_dir(git) / "session.json").read_text(encoding="utf-8"))
        return SessionPointer(str(data["session_id"]), str(data["base_commit"]),
                              str(data["branch"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_pointer(git: Git, pointer: SessionPointer) -> None:
    write_atomic(control_dir(git) / "session.json", json.dumps(asdict(pointer), indent=2))


def write_atomic(path: Path, text: str) -> None:
    """Write-then-rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
