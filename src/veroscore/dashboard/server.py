"""The live dashboard: pages plus the JSON API they use (FastAPI, served by uvicorn).

Every page has a data twin: `/prs` draws what `/api/prs` returns, and
`/api/export/prs.csv` exports the same query with the same filters. The browser only ever
receives data; the store URL and any key stay in this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.responses import StreamingResponse

from veroscore import __version__
from veroscore.dashboard import analytics, queries
from veroscore.dashboard.events import Broadcaster, event_stream, watch
from veroscore.dashboard.export import COLUMNS, to_csv, to_json
from veroscore.dashboard.filters import for_export, pr_filters, session_filters
from veroscore.dashboard.links import pr_url
from veroscore.dashboard.pages import ASSETS, PageShell, environment
from veroscore.dashboard.security import COOKIE, AccessPolicy, GuardMiddleware
from veroscore.dashboard.source import SchemaTooOld, StoreLocation, open_reader
from veroscore.errors import InputError, StoreError

DEFAULT_SINCE_DAYS = 90
MAX_SINCE_DAYS = 3650
_log = logging.getLogger("veroscore.dashboard")


@dataclass(frozen=True)
class DashboardSettings:
    location: StoreLocation
    hide_authors: bool = False
    github_server_url: str = "https://github.com"
    token: str | None = None
    secure_cookie: bool = False


def create_app(settings: DashboardSettings) -> FastAPI:
    """The ASGI application for `settings` (no work until it is served)."""
    broadcaster = Broadcaster()

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(watch(settings.location, broadcaster))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(title="VeroScore dashboard API", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
                  description="Read-only JSON API of the VeroScore governance dashboard.")
    app.add_middleware(GuardMiddleware, policy=AccessPolicy(settings.token))
    app.mount("/static", StaticFiles(directory=ASSETS), name="static")
    _add_error_handlers(app, settings.location)
    _add_api(app, settings, broadcaster)
    _add_pages(app, settings)
    return app


def _error(status: int, message: str, kind: str) -> JSONResponse:
    return JSONResponse({"error": message, "kind": kind}, status_code=status,
                        headers={"cache-control": "no-store"})


def scrub(message: str, location: StoreLocation) -> str:
    """The message without the store's URL or path: those stay on the server."""
    from veroscore.store.postgres import redact_url
    secret_forms = {location.url, redact_url(location.url),
                    location.url.removeprefix("sqlite:///")}
    for form in sorted(secret_forms, key=len, reverse=True):
        if form:
            message = message.replace(form, "<store>")
    return message


def _add_error_handlers(app: FastAPI, location: StoreLocation) -> None:
    @app.exception_handler(SchemaTooOld)
    async def too_old(_: Request, exc: SchemaTooOld) -> JSONResponse:
        return _error(503, scrub(str(exc), location), "schema")

    @app.exception_handler(StoreError)
    async def store(_: Request, exc: StoreError) -> JSONResponse:
        _log.warning("dashboard store error: %s", exc)
        return _error(503, scrub(str(exc), location), "store")

    @app.exception_handler(InputError)
    async def bad_input(_: Request, exc: InputError) -> JSONResponse:
        return _error(400, str(exc), "input")

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        _log.error("dashboard request failed: %s: %s", type(exc).__name__, exc)
        return _error(500, "the dashboard hit an internal error (see the server log)",
                      "internal")


def _params(request: Request) -> dict[str, str]:
    return {key: value for key, value in request.query_params.items()}


def _since(days: int | None) -> int:
    return max(1, min(days or DEFAULT_SINCE_DAYS, MAX_SINCE_DAYS))


