"""The policy a pull request is judged by, read at its base commit and never from its checkout.

Configuration, custom rule folders, suppression policy and thresholds all live in the
config file and the folders it names. On pull_request the workspace is the PR's own merge
commit, and on pull_request_target a workflow may have checked out the head: either way
its files are the author's. So they are read as git objects at the base sha (from the
workspace's object store when it has that commit, else through the REST git-trees and
blobs API), and the rule files are written to a private folder Semgrep reads. A PR that
changes them is scored under the base's rules; its changes apply after merge.

Anything unexpected fails closed with one message: a symlink or submodule where a policy
file should be, a folder that leaves the repository, an unreadable blob.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Protocol

from veroscore.config import DEFAULT_CONFIG_PATH, Config, parse_config
from veroscore.errors import ConfigError
from veroscore.github.client import GitHubError, GitHubRest, TreeEntry

SYMLINK, SUBMODULE, FOLDER = "120000", "160000", "040000"
RULE_SUFFIXES = (".yml", ".yaml", ".json")
MAX_RULE_BYTES = 20 * 1024 * 1024


class PolicyError(ConfigError):
    """The policy at the base commit cannot be read safely: the run fails closed."""


class Revision(Protocol):
    """Read-only access to one commit's tree."""

    sha: str
    origin: str

    def entry(self, path: str) -> TreeEntry | None: ...
    def folder(self, path: str) -> list[TreeEntry]: ...
    def blob(self, entry: TreeEntry) -> bytes: ...


@dataclass(frozen=True)
class BasePolicy:
    """The trusted config and what the PR changes of it."""

    config: Config
    origin: str
    files: tuple[str, ...]
    """Repository paths the policy consists of: the config file and rule folders."""

    def changed_by(self, paths: Iterable[str]) -> list[str]:
        """The PR's changed paths that touch the policy (pending review, not applied)."""
        hits = []
        for path in paths:
            if any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.files):
                hits.append(path)
        return sorted(set(hits))


class LocalRevision:
    """A commit in the workspace's git object store (argument lists, never a shell)."""

    origin = "git objects"

    def __init__(self, repo: Path, sha: str) -> None:
        self.repo, self.sha = repo, sha

    def _git(self, *args: str) -> bytes:
        done = subprocess.run(["git", "-C", str(self.repo), "--literal-pathspecs", *args],
                              capture_output=True, check=False)
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise PolicyError(f"git {args[0]} failed at the base commit {self.sha[:12]}: "
                              f"{message[-1] if message else done.returncode}")
        return done.stdout

    def _entries(self, *args: str) -> list[TreeEntry]:
        entries = []
        for record in self._git("ls-tree", "-z", "--full-tree", *args).split(b"\0"):
            if not record:
                continue
            meta, _, name = record.partition(b"\t")
            mode, _kind, sha = meta.decode().split(" ")
            entries.append(TreeEntry(name.decode("utf-8", "surrogateescape"), mode, sha))
        return entries

    def entry(self, path: str) -> TreeEntry | None:
        found = [e for e in self._entries(self.sha, "--", path) if e.path == path]
        return found[0] if found else None

    def folder(self, path: str) -> list[TreeEntry]:
        return self._entries("-r", self.sha, "--", path.rstrip("/") + "/")

    def blob(self, entry: TreeEntry) -> bytes:
        return self._git("cat-file", "blob", entry.sha)


class RestRevision:
    """A commit read through the REST git-trees and blobs API."""

    origin = "the REST API"

    def __init__(self, api: GitHubRest, sha: str) -> None:
        self.api, self.sha = api, sha
        self._trees: dict[str, list[TreeEntry]] = {}

    def _tree(self, sha: str, prefix: str) -> list[TreeEntry]:
        if sha not in self._trees:
            entries, truncated = self.api.tree(sha)
            if truncated:
                raise PolicyError(f"GitHub truncated the tree of {prefix or '/'} at the base "
                                  f"commit {self.sha[:12]}; the policy cannot be read whole")
            self._trees[sha] = entries
        return [replace(e, path=f"{prefix}{e.path}") for e in self._trees[sha]]

    def entry(self, path: str) -> TreeEntry | None:
        parts = PurePosixPath(path).parts
        entries, prefix = self._tree(self.sha, ""), ""
        for index, part in enumerate(parts):
            found = next((e for e in entries if e.path == prefix + part), None)
            if found is None or index == len(parts) - 1:
                return found
            if found.mode != FOLDER:
                return None
            prefix = f"{prefix}{part}/"
            entries = self._tree(found.sha, prefix)
        return None

    def folder(self, path: str) -> list[TreeEntry]:
        top = self.entry(path.rstrip("/"))
        if top is None or top.mode != FOLDER:
            return []
        result: list[TreeEntry] = []
        pending = [top]
        while pending:
            current = pending.pop()
            for item in self._tree(current.sha, current.path + "/"):
                (pending if item.mode == FOLDER else result).append(item)
        return sorted(result, key=lambda e: e.path)

    def blob(self, entry: TreeEntry) -> bytes:
        return self.api.blob(entry.sha)


