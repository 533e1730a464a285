"""Choose a store back-end from a URL (`sqlite:///path`, `none`)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from veroscore.errors import StoreError
from veroscore.store.base import Store
from veroscore.store.sqlite import SqliteStore


def default_store_url() -> str:
    """The embedded store in the per-user data directory."""
    return "sqlite:///" + str(Path(platformdirs.user_data_dir("veroscore")) / "veroscore.db")


def open_store(url: str) -> Store | None:
    """Open the store at `url`; None for `none`."""
    if url == "none":
        return None
    if url.startswith("sqlite:///"):
        return SqliteStore(Path(url.removeprefix("sqlite:///")))
    if url.startswith(("postgres://", "postgresql://")) or url == "supabase":
        raise StoreError(f"the {url.split(':')[0]} store is not built yet; "
                         "use --store sqlite:///PATH or --store none")
    raise StoreError(f"unknown store URL '{url}' (expected sqlite:///PATH or none)")
