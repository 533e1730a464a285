"""Turn results into text for people (templates) and JSON/SARIF for machines."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import jinja2

from veroscore import __version__
from veroscore.detect.finding import Finding
from veroscore.diff.model import Skipped, Unscanned
from veroscore.report.escape import clip, markdown_code, markdown_text, terminal_text
from veroscore.report.sarif import sarif_document
from veroscore.resources import resource_dir
from veroscore.score.result import ScoreResult

FORMATS = ("text", "json", "markdown", "sarif")
MAX_LISTED_FINDINGS = 50
MAX_LISTED_EXTRAS = 30
"""Compliance gaps, notes and skipped files listed in the comment (each clipped too)."""
MAX_COMMENT_CHARS = 65_000
"""GitHub rejects comment bodies over 65,536 characters; keep a margin."""
COMMENT_MARKER = "<!-- veroscore:report -->"
_ANSI = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "bold": "1", "dim": "2"}
DECISION_LABEL = {"auto_block": "AUTO-BLOCK", "review_required": "REVIEW REQUIRED",
                  "auto_approve": "AUTO-APPROVE"}
DECISION_COLOR = {"auto_block": "red", "review_required": "yellow", "auto_approve": "green"}


@dataclass(frozen=True)
class RunInfo:
    """What varies per run and is not part of the deterministic ScoreResult."""

    trace_id: str
    run_url: str = ""
    color: bool = False
    pending_policy: tuple[str, ...] = ()
    """Policy files the PR changes: scored under the base's, listed in the comment."""


def _environment(color: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_dir("templates"))),
        autoescape=False, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = markdown_text
    env.filters["mdcode"] = markdown_code
    env.filters["tty"] = terminal_text
    env.filters["clip"] = clip
    env.filters["color"] = lambda text, name: (
        f"\033[{_ANSI[name]}m{text}\033[0m" if color else str(text))
    return env


def render_template(name: str, color: bool = False, **context: Any) -> str:
    """Render one template of `templates/` with the escaping filters installed."""
    return _environment(color).get_template(name).render(
        version=__version__, decision_label=DECISION_LABEL, decision_color=DECISION_COLOR,
        marker=COMMENT_MARKER, **context)


def render_score(result: ScoreResult, fmt: str, run: RunInfo) -> str:
    """The report of a `score` run in `fmt` (one of FORMATS)."""
    if fmt == "json":
        return json.dumps({**result.to_dict(), "trace_id": run.trace_id}, indent=2,
                          ensure_ascii=False) + "\n"
    if fmt == "sarif":
        return json.dumps(sarif_document(result.all_findings, result.unscanned), indent=2) + "\n"
    if fmt == "markdown":
        return render_comment(result, run)
    return render_template("report.txt.j2", color=run.color, result=result, run=run)


_COMMENT_BUDGETS = ((MAX_LISTED_FINDINGS, MAX_LISTED_EXTRAS), (MAX_LISTED_FINDINGS, 5),
                    (MAX_LISTED_FINDINGS, 0), (20, 0), (5, 0), (0, 0))
"""(findings, other list items) per attempt: the compliance gaps, notes and skipped files
(text a PR author can make long) shrink first; the findings only after them."""


def render_comment(result: ScoreResult, run: RunInfo) -> str:
    """The PR comment, cut to GitHub's size limit after the findings, never instead of
    them: long author-controlled sections shrink first, then the finding list."""
    body = ""
    for listed, extras in _COMMENT_BUDGETS:
        body = render_template("comment.md.j2", result=result, run=run, max_findings=listed,
                               max_extras=extras)
        if len(body) <= MAX_COMMENT_CHARS:
            return body
    cut = body[:MAX_COMMENT_CHARS - 200]
    link = f" See the [workflow run]({run.run_url})." if run.run_url else ""
    return f"{cut.rsplit(chr(10), 1)[0]}\n\n…report truncated to fit GitHub's limit.{link}\n"


def render_scan(findings: tuple[Finding, ...], files_scanned: int, fmt: str,
                run: RunInfo, unscanned: tuple[Unscanned, ...] = (),
                skipped: tuple[Skipped, ...] = ()) -> str:
    """The report of a `scan` run: findings over whole files, no score; what was not
    scanned, and what code rules did not judge, listed in every format."""
    if fmt == "json":
        payload = {"findings": [_finding_dict(f) for f in findings],
                   "files_scanned": files_scanned,
                   "unscanned": [asdict(u) for u in unscanned],
                   "skipped": [asdict(s) for s in skipped]}
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        return json.dumps(sarif_document(findings, unscanned), indent=2) + "\n"
    return render_template("scan.txt.j2", color=run.color, findings=findings,
                           files_scanned=files_scanned, unscanned=unscanned, skipped=skipped)


def _finding_dict(finding: Finding) -> dict[str, Any]:
    data = {key: getattr(finding, key) for key in finding.__dataclass_fields__}
    data["fingerprint"] = finding.fingerprint
    return data
