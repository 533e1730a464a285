"""Test helpers in one place: running the CLI in-process, building repos, patches and JWTs."""

from __future__ import annotations

import base64
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from veroscore.cli import main
from veroscore.diff import ChangedFile, ChangeSet, FileStatus
from veroscore.diff.language import language_of

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CliRun:
    code: int
    out: str
    err: str

    def json(self) -> dict:  # type: ignore[type-arg]
        return json.loads(self.out)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> CliRun:
    """Run `veroscore ARGS` in this process and capture what it prints."""
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return CliRun(code, captured.out, captured.err)


def make_jwt(role: str) -> str:
    """An unsigned-looking Supabase-style JWT with the given role claim (built at run time,
    so no key-shaped literal is committed)."""

    def part(data: dict) -> str:  # type: ignore[type-arg]
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    header = part({"alg": "HS256", "typ": "JWT"})
    payload = part({"iss": "supabase", "ref": "abcdefghijklmnopqrst", "role": role,
                    "iat": 1700000000, "exp": 2000000000})
    return f"{header}.{payload}.{'s' * 10}Q3xVnE0kR2pW8yT1uZ4aB6cD9fG"


def new_file_patch(path: str, lines: list[str]) -> str:
    """A git-style patch that adds `path` with `lines`."""
    body = "".join(f"+{line}\n" for line in lines)
    return (f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..1111111\n"
            f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n{body}")


class GitRepo:
    """A throwaway git repository for intake tests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "dev@example.com")
        self.git("config", "user.name", "Dev")

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True,
                              text=True, check=True)
        return done.stdout.strip()

    def write(self, path: str, content: str | bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")


def changeset_of(files: dict[str, str], description: str = "",
                 added: dict[str, set[int]] | None = None) -> ChangeSet:
    """A ChangeSet of new files; `added` limits which lines count as added per path."""
    changed = []
    for path, content in sorted(files.items()):
        lines = dict(enumerate(content.splitlines(), start=1))
        if added is not None and path in added:
            lines = {n: t for n, t in lines.items() if n in added[path]}
        status = FileStatus.MODIFIED if added and path in added else FileStatus.ADDED
        changed.append(ChangedFile(path=path, status=status, language=language_of(path),
                                   added_lines=lines, content=content))
    return ChangeSet(files=tuple(changed), repository="test", description=description)
