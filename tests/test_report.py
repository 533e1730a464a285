"""Rendered reports: untrusted text is inert, colour follows the terminal, SARIF is valid."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.helpers import changeset_of, make_jwt
from veroscore.config import Config
from veroscore.detect.engine import detect
from veroscore.report import RunInfo, render_score
from veroscore.report.escape import markdown_code, markdown_text, terminal_text
from veroscore.report.render import (
    COMMENT_MARKER,
    MAX_COMMENT_CHARS,
    MAX_LISTED_EXTRAS,
    MAX_LISTED_FINDINGS,
    render_comment,
    render_template,
)
from veroscore.score.engine import score_change
from veroscore.score.result import ScoreResult

HOSTILE_PATH = "src/<img src=x onerror=alert(1)>/[x](http://evil)|`@admin`/#1.ts"


@pytest.fixture(scope="module")
def hostile_result() -> ScoreResult:
    token = make_jwt("service_role")
    files = {HOSTILE_PATH: f'export const key = "{token}";\nconst id = "@everyone";\n',
             "tests/test_x.py": "assert True\n"}
    changes = changeset_of(files, description="<script>alert(1)</script> @octocat")
    return score_change(changes, detect(changes, Config(), use_semgrep=False), Config())


def test_markdown_text_is_inert() -> None:
    text = markdown_text("<img src=x onerror=alert(1)> **bold** `code` @team #12 [l](u)|")
    assert "<img" not in text and "&lt;img" in text
    assert "\\*\\*bold\\*\\*" in text and "\\`code\\`" in text
    assert "@\u200bteam" in text and "#\u200b12" in text
    assert "\\[l\\](u)\\|" in text


@pytest.mark.parametrize(("raw", "escaped"), [
    ("it's the team's \"fix\"", "it's the team's \"fix\""),
    ("a < b && c > d", "a &lt; b && c &gt; d"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("![x](https://evil/p.png)", "!\\[x\\](https:/\u200b/evil/p.png)"),
    ("col | col", "col \\| col"),
    ("- item", "\\- item"),
    ("1. first", "1\\. first"),
    ("&#60;b&#62;", "&amp;#\u200b60;b&amp;#\u200b62;"),
    ("# Heading", "\\# Heading"),
    ("email me@example.com, C# and #rust", "email me@\u200bexample.com, C# and #\u200brust"),
    ("visit www.evil.example", "visit www\u200b.evil.example"),
    ("line\nbreak", "line break"),
])
def test_markdown_text_escapes_what_it_must_and_nothing_more(raw: str, escaped: str) -> None:
    assert markdown_text(raw) == escaped


def test_markdown_code_cannot_break_out() -> None:
    assert markdown_code("a</code><b>@x|`[l](u)") == (
        "<code>a&lt;/code&gt;&lt;b&gt;&#64;x&#124;&#96;&#91;l&#93;&#40;u&#41;</code>")


def test_terminal_text_strips_escapes() -> None:
    assert terminal_text("ok\x1b[31mred\x07") == "ok[31mred"


@pytest.mark.parametrize("hostile", ["a\n::set-output name=x::y", "::error::x", "  ::warning::x",
                                     "a\r\n::add-mask::b", "x ##[error]v1"])
def test_terminal_text_cannot_start_a_workflow_command(hostile: str) -> None:
    text = terminal_text(hostile)
    assert "\n" not in text and "\r" not in text and "##[" not in text
    assert not text.lstrip().startswith("::")


def test_comment_renders_hostile_path_inert(hostile_result: ScoreResult) -> None:
    markdown = render_score(hostile_result, "markdown", RunInfo(trace_id="t1"))
    assert "<img" not in markdown and "onerror=alert(1)>" not in markdown
    assert "@admin" not in markdown and "](http://evil)" not in markdown
    assert make_jwt("service_role") not in markdown
    assert markdown.count("<!-- veroscore:report -->") == 1


def test_no_format_leaks_the_token(hostile_result: ScoreResult) -> None:
    token = make_jwt("service_role")
    for fmt in ("text", "json", "markdown", "sarif"):
        assert token not in render_score(hostile_result, fmt, RunInfo(trace_id="t"))


def test_colour_only_when_asked(hostile_result: ScoreResult) -> None:
    assert "\033[" in render_score(hostile_result, "text", RunInfo("t", color=True))
    assert "\033[" not in render_score(hostile_result, "text", RunInfo("t", color=False))
    assert "\033[" not in render_score(hostile_result, "markdown", RunInfo("t", color=True))


def test_sarif_shape_for_code_scanning(hostile_result: ScoreResult) -> None:
    sarif = json.loads(render_score(hostile_result, "sarif", RunInfo("t")))
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
        assert len(result["partialFingerprints"]["veroscore/v1"]) == 16
    assert {r["ruleId"] for r in run["results"]} >= {"secret-supabase-service-role-jwt"}


def test_json_is_deterministic(hostile_result: ScoreResult) -> None:
    changes = changeset_of({HOSTILE_PATH: "x = 1\n"})
    first = score_change(changes, detect(changes, Config(), use_semgrep=False), Config())
    second = score_change(changes, detect(changes, Config(), use_semgrep=False), Config())
    assert render_score(first, "json", RunInfo("t")) == render_score(second, "json", RunInfo("t"))


def test_signals_explain_categories(hostile_result: ScoreResult) -> None:
    names = {s.name for fs in hostile_result.file_signals for s in fs.signals}
    assert "critical_security_findings" in names and "tests_in_change" in names


def test_a_comment_over_githubs_limit_is_cut_at_a_line_with_a_link_to_the_run() -> None:
    files = {f"src/mod_{i:03}/settings.py": f'AWS_KEY = "AKIAQ3EGRLWZ5T7NV{i:03}"\n'
             for i in range(100)}
    changes = changeset_of(files)
    small = score_change(changes, detect(changes, Config(), use_semgrep=False), Config())
    run = RunInfo("t", run_url="https://github.com/acme/app/actions/runs/1")
    assert render_comment(small, run) == render_template(
        "comment.md.j2", result=small, run=run, max_findings=MAX_LISTED_FINDINGS,
        max_extras=MAX_LISTED_EXTRAS)
    many_notes = dataclasses.replace(
        changes, notes=tuple(f"assets/{i:04}.bin: {'x' * 200}" for i in range(1000)))
    big = score_change(many_notes, detect(many_notes, Config(), use_semgrep=False), Config())
    body = render_comment(big, run)
    assert len(body) <= MAX_COMMENT_CHARS
    assert body.startswith(COMMENT_MARKER)
    assert "…and 970 more in the JSON report" in body
    assert all(f"mod&#95;{i:03}" in body for i in range(MAX_LISTED_FINDINGS)), \
        "long notes are cut, never the findings"


def test_a_huge_compliance_section_is_cut_after_the_findings_never_instead() -> None:
    files = {f"src/mod_{i:03}/settings.py": f'AWS_KEY = "AKIAQ3EGRLWZ5T7NV{i:03}"\n'
             for i in range(60)}
    lines = [f"- RLS/tenant isolation: {'nope ' * 20_000}"] + \
        [f"Fail {i} {'y' * 300}" for i in range(5_000)]
    description = "## Enforcement Pipeline Compliance\n" + "\n".join(lines)
    changes = dataclasses.replace(changeset_of(files), description=description)
    result = score_change(changes, detect(changes, Config(), use_semgrep=False), Config())
    body = render_comment(result, RunInfo("t"))
    assert len(body) <= MAX_COMMENT_CHARS
    assert body.index("### Blocking findings") < body.index("### Enforcement Pipeline")
    assert all(f"mod&#95;{i:03}" in body for i in range(MAX_LISTED_FINDINGS))
    assert "nope " * 100 not in body and "more" in body.split("### Enforcement Pipeline")[1]
