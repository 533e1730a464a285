"""Change notices for the live view: Postgres LISTEN/NOTIFY, or polling for SQLite.

One watcher per server fans each notice out to every open event stream. A notice says
only which table changed; pages then re-read through the normal read path.

A stream tells the page `ready` only once the feed really listens, and `down` when it
loses the database: "Live" on the page must mean that a new score will show up. After a
reconnect the feed sends one catch-up change, because notices sent while it was away
are gone. The watcher never dies of an error: it logs, waits and listens again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import structlog

from veroscore.dashboard.source import StoreLocation

CHANNEL = "veroscore_dashboard"
POLL_SECONDS = 1.0
RETRY_SECONDS = 5.0
HEARTBEAT_SECONDS = 15.0
_QUEUE_SIZE = 64
_FEED_DOWN = {"table": "*", "op": "feed_down"}
_FEED_UP = {"table": "*", "op": "feed_up"}


class Broadcaster:
    """Fan-out of change notices to subscribers (each an open SSE stream)."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()
        self._ready = asyncio.Event()
        self._was_down = False

    def feed_up(self) -> None:
        """The feed listens (again); after an outage every page re-reads once."""
        self._ready.set()
        if self._was_down:
            self._was_down = False
            self.publish(dict(_FEED_UP))

    def feed_down(self) -> None:
        if self._ready.is_set():
            self._ready.clear()
            self._was_down = True
            self.publish(dict(_FEED_DOWN))

    async def wait_ready(self, timeout: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), timeout)
        return self._ready.is_set()

    def publish(self, notice: dict[str, Any]) -> None:
        for queue in list(self._queues):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(notice)

    @contextlib.contextmanager
    def subscribe(self) -> Any:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(_QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    @property
    def subscribers(self) -> int:
        return len(self._queues)


async def watch(location: StoreLocation, broadcaster: Broadcaster) -> None:
    """Run until cancelled: publish a notice on every change of scores or sessions."""
    if location.kind == "postgres":
        await _listen(location.url, broadcaster)
    else:
        await _poll(Path(location.url.removeprefix("sqlite:///")), broadcaster)


async def _listen(url: str, broadcaster: Broadcaster) -> None:
    import psycopg
    log = structlog.get_logger()
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                broadcaster.feed_up()
                log.info("dashboard_listening", channel=CHANNEL)
                async for notify in conn.notifies():
                    broadcaster.publish(_parse(notify.payload))
        except Exception as exc:  # the feed must outlive any one failure
            broadcaster.feed_down()
            _warn(log, "dashboard_listen_failed", exc)
        await asyncio.sleep(RETRY_SECONDS)


def _warn(log: Any, event: str, exc: Exception) -> None:
    message = str(exc).strip().splitlines()
    with contextlib.suppress(Exception):
        log.warning(event, error=message[0] if message else type(exc).__name__)


def _parse(payload: str) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except ValueError:
        return {"table": "unknown"}
    return {"table": str(data.get("table", "unknown")), "op": str(data.get("op", ""))}


def _sqlite_state(path: Path) -> tuple[Any, ...] | None:
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return None
    try:
        scores = conn.execute("SELECT max(id), count(*) FROM pr_scores").fetchone()
        sessions = conn.execute("SELECT max(last_activity), count(*) FROM sessions").fetchone()
        return (*scores, *sessions)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


async def _poll(path: Path, broadcaster: Broadcaster) -> None:
    last = await asyncio.to_thread(_sqlite_state, path)
    broadcaster.feed_up()
    while True:
        await asyncio.sleep(POLL_SECONDS)
        if not broadcaster.subscribers:
            continue
        state = await asyncio.to_thread(_sqlite_state, path)
        if state != last and state is not None:
            changed = "pr_scores" if last is None or state[:2] != last[:2] else "sessions"
            broadcaster.publish({"table": changed, "op": "poll"})
            last = state


async def event_stream(broadcaster: Broadcaster) -> AsyncIterator[str]:
    """Server-Sent Events: `ready` once the feed listens, `down` when it loses the store,
    a `change` event per notice, and a comment line as heartbeat."""
    with broadcaster.subscribe() as queue:
        yield "retry: 2000\n\n"
        while not await broadcaster.wait_ready(HEARTBEAT_SECONDS):
            yield ": waiting for the change feed\n\n"
        yield "event: ready\ndata: {}\n\n"
        while True:
            try:
                notice = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": heartbeat\n\n"
                continue
            yield _frame(notice)


def _frame(notice: dict[str, Any]) -> str:
    if notice == _FEED_DOWN:
        return "event: down\ndata: {}\n\n"
    if notice == _FEED_UP:
        return 'event: ready\ndata: {}\n\nevent: change\ndata: {"table": "*"}\n\n'
    return f"event: change\ndata: {json.dumps(notice)}\n\n"
