"""The Supabase back-end: supabase-py against the `veroscore` schema, writes through RPC.

The schema must be exposed in the project's Data API settings (see the README). The
service-role key is required: RLS gives the API's other roles nothing.
"""

from __future__ import annotations

from typing import Any

import httpx
from postgrest.exceptions import APIError

from supabase import Client, ClientOptions, create_client
from veroscore.errors import StoreError
from veroscore.store.base import HistoryRow, ScoreRecord

HISTORY_COLUMNS = ("created_at,repository,pr_number,head_sha,stabilized_score,decision,"
                   "critical_count,trace_id")
REQUEST_TIMEOUT_SECONDS = 20


class SupabaseStore:
    def __init__(self, url: str, key: str) -> None:
        if not url or not key:
            raise StoreError("the supabase store needs SUPABASE_URL and "
                             "SUPABASE_SERVICE_ROLE_KEY (or SUPABASE_KEY)")
        try:
            self._http = httpx.Client(timeout=REQUEST_TIMEOUT_SECONDS)
            self._client: Client = create_client(url, key, options=ClientOptions(
                schema="veroscore", httpx_client=self._http, auto_refresh_token=False,
                persist_session=False))
        except Exception as exc:  # supabase-py raises plain exceptions for bad URLs/keys
            raise StoreError(f"cannot create the Supabase client for {url}: {exc}") from None
        self._url = url

    def _rpc(self, function: str, params: dict[str, Any]) -> Any:
        try:
            return self._client.rpc(function, params).execute().data
        except APIError as exc:
            raise StoreError(f"Supabase RPC {function} failed: {exc.message}") from None
        except Exception as exc:  # httpx transport errors: the store is unreachable
            raise StoreError(f"cannot reach Supabase at {self._url}: "
                             f"{type(exc).__name__}: {exc}") from None

    def record(self, record: ScoreRecord) -> bool:
        return bool(self._rpc("record_pr_score", {"payload": record.payload})["inserted"])

    def history(self, repository: str | None = None, limit: int = 20) -> list[HistoryRow]:
        query = self._client.table("pr_scores").select(HISTORY_COLUMNS)
        if repository:
            query = query.eq("repository", repository)
        try:
            rows: list[dict[str, Any]] = query.order("created_at", desc=True).limit(
                limit).execute().data  # type: ignore[assignment]
        except APIError as exc:
            raise StoreError(f"cannot read scores from Supabase: {exc.message}") from None
        except Exception as exc:
            raise StoreError(f"cannot reach Supabase at {self._url}: {exc}") from None
        return [HistoryRow(r["created_at"], r["repository"], r["pr_number"], r["head_sha"],
                           float(r["stabilized_score"]), r["decision"], r["critical_count"],
                           r["trace_id"]) for r in rows]

    def timeout_sessions(self, idle_minutes: int) -> int:
        return int(self._rpc("timeout_idle_sessions", {"p_idle_minutes": idle_minutes}))

    def cleanup_idempotency(self) -> int:
        return int(self._rpc("cleanup_expired_idempotency", {}))

    def archive_metrics(self, keep_days: int) -> int:
        return int(self._rpc("archive_old_metrics", {"p_keep_days": keep_days}))

    def record_metric(self, name: str, value: float, labels: dict[str, str]) -> None:
        self._rpc("record_metric", {"p_name": name, "p_value": value, "p_type": "gauge",
                                    "p_labels": labels})

    def health_snapshot(self, stuck_minutes: int) -> dict[str, Any]:
        snapshot: dict[str, Any] = self._rpc("health_snapshot", {"p_stuck_minutes": stuck_minutes})
        return snapshot

    def close(self) -> None:
        self._http.close()
