"""The static dashboard: the same pages with their data embedded, for GitHub Pages or an
artifact. Filters, sorting, paging and exports run in the browser over the embedded rows,
so the snapshot is bounded: the newest rows up to the caps below (the pages say how many
of how many)."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from veroscore import __version__
from veroscore.dashboard import analytics, queries
from veroscore.dashboard.export import COLUMNS
from veroscore.dashboard.filters import PrFilters, SessionFilters
from veroscore.dashboard.links import pr_url
from veroscore.dashboard.pages import ASSETS, PageShell, environment
from veroscore.dashboard.source import Reader, StoreLocation, open_reader
from veroscore.errors import InputError

MAX_PRS = 5000
MAX_DETAILS = 1000
MAX_SESSIONS = 2000
_SAFE_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    prs: int
    prs_total: int
    details: int


def build_site(location: StoreLocation, out: Path, since_days: int, hide_authors: bool,
               github_server_url: str) -> BuildResult:
    """Write the static dashboard into `out` (created; existing pages are replaced)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "assets").mkdir(exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    with open_reader(location) as reader:
        data = _snapshot(reader, since_days, hide_authors, github_server_url)
        details = [_detail(reader, row["id"], github_server_url)
                   for row in data["prs"]["rows"][:MAX_DETAILS] if _SAFE_ID.match(row["id"])]
    generated = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    data["detail_ids"] = [d["id"] for d in details if d is not None]
    footer = (f"VeroScore {__version__} · snapshot of the last {since_days} days, "
              f"generated {generated}")
    env = environment()
    boot = {"data": data, "generated_at": generated, "columns": COLUMNS,
            "hide_authors": hide_authors}
    pages = {"index.html": ("overview", ("overview", "detail_ids")),
             "prs.html": ("prs", ("prs", "filters", "detail_ids")),
             "sessions.html": ("sessions", ("sessions", "detail_ids")),
             "analytics.html": ("analytics", ("analytics",))}
    for name, (page, keys) in pages.items():
        page_boot = {**boot, "data": {key: data[key] for key in keys}}
        _write(out / name, PageShell(page, page_boot, static=True, footer=footer).render(env))
    for detail in details:
        if detail is not None:
            single = {**boot, "data": {"pr": detail, "detail_ids": data["detail_ids"]}}
            _write(out / f"pr-{detail['id']}.html",
                   PageShell("pr", single, static=True, footer=footer).render(env))
    for asset in ("app.js", "style.css"):
        shutil.copyfile(ASSETS / asset, out / "assets" / asset)
    return BuildResult(out, len(pages) + len(data["detail_ids"]), len(data["prs"]["rows"]),
                       data["prs"]["total"], len(data["detail_ids"]))


def _snapshot(reader: Reader, since_days: int, hide_authors: bool,
              server: str) -> dict[str, Any]:
    since = queries.since_date(since_days)
    prs = queries.pull_requests(reader, PrFilters(since=since, limit=MAX_PRS))
    for row in prs["rows"]:
        row["url"] = pr_url(server, row["repository"], row["pr_number"])
    return {
        "overview": queries.overview(reader),
        "prs": prs,
        "filters": queries.filter_options(reader),
        "sessions": queries.sessions(reader, SessionFilters(limit=MAX_SESSIONS)),
        "analytics": analytics.analytics(reader, since_days, hide_authors),
    }


def _detail(reader: Reader, pr_id: str, server: str) -> dict[str, Any] | None:
    detail = queries.pull_request(reader, pr_id)
    if detail is not None:
        detail["url"] = pr_url(server, detail["repository"], detail["pr_number"])
    return detail


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