def read_base_policy(revision: Revision, config_path: Path, stage: Path) -> BasePolicy:
    """The config at the base commit, with its rule folders copied out under `stage`."""
    path = _repository_path(config_path.as_posix(), "config")
    where = f"{path}@{revision.sha[:12]}"
    try:
        entry = revision.entry(path)
        if entry is None:
            if config_path != DEFAULT_CONFIG_PATH:
                raise PolicyError(f"{path}: config file not found at the base commit "
                                  f"{revision.sha[:12]}")
            return BasePolicy(Config(source=f"<defaults; no {path} at the base commit>"),
                              revision.origin, (path,))
        _check_regular(entry, "config file")
        text = _decode(revision.blob(entry), entry.path)
        config = parse_config(text, where, base_dir=stage / PurePosixPath(path).parent)
        dirs = [_repository_path(name, "rules.dirs") for name in config.rule_dir_names]
        _copy_rules(revision, dirs, stage)
        config = replace(config, rule_dirs=tuple(stage / name for name in dirs))
    except GitHubError as exc:
        raise PolicyError(f"cannot read the policy at the base commit {revision.sha[:12]} "
                          f"through {revision.origin}: {exc}") from None
    return BasePolicy(config, revision.origin, (path, *dirs))


def _repository_path(name: str, key: str) -> str:
    """A clean repository-relative POSIX path, or a PolicyError (`..`, absolute)."""
    posix = PurePosixPath(name.replace("\\", "/"))
    parts = [p for p in posix.parts if p not in (".", "")]
    if posix.is_absolute() or not parts or ".." in parts:
        raise PolicyError(f"{key} '{name}' is not a path inside the repository")
    return "/".join(parts)


def _check_regular(entry: TreeEntry, what: str) -> None:
    if entry.mode == SYMLINK:
        raise PolicyError(f"{entry.path}: the {what} is a symlink at the base commit; policy "
                          "files must be regular files in the repository")
    if entry.mode == SUBMODULE:
        raise PolicyError(f"{entry.path}: the {what} is a submodule at the base commit; "
                          "policy files must be regular files in the repository")
    if entry.mode == FOLDER:
        raise PolicyError(f"{entry.path}: the {what} is a folder at the base commit")


def _decode(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise PolicyError(f"{path}: not UTF-8 text at the base commit") from None


def _copy_rules(revision: Revision, dirs: list[str], stage: Path) -> None:
    """Write each rule folder's rule files under `stage`, as they are at the base."""
    total = 0
    for name in dirs:
        top = revision.entry(name)
        if top is None:
            raise PolicyError(f"rules.dirs '{name}' does not exist at the base commit "
                              f"{revision.sha[:12]}")
        entries = [top] if top.mode != FOLDER else revision.folder(name)
        for entry in entries:
            if not entry.path.endswith(RULE_SUFFIXES) and entry is not top:
                continue
            _check_regular(entry, "rule file")
            data = revision.blob(entry)
            total += len(data)
            if total > MAX_RULE_BYTES:
                raise PolicyError(f"the rule folders at the base commit hold more than "
                                  f"{MAX_RULE_BYTES // 2**20} MB of rules")
            _write_inside(stage, entry.path, data)


def _write_inside(stage: Path, path: str, data: bytes) -> None:
    target = (stage / _repository_path(path, "rule file")).resolve()
    if not target.is_relative_to(stage.resolve()):
        raise PolicyError(f"{path}: rule file outside the repository")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def fresh_stage(folder: Path) -> Path:
    """An empty folder for one run's base policy."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder
