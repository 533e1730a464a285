"""The Supabase back-end: supabase-py against the `veroscore` schema, writes through RPC.

The schema must be exposed in the project's Data API settings (see the README). The
service-role key is required: RLS gives the API's other roles nothing.

Errors are classified as the Postgres back-end's are, from the SQLSTATE or `PGRST…` code
in PostgREST's error body (`{"code", "message", "details", "hint"}`); every request has
the connect and read time-outs of `StoreSettings`; serialization failures and deadlocks are
retried with jitter.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from postgrest.exceptions import APIError

from supabase import Client, ClientOptions, create_client
from veroscore.detect.secret_patterns import redact
from veroscore.store.base import HistoryRow, ScoreRecord
from veroscore.store.failure import RETRYABLE, StoreFailure, kind_of
from veroscore.store.settings import StoreSettings
from veroscore.store.versions import check_schema_version

T = TypeVar("T")

HISTORY_COLUMNS = ("created_at,repository,pr_number,head_sha,stabilized_score,decision,"
                   "critical_count,trace_id")


class SupabaseStore:
    def __init__(self, url: str, key: str, settings: StoreSettings | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not url or not key:
            raise StoreFailure("permission", "the supabase store needs SUPABASE_URL and "
                                             "SUPABASE_SERVICE_ROLE_KEY (or SUPABASE_KEY)")
        self._settings = settings or StoreSettings()
        self._sleep = sleep
        self._schema_checked = False
        self.retries_used = 0
        timeout = httpx.Timeout(self._settings.http_timeout_s,
                                connect=float(self._settings.connect_timeout_s))
        try:
            self._http = httpx.Client(timeout=timeout)
            self._client: Client = create_client(url, key, options=ClientOptions(
                schema="veroscore", httpx_client=self._http, auto_refresh_token=False,
                persist_session=False, postgrest_client_timeout=timeout))
        except Exception as exc:  # supabase-py raises plain exceptions for bad URLs/keys
            raise StoreFailure("unavailable", f"cannot create the Supabase client for "
                                              f"{redact(url)}: {exc}") from None
        self._url = url

    def _call(self, what: str, request: Callable[[], T]) -> T:
        """One request, classified; conflicts retried a bounded number of times."""
        s = self._settings
        for attempt in range(s.retries + 1):
            try:
                return request()
            except APIError as exc:
                code = str(exc.code or "")
                if code in RETRYABLE and attempt < s.retries:
                    self.retries_used += 1
                    self._sleep(random.uniform(0, s.retry_base_delay_s * 2 ** attempt))
                    continue
                raise StoreFailure(kind_of(code) if code else "unavailable",
                                   f"Supabase {what} failed: {exc.message or exc}"
                                   + (f" ({code})" if code else ""), code) from None
            except httpx.TimeoutException as exc:
                raise StoreFailure("timeout", f"Supabase at {redact(self._url)} did not answer "
                                              f"{what} in time ({type(exc).__name__})") from None
            except Exception as exc:  # transport errors, non-JSON gateway pages
                raise StoreFailure("unavailable", f"cannot reach Supabase at "
                                                  f"{redact(self._url)} for {what}: "
                                                  f"{type(exc).__name__}: {exc}") from None
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _rpc(self, function: str, params: dict[str, Any]) -> Any:
        return self._call(f"RPC {function}",
                          lambda: self._client.rpc(function, params).execute().data)

    def schema_version(self) -> int | None:
        rows: Any = self._call("reading the schema version", lambda: self._client.table(
            "schema_version").select("version").order("version", desc=True).limit(1)
            .execute().data)
        return int(rows[0]["version"]) if rows else None

    def check_schema(self) -> None:
        """Once per run (per store): refuse to write to a schema older than this engine."""
        if not self._schema_checked:
            check_schema_version(self.schema_version(), redact(self._url))
            self._schema_checked = True

    def record(self, record: ScoreRecord) -> bool:
        self.check_schema()
        return bool(self._rpc("record_pr_score", {"payload": record.payload})["inserted"])

    def history(self, repository: str | None = None, limit: int = 20) -> list[HistoryRow]:
        query = self._client.table("pr_scores").select(HISTORY_COLUMNS)
        if repository:
            query = query.eq("repository", repository)
        rows: Any = self._call("reading scores", lambda: query.order(
            "created_at", desc=True).limit(limit).execute().data)
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
