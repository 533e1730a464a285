"""The few SQL fragments that differ between the embedded SQLite store and Postgres.

The two stores hold the same facts under slightly different columns (SQLite keeps the
whole record as JSON in `payload`; Postgres has columns). Each query is written once in
`queries.py` and takes its store-specific pieces from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Dialect:
    name: str
    schema: str  # table prefix
    score_join: str  # joins the PR queries need for the fragments below
    param: str  # placeholder pattern with {} for the name
    created_text: str  # pr_scores.created_at (alias s) as ISO-8601 UTC text
    author: str
    title: str
    head_ref: str
    scan_ms: str
    week_of_score: str  # the Monday of the score's week (Postgres: matches a statistics object)
    week_text: str  # that Monday as YYYY-MM-DD, from the grouped column g.week
    session_started: str
    session_branch: str
    activity_text: str
    finding_detector: str
    finding_snippet: str
    finding_penalty: str
    metric_time: str
    rules_of_score: str  # distinct rule ids of the score whose id is {id}, joined by U+001F

    def p(self, name: str) -> str:
        """The placeholder of parameter `name`."""
        return self.param.format(name)

    def ts(self, moment: datetime) -> Any:
        """A timestamp parameter: text for SQLite (ISO strings compare in order)."""
        if self.name == "sqlite":
            return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return moment


def _pg_text(column: str) -> str:
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


SQLITE = Dialect(
    name="sqlite",
    schema="",
    score_join="",
    param=":{}",
    created_text="substr(s.created_at, 1, 19) || 'Z'",
    author="coalesce(json_extract(s.payload, '$.author'), '')",
    title="coalesce(json_extract(s.payload, '$.title'), '')",
    head_ref="coalesce(json_extract(s.payload, '$.head_ref'), '')",
    scan_ms="json_extract(s.payload, '$.scan_duration_ms')",
    week_of_score="date(s.created_at, 'weekday 0', '-6 days')",
    week_text="g.week",
    session_started="substr(ss.started_at, 1, 19) || 'Z'",
    session_branch="''",
    activity_text="substr(ss.last_activity, 1, 19) || 'Z'",
    finding_detector="d.detector",
    finding_snippet="d.snippet",
    finding_penalty="d.penalty",
    metric_time="recorded_at",
    rules_of_score=("(SELECT group_concat(rule_id, char(31)) FROM (SELECT DISTINCT d.rule_id "
                    "FROM detection_results d WHERE d.pr_score_id = {id} ORDER BY 1))"),
)

POSTGRES = Dialect(
    name="postgres",
    schema="veroscore.",
    score_join="LEFT JOIN veroscore.sessions ses ON ses.session_id = s.session_id",
    param="%({})s",
    created_text=_pg_text("s.created_at"),
    author="s.author",
    title="''",
    head_ref="coalesce(ses.branch_name, '')",
    scan_ms="s.scan_duration_ms",
    week_of_score="date_trunc('week', s.created_at AT TIME ZONE 'UTC')",
    week_text="to_char(g.week, 'YYYY-MM-DD')",
    session_started=_pg_text("ss.started"),
    session_branch="coalesce(ss.branch_name, '')",
    activity_text=_pg_text("ss.last_activity"),
    finding_detector="d.detector_name",
    finding_snippet="d.code_snippet",
    finding_penalty="d.penalty_applied::float8",
    metric_time='"timestamp"',
    rules_of_score=("(SELECT string_agg(DISTINCT d.rule_id, chr(31) ORDER BY d.rule_id) "
                    "FROM veroscore.detection_results d WHERE d.pr_score_id = {id})"),
)
