"""CSV and JSON exports of the dashboard's tables, and the JSON embedded in pages.

Exported text is PR-author controlled: a cell starting with `=`, `+`, `-`, `@`, a tab or a
carriage return is prefixed with `'` so a spreadsheet shows it instead of evaluating it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

COLUMNS: dict[str, tuple[str, ...]] = {
    "prs": ("id", "created_at", "repository", "pr_number", "author", "title", "head_ref",
            "head_sha", "stabilized_score", "raw_score", "decision", "critical_count",
            "scan_duration_ms", "rules"),
    "sessions": ("session_id", "status", "author", "branch", "started", "last_activity",
                 "total_files", "total_lines_added", "total_lines_removed", "queued_changes",
                 "prs"),
    "weekly": ("week", "prs", "average_score", "auto_approve", "review_required",
               "auto_block"),
    "authors": ("author", "prs", "average_score", "blocked", "block_rate"),
    "rules": ("rule_id", "severity", "findings"),
    "folders": ("folder", "findings"),
    "severity": ("severity", "findings"),
}


def neutralise(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    if value is None:
        return ""
    return neutralise(value)


def to_csv(table: str, rows: Sequence[dict[str, Any]]) -> str:
    """The rows of `table` as CSV with a header line."""
    columns = COLUMNS[table]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


def to_json(table: str, rows: Sequence[dict[str, Any]]) -> str:
    columns = COLUMNS[table]
    return json.dumps([{c: row.get(c) for c in columns} for row in rows], indent=1,
                      ensure_ascii=False)


def embed_json(data: Any) -> str:
    """JSON safe inside `<script type="application/json">`: no `<`, `>` or `&` survives
    literally, so `</script>` in a PR title cannot end the block."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text
