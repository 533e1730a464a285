"""inotify through watchdog: every file event becomes a path handed to the debouncer.

Only events that can change content count (created, modified, closed after writing,
deleted, moved — both ends of a move, so an atomic save's target is seen); reads never
do, so git reading the work tree for a snapshot does not wake the agent. Noise by name
is dropped here, before it costs memory; everything else is decided after debounce.
"""

from __future__ import annotations

import errno
import logging
import time
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from veroscore.errors import VeroScoreError
from veroscore.session.debounce import Debouncer
from veroscore.session.noise import ChangeFilter

WATCH_LIMIT_FILE = Path("/proc/sys/fs/inotify/max_user_watches")
_CONTENT_EVENTS = frozenset({"created", "modified", "deleted", "moved", "closed"})


class WatchLimitError(VeroScoreError):
    """The kernel refused more inotify watches."""


class _Handler(FileSystemEventHandler):
    def __init__(self, root: Path, debouncer: Debouncer, noise: ChangeFilter) -> None:
        self._prefix = str(root).rstrip("/") + "/"
        self._debouncer = debouncer
        self._noise = noise

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CONTENT_EVENTS or (
                event.is_directory and event.event_type == "modified"):
            return  # a folder is "modified" whenever an entry changes: the entry says it
        now = time.monotonic()
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            path = raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw
            if not path.startswith(self._prefix):
                continue
            rel = path[len(self._prefix):]
            if rel and not self._noise.is_noise(rel):
                self._debouncer.touch(rel, now)


class Watcher:
    """Recursive inotify watch of a checkout (watchdog picks inotify on Linux)."""

    def __init__(self, root: Path, debouncer: Debouncer, noise: ChangeFilter) -> None:
        self._root = root
        self._observer: BaseObserver = Observer()
        self._observer.schedule(_Handler(root, debouncer, noise), str(root), recursive=True)

    def start(self) -> None:
        try:
            self._observer.start()
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EMFILE):
                raise WatchLimitError(watch_limit_message(self._root)) from None
            raise VeroScoreError(f"cannot watch {self._root}: {exc.strerror}") from None

    def stop(self) -> None:
        # watchdog logs an error when its reader thread wakes up during the stop (a race
        # it then handles): nothing a user can act on
        logging.getLogger("watchdog.observers.inotify").setLevel(logging.CRITICAL)
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join(timeout=5)


def watch_limit_message(root: Path) -> str:
    try:
        limit = WATCH_LIMIT_FILE.read_text().strip()
    except OSError:
        limit = "unknown"
    return (f"cannot watch {root}: the inotify watch limit is reached "
            f"(fs.inotify.max_user_watches = {limit}; one watch per folder). Raise it, e.g. "
            "`sudo sysctl fs.inotify.max_user_watches=524288`, or stop other watchers")
