"""Real-browser tests: Debian's Chromium, headless, driven by Playwright for Python, on both
forms of the dashboard (live server and static build) over SQLite and PostgreSQL stores.

Screenshots of every page go to test-output/dashboard/ (gitignored).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.dashboard_data import (
    HOSTILE_AUTHOR,
    HOSTILE_BRANCH,
    HOSTILE_PATH,
    HOSTILE_TITLE,
    SeedPr,
    add_postgres_score,
    add_sqlite_score,
)
from tests.dashboard_fixtures import (  # noqa: F401
    LiveServer,
    SeededStore,
    live_server_fixture,
    seeded_fixture,
)
from veroscore.dashboard import queries
from veroscore.dashboard.build import build_site
from veroscore.dashboard.filters import PrFilters
from veroscore.dashboard.source import StoreLocation, open_reader

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent.parent / "test-output" / "dashboard"
PAGES = ("overview", "prs", "sessions", "analytics")
LIVE_PATHS = {"overview": "/", "prs": "/prs", "sessions": "/sessions", "analytics": "/analytics"}
STATIC_PATHS = {"overview": "index.html", "prs": "prs.html", "sessions": "sessions.html",
                "analytics": "analytics.html"}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium "
                    "(scripts/test does it when running as root)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Site:
    """One form of the dashboard under test: where its pages are and what went wrong."""

    name: str
    urls: dict[str, str]
    detail_url: str
    page: Page
    errors: list[str] = field(default_factory=list)

    def open(self, url: str) -> Page:
        self.page.goto(url)
        self.page.wait_for_selector("main[data-ready]", timeout=TIMEOUT_MS)
        ready = self.page.get_attribute("main", "data-ready")
        assert ready != "error", self.page.inner_text("main")
        return self.page

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{self.name}-{name}.png"), full_page=True)


def _watch(page: Page, errors: list[str]) -> None:
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))


def _hostile_id(base_rows: list[dict[str, object]]) -> str:
    return str(next(r["id"] for r in base_rows if r["pr_number"] == 5))


@pytest.fixture
def live_site(browser: Browser, live_server: tuple[LiveServer, SeededStore]
              ) -> Iterator[Site]:
    server, store = live_server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    site = Site(f"live-{store.kind}", {k: server.base + v for k, v in LIVE_PATHS.items()},
                "", page)
    _watch(page, site.errors)
    rows = json.loads(page.request.get(server.base + "/api/prs").text())["rows"]
    site.detail_url = f"{server.base}/pr/{_hostile_id(rows)}"
    yield site
    page.close()


@pytest.fixture
def static_site(browser: Browser, seeded: SeededStore, tmp_path: Path
                ) -> Iterator[Site]:
    out = tmp_path / "site"
    build_site(StoreLocation(seeded.url), out, 90, False, "https://github.com")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    site = Site(f"static-{seeded.kind}",
                {k: (out / v).as_uri() for k, v in STATIC_PATHS.items()}, "", page)
    _watch(page, site.errors)
    with open_reader(StoreLocation(seeded.url)) as reader:
        rows = queries.pull_requests(reader, PrFilters())["rows"]
    site.detail_url = (out / f"pr-{_hostile_id(rows)}.html").as_uri()
    yield site
    page.close()


@pytest.fixture(params=["live", "static"])
def site(request: pytest.FixtureRequest, seeded: SeededStore) -> Site:
    found: Site = request.getfixturevalue(f"{request.param}_site")
    return found


def _rows(page: Page) -> int:
    return page.locator("main tbody tr:not(:has(td.empty))").count()


def _wait_rows(page: Page, count: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('main tbody tr:not(:has(td.empty))').length === n",
        arg=count, timeout=TIMEOUT_MS)


def test_every_page_loads_without_console_errors(site: Site) -> None:
    for name in PAGES:
        page = site.open(site.urls[name])
        assert page.locator("h1").inner_text() != ""
        site.shot(name)
    page = site.open(site.detail_url)
    assert page.locator("text=Findings").count() >= 1
    site.shot("pr-detail")
    assert site.errors == []


def test_charts_render_with_their_labels(site: Site) -> None:
    page = site.open(site.urls["analytics"])
    assert page.locator("svg.chart").count() >= 5
    labels = page.locator("svg.chart text").all_text_contents()
    assert "hardcoded-tenant-id" in labels and "missing-tests" in labels
    assert page.locator("svg.chart rect").count() >= 6
    assert site.errors == []


def test_filters_and_sorting_change_what_is_shown(site: Site) -> None:
    page = site.open(site.urls["prs"])
    assert _rows(page) == 6
    page.select_option("select[name=decision]", "auto_block")
    _wait_rows(page, 2)
    assert page.locator("main tbody .badge").all_inner_texts() == ["Blocked", "Blocked"]
    page.select_option("select[name=decision]", "")
    _wait_rows(page, 6)
    page.select_option("select[name=repository]", "acme/shop")
    _wait_rows(page, 3)
    page.select_option("select[name=repository]", "")
    page.select_option("select[name=rule]", "hardcoded-tenant-id")
    _wait_rows(page, 2)
    page.select_option("select[name=rule]", "")
    _wait_rows(page, 6)

    def scores() -> list[float]:
        return [float(t) for t in page.locator("main tbody .score b").all_inner_texts()]

    before = scores()
    page.click("th[data-sort=stabilized_score]")
    page.wait_for_selector("th[data-sort=stabilized_score][aria-sort=descending]")
    descending = scores()
    assert descending == sorted(before, reverse=True) and descending != before
    page.click("th[data-sort=stabilized_score]")
    page.wait_for_selector("th[data-sort=stabilized_score][aria-sort=ascending]")
    assert scores() == sorted(before)

    page = site.open(site.urls["sessions"])
    total = _rows(page)
    status = page.locator("main tbody .status-pill").first.inner_text()
    page.select_option("select[name=status]", status)
    page.wait_for_function("s => [...document.querySelectorAll('main tbody .status-pill')]"
                           ".every(e => e.textContent === s)", arg=status, timeout=TIMEOUT_MS)
    assert 1 <= _rows(page) < total
    assert site.errors == []


def test_export_downloads_and_parses(site: Site) -> None:
    page = site.open(site.urls["prs"])
    page.select_option("select[name=repository]", "acme/api")
    _wait_rows(page, 3)
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.click("[data-export='prs.csv']")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"),
                                           newline="")))
    assert len(rows) == 3 and {r["repository"] for r in rows} == {"acme/api"}
    hostile = next(r for r in rows if r["pr_number"] == "5")
    assert hostile["author"] == "'" + HOSTILE_AUTHOR  # formula neutralised
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.click("[data-export='prs.json']")
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert {r["pr_number"] for r in data} == {4, 5, 6}
    assert site.errors == []


def test_hostile_pr_text_stays_inert(site: Site) -> None:
    page = site.open(site.urls["prs"])
    text = page.inner_text("main")
    assert HOSTILE_AUTHOR in text and HOSTILE_BRANCH in text
    if site.name.endswith("sqlite"):
        assert HOSTILE_TITLE in text  # the SQLite store keeps titles
    for url in (site.detail_url, site.urls["analytics"], site.urls["sessions"]):
        page = site.open(url)
        assert page.evaluate("window.__pwned") is None
        assert page.locator("main img, main b:has-text('feature')").count() == 0
        assert page.locator("script").count() == 2  # the JSON block and app.js, nothing else
    page = site.open(site.detail_url)
    assert HOSTILE_PATH + ":1" in page.locator("code.path").all_inner_texts()
    analytics = site.open(site.urls["analytics"])
    labels = analytics.locator("svg.chart text").all_text_contents()
    assert any("onerror" in label for label in labels)  # folder label shown as text
    assert site.errors == []


def test_live_page_shows_a_new_score_within_seconds(live_site: Site,
                                                    live_server: tuple[LiveServer,
                                                                       SeededStore]) -> None:
    _, store = live_server
    page = live_site.open(live_site.urls["prs"])
    page.wait_for_selector("#vs-status.live", timeout=TIMEOUT_MS)
    assert _rows(page) == 6
    newcomer = SeedPr("acme/web", 77, "dora", "Fresh change", "feature/fresh",
                      {"src/web/new.py": '"""New."""\n'}, 0)
    if store.kind == "sqlite":
        add_sqlite_score(Path(store.url.removeprefix("sqlite:///")), newcomer)
    else:
        add_postgres_score(store.url, newcomer)
    page.wait_for_selector("main tbody >> text=#77", timeout=10_000)
    assert _rows(page) == 7
    overview = live_site.open(live_site.urls["overview"])
    assert re.search(r"Scored today\s*2", overview.inner_text("main"), re.IGNORECASE)
    live_site.shot("prs-after-new-score")
    assert live_site.errors == []
