"""The page shell shared by the live server and the static build.

A page is a small HTML file that names its page, carries its boot data as JSON and loads
`app.js`, which draws the page with DOM text nodes only (never HTML from data). The live
server's boot data points at the API; the static build's carries the data itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from veroscore.dashboard.export import embed_json

PAGES = {"overview": "Overview", "prs": "Pull requests", "pr": "Pull request",
         "sessions": "Sessions", "analytics": "Analytics"}
NAV = (("overview", "Overview"), ("prs", "Pull requests"), ("sessions", "Sessions"),
       ("analytics", "Analytics"))
LIVE_LINKS = {"overview": "/", "prs": "/prs", "sessions": "/sessions",
              "analytics": "/analytics"}
STATIC_LINKS = {"overview": "index.html", "prs": "prs.html", "sessions": "sessions.html",
                "analytics": "analytics.html"}
STATIC_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "connect-src 'none'; base-uri 'none'; form-action 'none'")
ASSETS = Path(__file__).with_name("static")


def environment() -> Environment:
    return Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                       autoescape=select_autoescape(default=True), trim_blocks=False)


@dataclass(frozen=True)
class PageShell:
    page: str
    boot: dict[str, Any]
    static: bool
    footer: str

    def render(self, env: Environment) -> str:
        links = STATIC_LINKS if self.static else LIVE_LINKS
        return env.get_template("page.html").render(
            title=PAGES[self.page], page=self.page, nav=NAV, links=links,
            asset_base="assets/" if self.static else "/static/",
            csp_meta=STATIC_CSP if self.static else "",
            boot_json=embed_json({**self.boot, "page": self.page,
                                  "mode": "static" if self.static else "live",
                                  "links": links}),
            status="Snapshot" if self.static else "Connecting…", footer=self.footer)
