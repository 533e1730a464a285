"""The analytics page: score trend and decisions per week, author performance, and
violation patterns (top rules, severities, folders, findings per week).

On Postgres the violation patterns read the daily roll-ups of migration 20261203000300, so
a year of a million findings aggregates a few tens of thousands of rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from veroscore.dashboard.queries import TOP_N, now_utc, rounded
from veroscore.dashboard.source import Reader

AUTHORS_N = 50


def analytics(r: Reader, since_days: int, hide_authors: bool,
              now: datetime | None = None) -> dict[str, Any]:
    """Trends, author performance and violation patterns over the last `since_days`."""
    d, now = r.dialect, now or now_utc()
    since = now - timedelta(days=since_days)
    params = {"since": d.ts(since)}
    weekly = r.rows(
        f"SELECT {d.week_text} AS week, g.prs, g.average_score, g.auto_approve, "
        "g.review_required, g.auto_block FROM ("
        f"SELECT {d.week_of_score} AS week, count(*) AS prs, "
        "round(CAST(avg(s.stabilized_score) AS NUMERIC), 2) AS average_score, "
        "count(*) FILTER (WHERE s.decision = 'auto_approve') AS auto_approve, "
        "count(*) FILTER (WHERE s.decision = 'review_required') AS review_required, "
        "count(*) FILTER (WHERE s.decision = 'auto_block') AS auto_block "
        f"FROM {d.schema}pr_scores s WHERE s.created_at >= {d.p('since')} "
        "GROUP BY 1) AS g ORDER BY g.week", params)
    for row in weekly:
        row["average_score"] = rounded(row["average_score"])
    result: dict[str, Any] = {
        "since_days": since_days, "weekly": weekly, "authors_hidden": hide_authors,
        "authors": [] if hide_authors else authors(r, params),
    }
    result.update(violations(r, since))
    return result


def authors(r: Reader, params: dict[str, Any]) -> list[dict[str, Any]]:
    d = r.dialect
    rows = r.rows(
        f"SELECT {d.author} AS author, count(*) AS prs, "
        "avg(s.stabilized_score) AS average_score, "
        "count(*) FILTER (WHERE s.decision = 'auto_block') AS blocked "
        f"FROM {d.schema}pr_scores s WHERE s.created_at >= {d.p('since')} "
        f"GROUP BY 1 ORDER BY prs DESC, author LIMIT {AUTHORS_N}", params)
    for row in rows:
        row["average_score"] = rounded(row["average_score"])
        row["block_rate"] = round(row["blocked"] / row["prs"], 3) if row["prs"] else 0.0
    return rows


def violations(r: Reader, since: datetime) -> dict[str, Any]:
    """Top rules, severities, folders and findings per week (Postgres: the daily roll-up)."""
    if r.dialect.name == "postgres":
        base = ("SELECT {cols}, sum(findings)::bigint AS findings "
                "FROM veroscore.finding_rule_daily WHERE day >= %(day)s "
                "GROUP BY {group} HAVING sum(findings) > 0 ORDER BY {order}")
        params: dict[str, Any] = {"day": since.date()}
        week = "to_char(date_trunc('week', day), 'YYYY-MM-DD')"
    else:
        base = ("SELECT {cols}, count(*) AS findings FROM detection_results d JOIN pr_scores s "
                "ON s.id = d.pr_score_id WHERE s.created_at >= :since AND NOT d.suppressed "
                "GROUP BY {group} ORDER BY {order}")
        params = {"since": r.dialect.ts(since)}
        week = "date(s.created_at, 'weekday 0', '-6 days')"
    rules = r.rows(base.format(cols="rule_id, severity", group="rule_id, severity",
                               order=f"findings DESC, rule_id LIMIT {TOP_N}"), params)
    severity = r.rows(base.format(cols="severity", group="severity",
                                  order="findings DESC"), params)
    over_time = r.rows(base.format(cols=f"{week} AS week, severity", group="1, severity",
                                   order="1, severity"), params)
    return {"top_rules": rules, "by_severity": severity, "by_folder": _folders(r, params),
            "findings_weekly": over_time}


def _folders(r: Reader, params: dict[str, Any]) -> list[dict[str, Any]]:
    if r.dialect.name == "postgres":
        return r.rows("SELECT folder, sum(findings)::bigint AS findings FROM "
                      "veroscore.finding_folder_daily WHERE day >= %(day)s GROUP BY folder "
                      f"HAVING sum(findings) > 0 ORDER BY 2 DESC, 1 LIMIT {TOP_N}", params)
    counts: dict[str, int] = {}
    for row in r.rows("SELECT d.file_path AS path, count(*) AS n FROM detection_results d "
                      "JOIN pr_scores s ON s.id = d.pr_score_id WHERE s.created_at >= :since "
                      "AND NOT d.suppressed GROUP BY d.file_path", params):
        folder = folder_of(row["path"] or "")
        counts[folder] = counts.get(folder, 0) + int(row["n"])
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_N]
    return [{"folder": folder, "findings": n} for folder, n in ranked]


def folder_of(path: str) -> str:
    """The first two directories of a path (same rule as veroscore.finding_folder)."""
    parts = path.split("/")[:-1]
    return "/".join(parts[:2])
