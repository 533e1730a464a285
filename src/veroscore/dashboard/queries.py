"""One query function per page or table: the page, its API and its export all call these,
so the three never disagree (STYLE practice 16). Every function returns plain JSON-ready
data; aggregates run in SQL and lists are paged, never loaded whole.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from veroscore.dashboard.filters import PrFilters, SessionFilters
from veroscore.dashboard.source import Reader

TOP_N = 20
COUNT_CAP = 10_000
RECENT_N = 8
STUCK_MINUTES = 60


def now_utc() -> datetime:
    return datetime.now(UTC)


def _where_prs(r: Reader, f: PrFilters) -> tuple[str, dict[str, Any]]:
    d = r.dialect
    clauses, params = ["1 = 1"], {}
    if f.repository:
        clauses.append(f"s.repository = {d.p('repository')}")
        params["repository"] = f.repository
    if f.author:
        clauses.append(f"{d.author} = {d.p('author')}")
        params["author"] = f.author
    if f.decision:
        clauses.append(f"s.decision = {d.p('decision')}")
        params["decision"] = f.decision
    if f.since:
        clauses.append(f"s.created_at >= {d.p('since')}")
        params["since"] = d.ts(datetime.combine(f.since, datetime.min.time(), UTC))
    if f.until_exclusive:
        clauses.append(f"s.created_at < {d.p('until')}")
        params["until"] = d.ts(datetime.combine(f.until_exclusive, datetime.min.time(), UTC))
    if f.rule:
        clauses.append(f"EXISTS (SELECT 1 FROM {d.schema}detection_results d "
                       f"WHERE d.pr_score_id = s.id AND d.rule_id = {d.p('rule')})")
        params["rule"] = f.rule
    return " AND ".join(clauses), params


def _pr_columns(r: Reader) -> str:
    d = r.dialect
    return (f"CAST(s.id AS TEXT) AS id, {d.created_text} AS created_at, s.repository, "
            f"s.pr_number, {d.author} AS author, {d.title} AS title, "
            f"{d.head_ref} AS head_ref, s.head_sha, "
            "CAST(s.stabilized_score AS FLOAT) AS stabilized_score, "
            "CAST(s.raw_score AS FLOAT) AS raw_score, s.decision, s.critical_count, "
            f"{d.scan_ms} AS scan_duration_ms, s.session_id")


def _count(r: Reader, from_where: str, params: dict[str, Any]) -> tuple[int, bool]:
    """How many rows match, counted up to COUNT_CAP (then the pages say "10,000+")."""
    n = r.rows(f"SELECT count(*) AS n FROM (SELECT 1 FROM {from_where} "
               f"LIMIT {COUNT_CAP + 1}) AS capped", params)[0]["n"]
    return min(int(n), COUNT_CAP), int(n) > COUNT_CAP


def pull_requests(r: Reader, f: PrFilters) -> dict[str, Any]:
    """One page of the pull-request table, its total, and each row's rule ids.

    The page is cut first (inner query) and the rule ids looked up for its rows only:
    a per-row subquery in the inner select would also run for every skipped row.
    """
    d = r.dialect
    where, params = _where_prs(r, f)
    order = "DESC" if f.descending else "ASC"
    inner_sort = {"author": d.author}.get(f.sort, f"s.{f.sort}")
    rows = r.rows(f"SELECT page.*, {d.rules_of_score.format(id='page.score_key')} AS rules "
                  f"FROM (SELECT {_pr_columns(r)}, s.id AS score_key, {inner_sort} AS sort_key "
                  f"FROM {d.schema}pr_scores s {d.score_join} WHERE {where} "
                  f"ORDER BY {inner_sort} {order}, s.id {order} "
                  f"LIMIT {f.limit} OFFSET {f.offset}) AS page "
                  f"ORDER BY page.sort_key {order}, page.score_key {order}", params)
    total, capped = _count(r, f"{d.schema}pr_scores s WHERE {where}", params)
    for row in rows:
        del row["score_key"], row["sort_key"]
        row["rules"] = [rule for rule in (row["rules"] or "").split("\x1f") if rule]
    return {"rows": rows, "total": total, "total_capped": capped, "limit": f.limit,
            "offset": f.offset}


def _id_param(r: Reader, value: str) -> Any:
    if r.dialect.name == "sqlite":
        return int(value) if value.isdigit() else -1
    return value


def valid_id(r: Reader, value: str) -> bool:
    """A PR id of this store's shape (integer for SQLite, UUID for Postgres)."""
    if r.dialect.name == "sqlite":
        return value.isdigit() and len(value) < 19
    import uuid
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def pull_request(r: Reader, pr_id: str) -> dict[str, Any] | None:
    """One PR's detail: score, categories, pipeline, findings and audit trail."""
    if not valid_id(r, pr_id):
        return None
    d = r.dialect
    extra = ("s.category_scores, s.payload, s.decision_reason"
             if d.name == "sqlite" else
             "s.category_scores, s.decision_reason, s.pipeline_complete, "
             "CAST(s.pipeline_bonus AS FLOAT) AS pipeline_bonus, s.base_sha, s.engine_version, "
             "s.trace_id")
    found = r.rows(f"SELECT {_pr_columns(r)}, {extra} FROM {d.schema}pr_scores s "
                   f"{d.score_join} WHERE s.id = {d.p('id')}", {"id": _id_param(r, pr_id)})
    if not found:
        return None
    row = found[0]
    detail = {key: row[key] for key in row if key not in ("category_scores", "payload")}
    detail["categories"] = _json(row["category_scores"], [])
    detail["pipeline"] = _pipeline(row)
    detail["findings"] = _findings(r, pr_id)
    detail["audit"] = _audit(r, pr_id, row)
    if d.name == "sqlite":
        payload = _json(row["payload"], {})
        for key in ("base_sha", "engine_version", "trace_id"):
            detail[key] = payload.get(key, "")
    return detail


