"""The CLI contract of DESIGN §4, checked end to end with real Semgrep and SQLite."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import psycopg
import pytest

from tests.helpers import REPO_ROOT, GitRepo, make_jwt, new_file_patch, run_cli
from veroscore.pipeline import REQUIRED_CHECKS
from veroscore.report.render import render_template

CLEAN_SOURCE = [
    '"""Shipping cost rules for the checkout."""',
    "",
    "from decimal import Decimal",
    "",
    "",
    "def shipping_cost(weight_kg: Decimal, express: bool) -> Decimal:",
    '    """Price by weight; express doubles it because the carrier charges per hour."""',
    '    base = Decimal("4.50") + weight_kg * Decimal("1.20")',
    "    return base * 2 if express else base",
]
CLEAN_TEST = [
    "from decimal import Decimal",
    "",
    "from checkout.shipping import shipping_cost",
    "",
    "",
    "def test_express_doubles_the_price() -> None:",
    '    assert shipping_cost(Decimal("1"), express=True) == Decimal("11.40")',
]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def clean_patch(tmp_path: Path) -> Path:
    return write(tmp_path / "clean.patch",
                 new_file_patch("src/checkout/shipping.py", CLEAN_SOURCE)
                 + new_file_patch("tests/test_shipping.py", CLEAN_TEST))


def complete_description(tmp_path: Path) -> Path:
    section = render_template("pipeline_section.md.j2", status="Completed",
                              checks=REQUIRED_CHECKS, check_status="Pass")
    return write(tmp_path / "desc.md", "Adds shipping costs.\n\n" + section)


def test_clean_change_with_pipeline_section_is_approved(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, clean_patch: Path) -> None:
    run = run_cli(capsys, "score", "--patch", str(clean_patch), "--description",
                  str(complete_description(tmp_path)), "--format", "json", "--store", "none")
    result = run.json()
    assert run.code == 0
    assert result["decision"] == "auto_approve", result["decision_reason"]
    assert result["pipeline"] == {"present": True, "complete": True, "bonus": 5.0, "missing": []}
    assert result["findings"] == [] and result["warnings"] == []
    assert result["stabilized_score"] >= 6.0


def test_same_change_with_plain_description_needs_review(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, clean_patch: Path) -> None:
    plain = write(tmp_path / "plain.md", "Adds shipping costs.\n")
    run = run_cli(capsys, "score", "--patch", str(clean_patch), "--description", str(plain),
                  "--format", "json", "--store", "none")
    result = run.json()
    assert (run.code, result["decision"]) == (0, "review_required")
    assert "Enforcement Pipeline Compliance" in result["decision_reason"]
    assert result["pipeline"]["bonus"] == 0


def test_service_role_jwt_blocks_and_never_leaks(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    token = make_jwt("service_role")
    component = ["import { createClient } from '@supabase/supabase-js';", "",
                 f'const SUPABASE_KEY = "{token}";',
                 "export const supabase = createClient(URL, SUPABASE_KEY);"]
    patch = write(tmp_path / "leak.patch",
                  new_file_patch("web/src/components/AdminPanel.tsx", component))
    description = write(tmp_path / "d.md", f"Quick fix, key is {token}\n")
    db = tmp_path / "scores.db"
    outputs = []
    for fmt in ("json", "text", "markdown", "sarif"):
        run = run_cli(capsys, "--debug", "score", "--patch", str(patch), "--description",
                      str(description), "--format", fmt, "--store", f"sqlite:///{db}")
        assert run.code == 1
        outputs += [run.out, run.err]
        if fmt == "json":
            result = run.json()
    assert result["decision"] == "auto_block"
    secret = [f for f in result["findings"] if f["violation_type"] == "hardcoded_secret"]
    assert [(f["severity"], f["path"], f["line"]) for f in secret] == [
        ("critical", "web/src/components/AdminPanel.tsx", 3)]
    assert "score_recorded" in outputs[1]
    rows = sqlite3.connect(db).iterdump()
    assert all(token not in text for text in [*outputs, "\n".join(rows)])


def test_reports_in_every_format(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                 clean_patch: Path) -> None:
    markdown = run_cli(capsys, "score", "--patch", str(clean_patch), "--format", "markdown",
                       "--store", "none").out
    assert markdown.startswith("<!-- veroscore:report -->")
    assert "| code quality |" in markdown and "trace <code>" in markdown
    sarif = json.loads(run_cli(capsys, "score", "--patch", str(clean_patch), "--format",
                               "sarif", "--store", "none").out)
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["tool"]["driver"]["name"]
    text = run_cli(capsys, "score", "--patch", str(clean_patch), "--store", "none").out
    assert "Decision  REVIEW REQUIRED" in text and "\033[" not in text
    out = tmp_path / "r.json"
    run_cli(capsys, "score", "--patch", str(clean_patch), "--format", "json", "--output",
            str(out), "--store", "none")
    assert json.loads(out.read_text())["engine_version"].startswith("veroscore-")


@pytest.mark.parametrize(("setup", "expected"), [
    ("malformed", "malformed diff"),
    ("missing", "patch file not found"),
    ("yaml", "invalid YAML at line 2"),
    ("unknown", "unknown key 'scoring'"),
    ("description", "description file not found"),
])
def test_input_errors_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                           clean_patch: Path, setup: str, expected: str) -> None:
    args = ["score", "--patch", str(clean_patch), "--store", "none"]
    if setup == "malformed":
        args[2] = str(write(tmp_path / "bad.patch", "--- a/x\n+++ b/x\n@@ -1,5 +1,5 @@\n+a\n"))
    elif setup == "missing":
        args[2] = str(tmp_path / "nope.patch")
    elif setup == "yaml":
        args += ["--config", str(write(tmp_path / "c.yml", "score: [1, 2\n"))]
    elif setup == "unknown":
        args += ["--config", str(write(tmp_path / "c.yml", "scoring: {}\n"))]
    else:
        args += ["--description", str(tmp_path / "nope.md")]
    run = run_cli(capsys, *args)
    assert run.code == 2
    assert run.err.count("\n") == 1 and run.err.startswith("veroscore: error: ")
    assert expected in run.err and "Traceback" not in run.err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "score", "--format", "pdf")
    assert run.code == 2 and "invalid choice: 'pdf'" in run.err


def test_binary_and_huge_files_are_skipped_and_the_run_goes_on(
        capsys: pytest.CaptureFixture[str], repo: GitRepo) -> None:
    repo.write("README.md", "hello\n")
    base = repo.commit("base")
    repo.write("assets/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00binary")
    repo.write("data/dump.sql", "insert into t values (1);\n" * 200_000)
    repo.write("src/app.py", '"""App."""\n')
    repo.commit("add files")
    run = run_cli(capsys, "score", "--repo", str(repo.root), "--base", base, "--format",
                  "json", "--store", "none")
    result = run.json()
    assert run.code == 0
    unscanned = {s["path"]: s["reason"] for s in result["unscanned"]}
    assert unscanned == {"assets/logo.png": "binary file",
                         "data/dump.sql": "larger than 1024 KiB (5,200,000 bytes)"}
    assert result["stats"]["files_analysed"] == 1
    assert result["decision"] == "review_required"
    assert "2 file(s) could not be scanned" in result["decision_reason"]


def test_scan_json_contract(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "proj" / "src").mkdir(parents=True)
    write(tmp_path / "proj" / "src" / "db.py",
          'def f(cur, q):\n    cur.execute("select * from t where a = \'%s\'" % q)\n')
    write(tmp_path / "proj" / "src" / "ok.py", "X = 1\n")
    run = run_cli(capsys, "scan", "--format", "json", str(tmp_path / "proj"))
    data = run.json()
    assert run.code == 0
    assert set(data) == {"findings", "files_scanned", "unscanned", "skipped"}
    assert data["files_scanned"] == 2
    assert [(f["rule_id"], f["path"], f["line"]) for f in data["findings"]] == [
        ("python-sqli-string-built-query", str(tmp_path / "proj" / "src" / "db.py"), 2)]
    assert set(data["findings"][0]) >= {"rule_id", "violation_type", "severity", "detector",
                                        "message", "path", "line", "snippet", "suggested_fix",
                                        "penalty", "fingerprint"}


def test_scan_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = run_cli(capsys, "scan", str(tmp_path / "nope"))
    assert run.code == 2 and "no such file or directory" in run.err


def test_embedded_store_records_once_and_history_lists_it(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sample = REPO_ROOT / "examples" / "sample-change.patch"
    for _ in range(2):
        assert run_cli(capsys, "score", "--patch", str(sample)).code == 0
    history = run_cli(capsys, "history", "--format", "json")
    rows = history.json()
    assert len(rows) == 1
    assert rows[0]["repository"] == "sample-change.patch"
    assert rows[0]["decision"] == "review_required"
    assert list((tmp_path / "xdg-data").rglob("veroscore.db"))


def test_fail_on_levels(capsys: pytest.CaptureFixture[str], clean_patch: Path) -> None:
    base = ["score", "--patch", str(clean_patch), "--store", "none", "--fail-on"]
    assert run_cli(capsys, *base, "review_required").code == 1
    assert run_cli(capsys, *base, "auto_block").code == 0
    assert run_cli(capsys, *base, "auto_approve").code == 1
    assert run_cli(capsys, *base, "never").code == 0


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    from veroscore import __version__
    with pytest.raises(SystemExit) as done:
        run_cli(capsys, "--version")
    assert done.value.code == 0 and __version__ in capsys.readouterr().out
    for command in ("score", "scan", "history"):
        with pytest.raises(SystemExit):
            run_cli(capsys, command, "--help")
        assert "usage: veroscore " + command in capsys.readouterr().out


def test_store_down_spools_and_replay_inserts_exactly_once(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, pg_db: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEROSCORE_SPOOL_DIR", str(tmp_path / "spool"))
    sample = REPO_ROOT / "examples" / "sample-change.patch"
    down = run_cli(capsys, "score", "--patch", str(sample), "--store",
                   "postgresql://veroscore:s3cretpw0rd@127.0.0.1:1/veroscore")
    assert down.code == 0 and "Decision  REVIEW REQUIRED" in down.out
    spooled = list((tmp_path / "spool").glob("*.jsonl"))
    assert len(spooled) == 1 and f"veroscore store replay {spooled[0]}" in down.err
    assert "s3cretpw0rd" not in down.err
    first = run_cli(capsys, "store", "replay", str(spooled[0]), "--store", pg_db)
    second = run_cli(capsys, "store", "replay", str(spooled[0]), "--store", pg_db)
    assert first.out.startswith("1 inserted, 0 already present, 0 rejected")
    assert second.out.startswith("0 inserted, 1 already present, 0 rejected")
    with psycopg.connect(pg_db) as conn:
        assert conn.execute("SELECT count(*) FROM veroscore.pr_scores").fetchone() == (1,)
