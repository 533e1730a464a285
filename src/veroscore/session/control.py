"""How `status`, `flush` and `stop` talk to a running agent: small files in `.git/veroscore/`.

A command drops a request file (`flush.request`, `stop.request`); the agent takes it on
its next tick and answers in `flush.answer`. The agent publishes its status to
`status.json` (write-then-rename) when it changes and at least every few seconds, so a
reader never sees half a file and an idle agent writes almost nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from veroscore.session.context import write_atomic

REQUESTS = ("flush", "stop")
PUBLISH_EVERY_SECONDS = 5.0


class Requests:
    def __init__(self, folder: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.folder = folder
        self._clock = clock
        self._published: dict[str, Any] | None = None
        self._published_at = 0.0

    def take(self) -> set[str]:
        """The requests waiting, removed as they are taken."""
        taken = set()
        for name in REQUESTS:
            path = self.folder / f"{name}.request"
            try:
                path.unlink()
                taken.add(name)
            except FileNotFoundError:
                continue
        return taken

    def answer(self, name: str, message: str) -> None:
        write_atomic(self.folder / f"{name}.answer", json.dumps({"message": message}))

    def publish(self, status: Callable[[], dict[str, Any]]) -> None:
        now = self._clock()
        current = status()
        steady = {k: v for k, v in current.items() if k != "retry_in_seconds"}
        if steady == self._published and now - self._published_at < PUBLISH_EVERY_SECONDS:
            return
        write_atomic(self.folder / "status.json",
                     json.dumps({**current, "updated_at": time.time()}, indent=2))
        self._published, self._published_at = steady, now


def request(folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.answer").unlink(missing_ok=True)
    (folder / f"{name}.request").write_text(str(time.time()))


def wait_answer(folder: Path, name: str, timeout: float) -> str | None:
    deadline = time.monotonic() + timeout
    path = folder / f"{name}.answer"
    while time.monotonic() < deadline:
        try:
            return str(json.loads(path.read_text(encoding="utf-8"))["message"])
        except (OSError, ValueError, KeyError):
            time.sleep(0.1)
    return None


def read_status(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "status.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