def _json(value: Any, default: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return default
    return default if value is None else value


def _pipeline(row: dict[str, Any]) -> dict[str, Any]:
    if "payload" in row:
        pipeline = _json(row["payload"], {}).get("pipeline") or {}
        return {"complete": bool(pipeline.get("complete")),
                "bonus": float(pipeline.get("bonus") or 0),
                "missing": [str(m) for m in pipeline.get("missing") or []]}
    return {"complete": bool(row["pipeline_complete"]), "bonus": row["pipeline_bonus"],
            "missing": []}


def _findings(r: Reader, pr_id: str) -> list[dict[str, Any]]:
    d = r.dialect
    return r.rows(
        f"SELECT d.rule_id, d.violation_type, d.severity, {d.finding_detector} AS detector, "
        f"d.file_path AS path, d.line_number AS line, d.message, "
        f"{d.finding_snippet} AS snippet, d.suggested_fix, {d.finding_penalty} AS penalty, "
        f"CASE WHEN d.suppressed THEN 1 ELSE 0 END AS suppressed "
        f"FROM {d.schema}detection_results d WHERE d.pr_score_id = {d.p('id')} "
        "ORDER BY CASE d.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 "
        "WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, d.file_path, d.line_number "
        "LIMIT 1000", {"id": _id_param(r, pr_id)})


def _audit(r: Reader, pr_id: str, row: dict[str, Any]) -> list[dict[str, Any]]:
    d = r.dialect
    if d.name == "sqlite":
        return r.rows(
            "SELECT substr(a.created_at, 1, 19) || 'Z' AS at, a.action AS event, a.actor, "
            "a.details, coalesce(a.trace_id, '') AS trace_id FROM audit_log a "
            "WHERE (a.pr_number IS :pr AND json_extract(a.details, '$.head_sha') = :head "
            "AND json_extract(a.details, '$.repository') = :repo) "
            "OR (a.session_id IS NOT NULL AND a.session_id = :session) "
            "ORDER BY a.created_at, a.id LIMIT 200",
            {"pr": row["pr_number"], "head": row["head_sha"], "repo": row["repository"],
             "session": row["session_id"]})
    return r.rows(
        "SELECT to_char(a.\"timestamp\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        "AS at, a.event_type || '.' || a.event_action AS event, a.actor, "
        "coalesce(a.new_state, '{}'::jsonb)::text AS details, a.trace_id "
        "FROM veroscore.audit_log a "
        "WHERE a.pr_score_id = %(id)s OR (a.session_id IS NOT NULL AND a.session_id = %(session)s)"
        " ORDER BY a.\"timestamp\", a.id LIMIT 200", {"id": pr_id, "session": row["session_id"]})


def sessions(r: Reader, f: SessionFilters) -> dict[str, Any]:
    """One page of sessions with their queued changes and recorded PRs."""
    d = r.dialect
    clauses, params = ["1 = 1"], {}
    if f.status:
        clauses.append(f"CAST(ss.status AS TEXT) = {d.p('status')}")
        params["status"] = f.status
    if f.author:
        clauses.append(f"ss.author = {d.p('author')}")
        params["author"] = f.author
    where = " AND ".join(clauses)
    started = "ss.started" if d.name == "postgres" else "ss.started_at"
    sort = {"started": started}.get(f.sort, f"ss.{f.sort}")
    order = "DESC" if f.descending else "ASC"
    false = "false" if d.name == "postgres" else "0"
    rows = r.rows(
        f"SELECT ss.session_id, CAST(ss.status AS TEXT) AS status, ss.author, "
        f"{d.session_branch} AS branch, {d.session_started} AS started, "
        f"{d.activity_text} AS last_activity, ss.total_files, ss.total_lines_added, "
        f"ss.total_lines_removed, CAST(ss.prs AS TEXT) AS prs, "
        f"(SELECT count(*) FROM {d.schema}changes_queue q WHERE q.session_id = ss.session_id "
        f"AND q.processed = {false}) AS queued_changes "
        f"FROM {d.schema}sessions ss WHERE {where} ORDER BY {sort} {order}, ss.session_id "
        f"{order} LIMIT {f.limit} OFFSET {f.offset}", params)
    total, capped = _count(r, f"{d.schema}sessions ss WHERE {where}", params)
    scores = _scores_of_sessions(r, [row["session_id"] for row in rows])
    for row in rows:
        row["prs"] = [p for p in _json(row["prs"], []) if isinstance(p, int)]
        row["scores"] = scores.get(row["session_id"], [])
    return {"rows": rows, "total": total, "total_capped": capped, "limit": f.limit,
            "offset": f.offset}


def _scores_of_sessions(r: Reader, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    if not ids:
        return {}
    d = r.dialect
    marks = ", ".join(d.p(f"s{n}") for n in range(len(ids)))
    found: dict[str, list[dict[str, Any]]] = {}
    for row in r.rows(
            f"SELECT s.session_id, CAST(s.id AS TEXT) AS id, s.repository, s.pr_number, "
            f"s.decision, CAST(s.stabilized_score AS FLOAT) AS stabilized_score "
            f"FROM {d.schema}pr_scores s WHERE s.session_id IN ({marks}) "
            "ORDER BY s.created_at DESC LIMIT 1000",
            {f"s{n}": value for n, value in enumerate(ids)}):
        found.setdefault(row.pop("session_id"), []).append(row)
    return found


def overview(r: Reader, now: datetime | None = None) -> dict[str, Any]:
    """The overview page: volumes, decisions, scores, sessions and the gate's health."""
    d, now = r.dialect, now or now_utc()
    today = datetime.combine(now.date(), datetime.min.time(), UTC)
    params = {"today": d.ts(today), "d7": d.ts(now - timedelta(days=7)),
              "d30": d.ts(now - timedelta(days=30))}
    counts = r.rows(
        f"SELECT count(*) FILTER (WHERE s.created_at >= {d.p('today')}) AS today, "
        f"count(*) FILTER (WHERE s.created_at >= {d.p('d7')}) AS last_7_days, "
        "count(*) AS last_30_days, avg(s.stabilized_score) AS average_score, "
        f"avg({d.scan_ms}) AS average_scan_ms "
        f"FROM {d.schema}pr_scores s WHERE s.created_at >= {d.p('d30')}", params)[0]
    decisions = {row["decision"]: int(row["n"]) for row in r.rows(
        f"SELECT s.decision, count(*) AS n FROM {d.schema}pr_scores s "
        f"WHERE s.created_at >= {d.p('d30')} GROUP BY s.decision", params)}
    return {
        "scored": {k: int(counts[k] or 0) for k in ("today", "last_7_days", "last_30_days")},
        "decisions_30_days": decisions,
        "average_score": rounded(counts["average_score"]),
        "median_score": _median(r, params),
        "average_scan_ms": rounded(counts["average_scan_ms"], 0),
        "sessions": _session_counts(r),
        "health": _health(r, now),
        "recent": pull_requests(r, PrFilters(limit=RECENT_N))["rows"],
    }


def rounded(value: Any, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def _median(r: Reader, params: dict[str, Any]) -> float | None:
    d = r.dialect
    if d.name == "postgres":
        value = r.rows("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s.stabilized_score)"
                       " AS m FROM veroscore.pr_scores s WHERE s.created_at >= %(d30)s",
                       params)[0]["m"]
        return rounded(value)
    total = int(r.rows("SELECT count(*) AS n FROM pr_scores s WHERE s.created_at >= :d30",
                       params)[0]["n"])
    if not total:
        return None
    values = [row["v"] for row in r.rows(
        "SELECT s.stabilized_score AS v FROM pr_scores s WHERE s.created_at >= :d30 "
        "ORDER BY v LIMIT 2 OFFSET :skip", {**params, "skip": (total - 1) // 2})]
    middle = values if total % 2 == 0 else values[:1]
    return rounded(sum(middle) / len(middle))


def _session_counts(r: Reader) -> dict[str, int]:
    d = r.dialect
    return {row["status"]: int(row["n"]) for row in r.rows(
        f"SELECT CAST(status AS TEXT) AS status, count(*) AS n FROM {d.schema}sessions "
        "GROUP BY status ORDER BY status")}


def _health(r: Reader, now: datetime) -> dict[str, Any]:
    d = r.dialect
    stuck_before = d.ts(now - timedelta(minutes=STUCK_MINUTES))
    stuck = r.rows(f"SELECT count(*) AS n FROM {d.schema}sessions WHERE "
                   f"CAST(status AS TEXT) = 'processing' AND last_activity < {d.p('t')}",
                   {"t": stuck_before})[0]["n"]
    last = r.rows(f"SELECT max({d.metric_time}) AS t FROM {d.schema}system_metrics "
                  "WHERE metric_name = 'sessions_timed_out'")[0]["t"]
    version = r.rows(f"SELECT max(version) AS v FROM {d.schema}schema_version")[0]["v"]
    return {"store": "ok", "store_kind": d.name, "schema_version": version,
            "stuck_sessions": int(stuck), "stuck_minutes": STUCK_MINUTES,
            "last_scheduled_run": _iso(last)}


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)[:19] + "Z" if value else None


def filter_options(r: Reader) -> dict[str, list[str]]:
    """Values for the filter menus (bounded lists)."""
    if r.dialect.name == "sqlite":
        repos = r.rows("SELECT DISTINCT repository FROM pr_scores ORDER BY 1 LIMIT 200")
        rules = r.rows("SELECT DISTINCT rule_id FROM detection_results ORDER BY 1 LIMIT 500")
    else:  # a skip scan over the (repository, created_at) index, not a pass over all scores
        repos = r.rows(
            "WITH RECURSIVE walk AS (SELECT min(repository) AS repository "
            "FROM veroscore.pr_scores UNION ALL SELECT (SELECT min(p.repository) "
            "FROM veroscore.pr_scores p WHERE p.repository > walk.repository) FROM walk "
            "WHERE walk.repository IS NOT NULL) "
            "SELECT repository FROM walk WHERE repository IS NOT NULL LIMIT 200")
        rules = r.rows("SELECT DISTINCT rule_id FROM veroscore.finding_rule_daily "
                       "ORDER BY 1 LIMIT 500")
    return {"repositories": [row["repository"] for row in repos],
            "rules": [row["rule_id"] for row in rules]}


def since_date(days: int, now: datetime | None = None) -> date:
    return ((now or now_utc()) - timedelta(days=days)).date()
