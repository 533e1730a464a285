"""Change notices for the live view: Postgres LISTEN/NOTIFY, or polling for SQLite.

One watcher per server fans each notice out to every open event stream. A notice says
only which table changed; pages then re-read through the normal read path.
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


class Broadcaster:
    """Fan-out of change notices to subscribers (each an open SSE stream)."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()

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
                log.info("dashboard_listening", channel=CHANNEL)
                async for notify in conn.notifies():
                    broadcaster.publish(_parse(notify.payload))
        except psycopg.Error as exc:
            log.warning("dashboard_listen_failed", error=str(exc).strip().splitlines()[0])
        await asyncio.sleep(RETRY_SECONDS)


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
    """Server-Sent Events: a `change` event per notice, a comment line as heartbeat."""
    with broadcaster.subscribe() as queue:
        yield "retry: 2000\n\n"
        while True:
            try:
                notice = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": heartbeat\n\n"
                continue
            yield f"event: change\ndata: {json.dumps(notice)}\n\n"
