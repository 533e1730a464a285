"""Table filters, sorting and paging, validated once from query parameters.

Sort keys come from a fixed list (they become SQL identifiers); page sizes are capped so
no request loads a whole store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TypeVar

from veroscore.errors import InputError

DECISIONS = ("auto_approve", "review_required", "auto_block")
PR_SORTS = ("created_at", "stabilized_score", "repository", "pr_number", "author", "decision",
            "critical_count")
SESSION_SORTS = ("last_activity", "started", "status", "author", "total_files")
MAX_LIMIT = 500
EXPORT_LIMIT = 10_000
DEFAULT_LIMIT = 50
MAX_TEXT = 200
MAX_OFFSET = 10_000  # deeper pages cost a scan each: narrow the filters instead


@dataclass(frozen=True)
class PrFilters:
    repository: str | None = None
    author: str | None = None
    decision: str | None = None
    since: date | None = None
    until: date | None = None
    rule: str | None = None
    sort: str = "created_at"
    descending: bool = True
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    @property
    def until_exclusive(self) -> date | None:
        return self.until + timedelta(days=1) if self.until else None


@dataclass(frozen=True)
class SessionFilters:
    status: str | None = None
    author: str | None = None
    sort: str = "last_activity"
    descending: bool = True
    limit: int = DEFAULT_LIMIT
    offset: int = 0


_F = TypeVar("_F", PrFilters, SessionFilters)


def _text(params: Mapping[str, str], key: str) -> str | None:
    value = (params.get(key) or "").strip()
    if len(value) > MAX_TEXT:
        raise InputError(f"{key}: at most {MAX_TEXT} characters")
    return value or None


def _date(params: Mapping[str, str], key: str) -> date | None:
    value = _text(params, key)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InputError(f"{key}: expected a date YYYY-MM-DD") from None


def _int(params: Mapping[str, str], key: str, default: int, upper: int) -> int:
    value = _text(params, key)
    if value is None:
        return default
    if not value.isdigit():
        raise InputError(f"{key}: expected a whole number")
    return min(int(value), upper)


def _offset(params: Mapping[str, str]) -> int:
    offset = _int(params, "offset", 0, 10**9)
    if offset > MAX_OFFSET:
        raise InputError(f"offset: at most {MAX_OFFSET:,}; narrow the filters or sort the "
                         "other way")
    return offset


def _sort(params: Mapping[str, str], allowed: tuple[str, ...]) -> tuple[str, bool]:
    """`sort=key` ascending, `sort=-key` descending; no sort: the first key, descending."""
    value = _text(params, "sort")
    if value is None:
        return allowed[0], True
    key = value.removeprefix("-")
    if key not in allowed:
        raise InputError(f"sort: one of {', '.join(allowed)} (prefix - for descending)")
    return key, value.startswith("-")


def pr_filters(params: Mapping[str, str], upper: int = MAX_LIMIT) -> PrFilters:
    """Filters of the pull-request table from query parameters."""
    decision = _text(params, "decision")
    if decision and decision not in DECISIONS:
        raise InputError(f"decision: one of {', '.join(DECISIONS)}")
    sort, descending = _sort(params, PR_SORTS)
    return PrFilters(repository=_text(params, "repository"), author=_text(params, "author"),
                     decision=decision, since=_date(params, "since"),
                     until=_date(params, "until"), rule=_text(params, "rule"), sort=sort,
                     descending=descending, limit=max(1, _int(params, "limit", DEFAULT_LIMIT,
                                                             upper)),
                     offset=_offset(params))


def session_filters(params: Mapping[str, str], upper: int = MAX_LIMIT) -> SessionFilters:
    sort, descending = _sort(params, SESSION_SORTS)
    return SessionFilters(status=_text(params, "status"), author=_text(params, "author"),
                          sort=sort, descending=descending,
                          limit=max(1, _int(params, "limit", DEFAULT_LIMIT, upper)),
                          offset=_offset(params))


def for_export(filters: _F) -> _F:
    """The same filters for an export: from the first row, up to the export cap."""
    return replace(filters, offset=0, limit=EXPORT_LIMIT)
