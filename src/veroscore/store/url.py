"""Choose a store back-end from a URL: `sqlite:///path`, `postgresql://…`, `supabase`, `none`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from veroscore.errors import StoreError
from veroscore.store.base import ServerStore, Store
from veroscore.store.sqlite import SqliteStore


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


def open_store(url: str, env: Mapping[str, str] = os.environ) -> Store | None:
    """Open the store at `url`; None for `none`."""
    if url == "none":
        return None
    if url.startswith("sqlite:///"):
        return SqliteStore(Path(url.removeprefix("sqlite:///")))
    return open_server_store(url, env)


def open_server_store(url: str, env: Mapping[str, str] = os.environ) -> ServerStore:
    """Open a Postgres or Supabase store (the ones that run maintenance)."""
    if url.startswith(("postgres://", "postgresql://")):
        from veroscore.store.postgres import PostgresStore
        return PostgresStore(url)
    if url == "supabase":
        from veroscore.store.supabase import SupabaseStore
        key = env.get("SUPABASE_SERVICE_ROLE_KEY", "") or env.get("SUPABASE_KEY", "")
        return SupabaseStore(env.get("SUPABASE_URL", ""), key)
    raise StoreError(f"unknown store URL '{url}' (expected sqlite:///PATH, postgresql://…, "
                     "supabase or none)")
