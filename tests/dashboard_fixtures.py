"""Fixtures shared by the dashboard tests: seeded stores on SQLite and the real PostgreSQL,
and a live server on a free loopback port (uvicorn in a thread)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from tests.dashboard_data import fill_postgres, fill_sqlite
from veroscore.dashboard.server import DashboardSettings, create_app
from veroscore.dashboard.source import StoreLocation


@dataclass(frozen=True)
class SeededStore:
    kind: str
    url: str


@pytest.fixture(name="seeded", params=["sqlite", "postgres"])
def seeded_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> SeededStore:
    """The seed PRs in a SQLite store and in a migrated PostgreSQL database."""
    if request.param == "sqlite":
        fill_sqlite(tmp_path / "store.db")
        return SeededStore("sqlite", f"sqlite:///{tmp_path / 'store.db'}")
    url: str = request.getfixturevalue("pg_db")
    fill_postgres(url)
    return SeededStore("postgres", url)


@pytest.fixture(name="empty", params=["sqlite", "postgres"])
def empty_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> SeededStore:
    """A store with the current schema and no rows."""
    if request.param == "sqlite":
        from veroscore.store.sqlite import SqliteStore
        SqliteStore(tmp_path / "empty.db").close()
        return SeededStore("sqlite", f"sqlite:///{tmp_path / 'empty.db'}")
    return SeededStore("postgres", request.getfixturevalue("pg_db"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@dataclass
class LiveServer:
    base: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(settings: DashboardSettings) -> LiveServer:
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                            log_level="warning", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.05)
    return LiveServer(f"http://127.0.0.1:{port}", server, thread)


@pytest.fixture(name="live_server")
def live_server_fixture(seeded: SeededStore) -> Iterator[tuple[LiveServer, SeededStore]]:
    running = start_server(DashboardSettings(StoreLocation(seeded.url)))
    yield running, seeded
    running.stop()
