"""The store interface the agent writes through, and the choice of back-end by URL.

Both back-ends hold the same logical tables (sessions, changes_queue, idempotency_keys,
audit_log) and give the same guarantees: every method is one transaction, and a failure
is a `StoreError` (the agent then keeps its changes in memory and retries).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from veroscore.errors import StoreError
from veroscore.session.records import QueuedChange, SessionRecord
from veroscore.store.url import default_store_url

RowId = int | str


class SessionStore(Protocol):
    def create_session(self, record: SessionRecord) -> None: ...

    def session(self, session_id: str) -> SessionRecord | None: ...

    def set_status(self, session_id: str, status: str, details: dict[str, Any]) -> None: ...

    def save_delivery(self, session_id: str, pr: dict[str, Any], metadata: dict[str, Any],
                      totals: tuple[int, int, int], row_ids: Sequence[RowId],
                      commit: str) -> None:
        """After a delivery: the PR, the delivered commit, the totals, the rows done."""
        ...

    def enqueue(self, session_id: str, changes: Sequence[QueuedChange]) -> None: ...

    def queue(self, session_id: str, pending_only: bool = True) -> list[QueuedChange]: ...

    def key_result(self, key: str) -> dict[str, Any] | None: ...

    def save_key(self, key: str, operation: str, result: dict[str, Any]) -> None: ...

    def record_event(self, session_id: str, action: str, details: dict[str, Any]) -> None: ...

    def events(self, session_id: str) -> list[tuple[str, dict[str, Any]]]: ...

    def close(self) -> None: ...


def open_session_store(url: str | None) -> SessionStore:
    """`sqlite:///PATH` (default: the embedded store) or `postgresql://…`."""
    url = url or default_store_url()
    if url.startswith("sqlite:///"):
        from veroscore.session.sqlite_store import SqliteSessionStore
        return SqliteSessionStore(Path(url.removeprefix("sqlite:///")))
    if url.startswith(("postgres://", "postgresql://")):
        from veroscore.session.postgres_store import PostgresSessionStore
        return PostgresSessionStore(url)
    raise StoreError(f"the session agent keeps its queue in sqlite:///PATH or postgresql://…, "
                     f"not '{url}' (Supabase through its API is not supported by the agent)")
