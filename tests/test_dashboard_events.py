"""The live change feed: 'ready' means a new score will show up, and the feed outlives
failures (a lost database, a closed log stream)."""

from __future__ import annotations

import asyncio
import io
import sys

import pytest
import structlog

from veroscore.dashboard import events
from veroscore.dashboard.events import Broadcaster, event_stream
from veroscore.dashboard.source import StoreLocation
from veroscore.log import configure_logging


async def _next(stream: object, timeout: float = 2.0) -> str:
    return await asyncio.wait_for(stream.__anext__(), timeout)  # type: ignore[attr-defined]


def test_the_stream_says_ready_only_once_the_feed_listens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "HEARTBEAT_SECONDS", 0.05)

    async def scenario() -> list[str]:
        broadcaster = Broadcaster()
        stream = event_stream(broadcaster)
        frames = [await _next(stream), await _next(stream)]
        broadcaster.feed_up()
        while "event: ready" not in frames[-1]:
            frames.append(await _next(stream))
        broadcaster.publish({"table": "pr_scores", "op": "INSERT"})
        frames.append(await _next(stream))
        await stream.aclose()
        return frames

    frames = asyncio.run(scenario())
    assert frames[0].startswith("retry:")
    assert frames[1].startswith(": waiting")
    assert frames[-2] == "event: ready\ndata: {}\n\n"
    assert frames[-1].startswith("event: change\n") and '"pr_scores"' in frames[-1]


def test_an_outage_is_announced_and_followed_by_a_catch_up_change() -> None:
    async def scenario() -> list[str]:
        broadcaster = Broadcaster()
        broadcaster.feed_up()
        stream = event_stream(broadcaster)
        frames = [await _next(stream), await _next(stream)]
        broadcaster.feed_down()
        broadcaster.feed_down()  # a second failure while down says nothing new
        broadcaster.feed_up()
        frames += [await _next(stream), await _next(stream)]
        await stream.aclose()
        return frames

    frames = asyncio.run(scenario())
    assert frames[1] == "event: ready\ndata: {}\n\n"
    assert frames[2] == "event: down\ndata: {}\n\n"
    assert frames[3].startswith("event: ready\n") and "event: change" in frames[3]


def test_the_watcher_keeps_listening_after_an_unexpected_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Any exception (not only a database error) ends one attempt, never the feed."""
    monkeypatch.setattr(events, "RETRY_SECONDS", 0.01)
    attempts: list[int] = []

    class Flaky:
        @staticmethod
        async def connect(*_: object, **__: object) -> object:
            attempts.append(1)
            raise ValueError("I/O operation on closed file.")

    import psycopg
    monkeypatch.setattr(psycopg, "AsyncConnection", Flaky)

    async def scenario() -> None:
        task = asyncio.create_task(events.watch(
            StoreLocation("postgresql://u@127.0.0.1:1/db"), Broadcaster()))
        while len(attempts) < 3:
            await asyncio.sleep(0.01)
            assert not task.done()
        task.cancel()

    asyncio.run(asyncio.wait_for(scenario(), 5))
    assert len(attempts) >= 3


def test_log_lines_go_to_the_stderr_of_the_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging("t-1")
    first.close()
    monkeypatch.setattr(sys, "stderr", second)
    structlog.get_logger().warning("still_heard", detail="x")
    assert "still_heard" in second.getvalue()
