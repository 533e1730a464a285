"""`veroscore dashboard build`: the static pages, their embedded data, and the CLI."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from tests.dashboard_data import HOSTILE_TITLE, fill_sqlite
from tests.helpers import run_cli

BOOT = re.compile(r'<script type="application/json" id="vs-boot">(?P<json>.*?)</script>',
                  re.DOTALL)


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    fill_sqlite(tmp_path / "s.db")
    return f"sqlite:///{tmp_path / 's.db'}"


def boot_of(path: Path) -> dict:  # type: ignore[type-arg]
    match = BOOT.search(path.read_text(encoding="utf-8"))
    assert match is not None
    data: dict = json.loads(match.group("json"))  # type: ignore[type-arg]
    return data


def test_build_writes_every_page_with_its_data(capsys: pytest.CaptureFixture[str],
                                               store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "site"
    run = run_cli(capsys, "dashboard", "build", "--store", store_url, "--out", str(out))
    assert run.code == 0 and "6 of 6 pull request(s)" in run.out
    for name in ("index.html", "prs.html", "sessions.html", "analytics.html",
                 "assets/app.js", "assets/style.css"):
        assert (out / name).is_file(), name
    assert boot_of(out / "index.html")["data"]["overview"]["scored"]["last_30_days"] == 5
    prs = boot_of(out / "prs.html")["data"]
    assert prs["prs"]["total"] == 6 and len(prs["detail_ids"]) == 6
    assert "overview" not in prs  # each page carries only its own data
    details = sorted(out.glob("pr-*.html"))
    assert len(details) == 6
    assert {boot_of(p)["data"]["pr"]["pr_number"] for p in details} == {1, 2, 3, 4, 5, 6}


def test_embedded_data_keeps_hostile_text_inside_its_block(store_url: str, capsys:
                                                            pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    out = tmp_path / "site"
    run_cli(capsys, "dashboard", "build", "--store", store_url, "--out", str(out))
    html = (out / "prs.html").read_text(encoding="utf-8")
    assert html.count("<script") == 2 and html.count("</script>") == 2
    assert "window.__pwned" in html  # present, but only as escaped JSON text
    titles = [row["title"] for row in boot_of(out / "prs.html")["data"]["prs"]["rows"]]
    assert HOSTILE_TITLE in titles
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None
    policy = unescape(csp.group(1))
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert "src=\"http" not in html and "href=\"http" not in html  # nothing from the network


def test_since_limits_the_snapshot(capsys: pytest.CaptureFixture[str], store_url: str,
                                   tmp_path: Path) -> None:
    out = tmp_path / "week"
    run = run_cli(capsys, "dashboard", "build", "--store", store_url, "--out", str(out),
                  "--since", "7")
    assert run.code == 0
    prs = boot_of(out / "prs.html")["data"]["prs"]
    assert prs["total"] == 3 and {r["pr_number"] for r in prs["rows"]} == {4, 5, 6}
    assert boot_of(out / "analytics.html")["data"]["analytics"]["since_days"] == 7


def test_hide_authors_from_config(capsys: pytest.CaptureFixture[str], store_url: str,
                                  tmp_path: Path) -> None:
    config = tmp_path / "veroscore.yml"
    config.write_text("dashboard:\n  hide_authors: true\n", encoding="utf-8")
    out = tmp_path / "site"
    run = run_cli(capsys, "dashboard", "build", "--store", store_url, "--out", str(out),
                  "--config", str(config))
    assert run.code == 0
    analytics = boot_of(out / "analytics.html")["data"]["analytics"]
    assert analytics["authors_hidden"] is True and analytics["authors"] == []


def test_bad_dashboard_config_is_one_clear_error(capsys: pytest.CaptureFixture[str],
                                                 store_url: str, tmp_path: Path) -> None:
    config = tmp_path / "veroscore.yml"
    config.write_text("dashboard:\n  hide_author: true\n", encoding="utf-8")
    run = run_cli(capsys, "dashboard", "build", "--store", store_url, "--out",
                  str(tmp_path / "o"), "--config", str(config))
    assert run.code == 2 and "dashboard.hide_author" in run.err
    config.write_text("dashboard:\n  github_server_url: ftp://x\n", encoding="utf-8")
    run = run_cli(capsys, "dashboard", "build", "--store", store_url, "--out",
                  str(tmp_path / "o"), "--config", str(config))
    assert run.code == 2 and "github_server_url" in run.err


def test_build_from_an_old_store_is_one_clear_error(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    import sqlite3
    with sqlite3.connect(tmp_path / "old.db") as db:
        db.execute("CREATE TABLE pr_scores (id INTEGER PRIMARY KEY)")
    run = run_cli(capsys, "dashboard", "build", "--store", f"sqlite:///{tmp_path / 'old.db'}",
                  "--out", str(tmp_path / "o"))
    assert run.code == 2 and "older than this engine" in run.err and "Traceback" not in run.err