def _add_api(app: FastAPI, settings: DashboardSettings, broadcaster: Broadcaster) -> None:
    location = settings.location

    def read(fn: Callable[[Any], Any]) -> Any:
        with open_reader(location) as reader:
            return fn(reader)

    @app.get("/api/overview", tags=["pages"], summary="Overview page data")
    def api_overview() -> dict[str, Any]:
        return dict(read(queries.overview))

    @app.get("/api/prs", tags=["pages"], summary="Pull requests (filtered, sorted, paged)")
    def api_prs(request: Request, repository: str | None = None, author: str | None = None,
                decision: str | None = None, since: str | None = None,
                until: str | None = None, rule: str | None = None,
                sort: str | None = Query(None, description="column, prefix - to descend"),
                limit: int = 50, offset: int = 0) -> dict[str, Any]:
        filters = pr_filters(_params(request))
        data = dict(read(lambda r: queries.pull_requests(r, filters)))
        _link_rows(data["rows"], settings.github_server_url)
        return data

    @app.get("/api/prs/{pr_id}", tags=["pages"], summary="One pull request's detail")
    def api_pr(pr_id: str) -> Any:
        detail = read(lambda r: queries.pull_request(r, pr_id))
        if detail is None:
            return _error(404, "no such scored pull request", "not_found")
        detail["url"] = pr_url(settings.github_server_url, detail["repository"],
                               detail["pr_number"])
        return detail

    @app.get("/api/sessions", tags=["pages"], summary="Sessions (filtered, sorted, paged)")
    def api_sessions(request: Request, status: str | None = None, author: str | None = None,
                     sort: str | None = None, limit: int = 50,
                     offset: int = 0) -> dict[str, Any]:
        filters = session_filters(_params(request))
        return dict(read(lambda r: queries.sessions(r, filters)))

    @app.get("/api/analytics", tags=["pages"], summary="Trends, authors, violation patterns")
    def api_analytics(since_days: int = DEFAULT_SINCE_DAYS) -> dict[str, Any]:
        return dict(read(lambda r: analytics.analytics(r, _since(since_days),
                                                     settings.hide_authors)))

    @app.get("/api/filters", tags=["pages"], summary="Values for the filter menus")
    def api_filters() -> dict[str, Any]:
        return dict(read(queries.filter_options))

    @app.get("/api/export/{table}.{fmt}", tags=["export"],
             summary="CSV or JSON of a table, as filtered (prs, sessions, weekly, authors, "
                     "rules, folders, severity)")
    def api_export(request: Request, table: str, fmt: str,
                   since_days: int = DEFAULT_SINCE_DAYS) -> Response:
        if table not in COLUMNS or fmt not in ("csv", "json"):
            return _error(404, "no such export", "not_found")
        rows = read(lambda r: _export_rows(r, table, _params(request), _since(since_days),
                                           settings.hide_authors))
        body = to_csv(table, rows) if fmt == "csv" else to_json(table, rows)
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        return Response(body, media_type=media, headers={
            "content-disposition": f'attachment; filename="veroscore-{table}.{fmt}"',
            "cache-control": "no-store"})

    @app.get("/api/events", tags=["live"], summary="Server-Sent Events: `change` notices")
    async def api_events() -> StreamingResponse:
        return StreamingResponse(event_stream(broadcaster), media_type="text/event-stream",
                                 headers={"cache-control": "no-store",
                                          "x-accel-buffering": "no"})


def _link_rows(rows: list[dict[str, Any]], server: str) -> None:
    for row in rows:
        row["url"] = pr_url(server, row["repository"], row["pr_number"])


def _export_rows(reader: Any, table: str, params: dict[str, str], since_days: int,
                 hide_authors: bool) -> list[dict[str, Any]]:
    if table == "prs":
        return list(queries.pull_requests(reader, for_export(pr_filters(params)))["rows"])
    if table == "sessions":
        return list(queries.sessions(reader, for_export(session_filters(params)))["rows"])
    data = analytics.analytics(reader, since_days, hide_authors)
    key = {"rules": "top_rules", "folders": "by_folder", "severity": "by_severity"}
    return list(data[key.get(table, table)])


def _add_pages(app: FastAPI, settings: DashboardSettings) -> None:
    env = environment()
    boot = {"api": "/api", "store": settings.location.label,
            "hide_authors": settings.hide_authors, "columns": COLUMNS}
    footer = f"VeroScore {__version__} · live from the {settings.location.label} store"

    def page(name: str, **extra: Any) -> HTMLResponse:
        html = PageShell(name, {**boot, **extra}, static=False, footer=footer).render(env)
        return HTMLResponse(html, headers={"cache-control": "no-store"})

    @app.get("/", include_in_schema=False)
    def overview_page() -> HTMLResponse:
        return page("overview")

    @app.get("/prs", include_in_schema=False)
    def prs_page() -> HTMLResponse:
        return page("prs")

    @app.get("/pr/{pr_id}", include_in_schema=False)
    def pr_page(pr_id: str) -> HTMLResponse:
        return page("pr", id=pr_id)

    @app.get("/sessions", include_in_schema=False)
    def sessions_page() -> HTMLResponse:
        return page("sessions")

    @app.get("/analytics", include_in_schema=False)
    def analytics_page() -> HTMLResponse:
        return page("analytics")

    _add_login(app, settings, env)


def _add_login(app: FastAPI, settings: DashboardSettings, env: Any) -> None:
    @app.get("/login", include_in_schema=False)
    def login_form(failed: int = 0) -> HTMLResponse:
        return HTMLResponse(env.get_template("login.html").render(failed=bool(failed)))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = parse_qs((await request.body())[:4096].decode("utf-8", "replace"))
        given = (form.get("token") or [""])[0]
        if not AccessPolicy(settings.token).allows({"authorization": f"Bearer {given}"}):
            return RedirectResponse("/login?failed=1", status_code=303)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, given, httponly=True, samesite="strict",
                            secure=settings.secure_cookie, path="/")
        return response
