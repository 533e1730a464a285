"""Per-path debounce, in one place: a path settles `debounce_seconds` after its last event.

The watcher thread calls `touch`; the agent's loop calls `settled` and `drain`. Times come
from the caller (a monotonic clock), so tests drive it without sleeping.
"""

from __future__ import annotations

import threading


class Debouncer:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.last_event = 0.0
        self.events = 0

    def touch(self, path: str, now: float) -> None:
        with self._lock:
            self._last[path] = now
            self.last_event = now
            self.events += 1

    def settled(self, now: float) -> list[str]:
        """Remove and return the paths quiet for `seconds`, oldest first."""
        with self._lock:
            done = [p for p, t in self._last.items() if now - t >= self.seconds]
            for path in done:
                del self._last[path]
            return done

    def drain(self) -> list[str]:
        """Every waiting path, settled or not (a clean stop writes them all)."""
        with self._lock:
            paths = list(self._last)
            self._last.clear()
            return paths

    def __len__(self) -> int:
        with self._lock:
            return len(self._last)
