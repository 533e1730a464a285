"""Dashboard speed on a big store: 100,000 PR scores and 1,000,000 findings on PostgreSQL.

    eval "$(bash scripts/pg start)"
    python bench/dashboard_store.py [--database-url URL] [--scores 100000] [--per-score 10]
    bash scripts/pg stop

Creates a fresh database next to the given one, applies the migrations, seeds it in SQL
with generate_series (a year of scores over 20 repositories and 200 authors, ten findings
each, 5,000 sessions), then serves the live dashboard on loopback and times every API
endpoint over HTTP, as the pages call them: one warm-up, then the median and the worst of
`--rounds` requests. Each request opens its own read-only connection as the reader role,
so the connection set-up is part of every figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import urllib.request
import uuid

import psycopg
import uvicorn

from veroscore.dashboard.server import DashboardSettings, create_app
from veroscore.dashboard.source import StoreLocation
from veroscore.store.migrate import migrate

SEED_SQL = """
INSERT INTO veroscore.sessions (session_id, author, branch_name, status, started,
                                last_activity, total_files, total_lines_added, prs)
SELECT 'bench-' || g, 'author' || (g % 200), 'auto-pr-bench-' || g,
       (ARRAY['active', 'processing', 'completed', 'failed'])[1 + g % 4],
       now() - make_interval(days => g % 365), now() - make_interval(mins => g % 5000),
       g % 40, g % 900, jsonb_build_array(g)
  FROM generate_series(1, 5000) AS g;

INSERT INTO veroscore.pr_scores (
    idempotency_key, repository, pr_number, head_sha, session_id, author, config_hash,
    engine_version, raw_score, stabilized_score, category_scores, decision, decision_reason,
    critical_count, scan_duration_ms, trace_id, created_at)
SELECT md5('bench' || g), 'org/repo-' || (g % 20), g, md5('sha' || g),
       CASE WHEN g % 5 = 0 THEN 'bench-' || (1 + g % 5000) END, 'author' || (g % 200),
       'cfg', 'bench', (g % 60) - 30,
       round((10 / (1 + exp(-(((g % 60) - 30) / 15.0))))::numeric, 2),
       '[{"name": "security", "raw": 1, "weight": 5, "weighted": 5}]'::jsonb,
       (ARRAY['auto_approve', 'review_required', 'review_required', 'auto_block'])[1 + g % 4],
       'bench', CASE WHEN g % 4 = 3 THEN 1 ELSE 0 END, 500 + g % 5000, 'trace-' || g,
       now() - make_interval(secs => (g::float8 / __SCORES__) * 365 * 86400)
  FROM generate_series(1, __SCORES__) AS g;

INSERT INTO veroscore.detection_results (
    pr_score_id, detector_name, rule_id, violation_type, severity, message, file_path,
    line_number, fingerprint, created_at)
SELECT s.id, 'bench', 'rule-' || ((k * 7 + s.pr_number) % 24), 'bench_type',
       (ARRAY['critical', 'high', 'medium', 'medium', 'low', 'info'])[1 + (k + s.pr_number) % 6],
       'finding ' || k, 'src/module' || (s.pr_number % 30) || '/sub' || (k % 5) || '/f.py',
       k * 10, md5(s.id::text || k), s.created_at
  FROM veroscore.pr_scores s, generate_series(1, __PER_SCORE__) AS k;

INSERT INTO veroscore.changes_queue (session_id, file_path, change_type)
SELECT 'bench-' || (1 + g % 5000), 'src/f' || g || '.py', 'modified'
  FROM generate_series(1, 10000) AS g;

INSERT INTO veroscore.system_metrics (metric_name, metric_value, "timestamp")
SELECT 'sessions_timed_out', g % 3, now() - make_interval(hours => g)
  FROM generate_series(1, 2000) AS g;
"""


def seed(url: str, scores: int, per_score: int) -> float:
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        sql = SEED_SQL.replace("__SCORES__", str(int(scores)))
        conn.execute(sql.replace("__PER_SCORE__", str(int(per_score))).encode())
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def endpoints(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT id FROM veroscore.pr_scores ORDER BY created_at DESC "
                           "LIMIT 1").fetchone()
    pr_id = row[0] if row else "none"
    return [
        ("overview", "/api/overview"),
        ("prs: newest 50", "/api/prs"),
        ("prs: by score, one repository", "/api/prs?repository=org/repo-3&sort=stabilized_score"),
        ("prs: one rule", "/api/prs?rule=rule-5"),
        ("prs: author + date range", "/api/prs?author=author7&since=2026-06-01&until=2026-09-30"),
        ("prs: deepest page (offset 9,950)", "/api/prs?offset=9950"),
        ("pr detail", f"/api/prs/{pr_id}"),
        ("sessions", "/api/sessions"),
        ("sessions: processing", "/api/sessions?status=processing&sort=-started"),
        ("analytics: 90 days", "/api/analytics?since_days=90"),
        ("analytics: 365 days", "/api/analytics?since_days=365"),
        ("filters", "/api/filters"),
        ("export prs.csv (10,000-row cap)", "/api/export/prs.csv"),
    ]


def serve(url: str) -> tuple[uvicorn.Server, threading.Thread, str]:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(DashboardSettings(StoreLocation(url))),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def timed(base: str, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(base + path, timeout=60) as response:
        body = response.read()
    return time.perf_counter() - started, len(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("VEROSCORE_TEST_DATABASE_URL"))
    parser.add_argument("--scores", type=int, default=100_000)
    parser.add_argument("--per-score", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--reuse", metavar="NAME", help="time a database seeded before")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("pass --database-url or start scripts/pg")
    name = args.reuse or f"dash_bench_{uuid.uuid4().hex[:8]}"
    if not args.reuse:
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    url = args.database_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(url)
        if not args.reuse:
            took = seed(url, args.scores, args.per_score)
            print(f"seeded {args.scores:,} scores and {args.scores * args.per_score:,} "
                  f"findings in {took:.1f} s (database {name})")
        server, thread, base = serve(url)
        print(f"\n{'endpoint':<36} {'median ms':>10} {'worst ms':>10} {'bytes':>10}")
        for label, path in endpoints(url):
            timed(base, path)
            runs = [timed(base, path) for _ in range(args.rounds)]
            seconds = [run[0] for run in runs]
            print(f"{label:<36} {statistics.median(seconds) * 1000:>10.1f} "
                  f"{max(seconds) * 1000:>10.1f} {runs[0][1]:>10,}")
        server.should_exit = True
        thread.join(timeout=10)
    finally:
        if not args.keep:
            with psycopg.connect(args.database_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
