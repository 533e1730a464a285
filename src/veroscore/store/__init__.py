"""Where scores are recorded: embedded SQLite locally; Postgres/Supabase on servers."""

from veroscore.store.base import HistoryRow, ScoreRecord, Store
from veroscore.store.url import default_store_url, open_store

__all__ = ["HistoryRow", "ScoreRecord", "Store", "default_store_url", "open_store"]
