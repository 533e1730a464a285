"""Who may reach the live dashboard, and what hostile PR text becomes in exports and pages."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.dashboard_data import fill_sqlite
from tests.helpers import run_cli
from veroscore.dashboard.analytics import folder_of
from veroscore.dashboard.export import embed_json, neutralise, to_csv
from veroscore.dashboard.links import github_server, pr_url
from veroscore.dashboard.security import COOKIE, is_loopback
from veroscore.dashboard.server import DashboardSettings, create_app
from veroscore.dashboard.source import StoreLocation

TOKEN = "t0ken-for-tests-" + "x" * 16


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    fill_sqlite(tmp_path / "s.db")
    return f"sqlite:///{tmp_path / 's.db'}"


def guarded(url: str, base: str = "http://dash.example:8765") -> TestClient:
    app = create_app(DashboardSettings(StoreLocation(url), token=TOKEN))
    return TestClient(app, base_url=base, follow_redirects=False)


def test_token_is_required_for_api_and_pages(store_url: str) -> None:
    api = guarded(store_url)
    refused = api.get("/api/prs")
    assert refused.status_code == 401 and "token" in refused.json()["error"]
    page = api.get("/prs")
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert api.get("/api/prs", headers={"Authorization": "Bearer wrong-token-value"}
                   ).status_code == 401
    ok = api.get("/api/prs", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()["total"] == 6


def test_login_form_sets_a_strict_http_only_cookie(store_url: str) -> None:
    api = guarded(store_url)
    assert api.get("/login").status_code == 200
    wrong = api.post("/login", content="token=nope",
                     headers={"content-type": "application/x-www-form-urlencoded"})
    assert wrong.headers["location"] == "/login?failed=1" and COOKIE not in wrong.cookies
    right = api.post("/login", content=f"token={TOKEN}",
                     headers={"content-type": "application/x-www-form-urlencoded"})
    assert right.status_code == 303
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    api.cookies.set(COOKIE, TOKEN)
    assert api.get("/api/overview").status_code == 200
    assert api.get("/").status_code == 200


def test_loopback_without_token_refuses_foreign_host_names(store_url: str) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 gets nothing."""
    app = create_app(DashboardSettings(StoreLocation(store_url)))
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765"):
        answer = TestClient(app, base_url=f"http://{host}").get("/api/overview")
        assert answer.status_code == 200, host
    foreign = TestClient(app, base_url="http://evil.example:8765").get("/api/overview")
    assert foreign.status_code == 421


def test_serve_refuses_a_network_host_without_a_token(capsys: pytest.CaptureFixture[str],
                                                      store_url: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_cli(capsys, "dashboard", "serve", "--store", store_url, "--host", "0.0.0.0")
    assert run.code == 2 and "--token-env" in run.err and "Traceback" not in run.err
    monkeypatch.setenv("DASH_TOKEN", "short")
    run = run_cli(capsys, "dashboard", "serve", "--store", store_url, "--host", "0.0.0.0",
                  "--token-env", "DASH_TOKEN")
    assert run.code == 2 and "at least 16 characters" in run.err


def test_serve_and_build_reject_a_store_they_cannot_read(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    run = run_cli(capsys, "dashboard", "build", "--store", "supabase", "--out",
                  str(tmp_path / "site"))
    assert run.code == 2 and "postgresql://" in run.err
    run = run_cli(capsys, "dashboard", "build", "--store", "mysql://x", "--out",
                  str(tmp_path / "site"))
    assert run.code == 2 and "unknown store URL" in run.err


def test_is_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert not is_loopback("example.com")


@pytest.mark.parametrize("text", ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_prefixes_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text
    rows = list(csv.reader(io.StringIO(to_csv("folders", [{"folder": text, "findings": 1}]),
                           newline="")))
    assert rows[1] == ["'" + text, "1"]


def test_numbers_and_plain_text_are_not_changed() -> None:
    assert neutralise(-3.5) == -3.5 and neutralise("src/a.py") == "src/a.py"


def test_embedded_json_cannot_close_its_script_block() -> None:
    data = {"title": "</script><script>alert(1)</script>", "amp": "a&b", "sep": "\u2028"}
    text = embed_json(data)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data


def test_folder_of_matches_the_sql_rule() -> None:
    assert folder_of("a.py") == "" and folder_of("src/a.py") == "src"
    assert folder_of("src/api/v1/x.py") == "src/api"


def test_github_links() -> None:
    assert github_server(None, {}) == "https://github.com"
    assert github_server(None, {"GITHUB_SERVER_URL": "https://ghe.corp/"}) == "https://ghe.corp"
    assert github_server("javascript:alert(1)", {}) == "https://github.com"
    assert pr_url("https://github.com", "acme/shop", 7) == "https://github.com/acme/shop/pull/7"
    assert pr_url("https://github.com", "test", 7) is None
    assert pr_url("https://github.com", "acme/shop", None) is None
    assert pr_url("https://github.com", "a/b\"><x", 1) is None


def test_app_script_never_writes_html() -> None:
    """The pages draw data as text: no innerHTML/outerHTML/insertAdjacentHTML/document.write."""
    source = (Path(__file__).parent.parent / "src/veroscore/dashboard/static/app.js").read_text()
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(",
                         source)
