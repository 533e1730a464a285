"""Choose a store back-end from a URL: `sqlite:///path`, `postgresql://…`, `supabase`, `none`.

Postgres URLs may use any scheme spelling (`postgres://`, `postgresql://`,
`postgresql+psycopg://`) and carry credentials in the user part or as query parameters;
they are redacted wherever they are reported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from veroscore.errors import StoreError
from veroscore.store.base import ServerStore, Store
from veroscore.store.settings import StoreSettings, settings_from_env
from veroscore.store.sqlite import SqliteStore

POSTGRES_URL = re.compile(r"^postgres(?:ql)?(?:\+\w+)?://", re.IGNORECASE)


def default_store_url() -> str:
    """The embedded store in the per-user data directory."""
    return "sqlite:///" + str(Path(platformdirs.user_data_dir("veroscore")) / "veroscore.db")


def server_store_url(env: Mapping[str, str] = os.environ) -> str | None:
    """DATABASE_URL, else `supabase` when SUPABASE_URL is set, else None."""
    if env.get("DATABASE_URL"):
        return env["DATABASE_URL"]
    if env.get("SUPABASE_URL"):
        return "supabase"
    return None


def open_store(url: str, env: Mapping[str, str] = os.environ,
               settings: StoreSettings | None = None) -> Store | None:
    """Open the store at `url`; None for `none`."""
    if url == "none":
        return None
    settings = settings or settings_from_env(env)
    if url.startswith("sqlite:///"):
        return SqliteStore(Path(url.removeprefix("sqlite:///")),
                           busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    return open_server_store(url, env, settings)


def open_server_store(url: str, env: Mapping[str, str] = os.environ,
                      settings: StoreSettings | None = None) -> ServerStore:
    """Open a Postgres or Supabase store (the ones that run maintenance)."""
    settings = settings or settings_from_env(env)
    if POSTGRES_URL.match(url):
        from veroscore.store.postgres import PostgresStore
        return PostgresStore(url, settings)
    if url == "supabase":
        from veroscore.store.supabase import SupabaseStore
        key = env.get("SUPABASE_SERVICE_ROLE_KEY", "") or env.get("SUPABASE_KEY", "")
        return SupabaseStore(env.get("SUPABASE_URL", ""), key, settings)
    from veroscore.detect.secret_patterns import redact
    raise StoreError(f"unknown store URL '{redact(url)}' (expected sqlite:///PATH, "
                     "postgresql://…, supabase or none)")
