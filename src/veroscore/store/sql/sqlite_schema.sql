-- Embedded store: the logical tables of the `veroscore` Postgres schema, in SQLite.
-- JSON columns hold TEXT; timestamps are ISO-8601 UTC strings.
CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,
    applied_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS sessions (
    session_id      TEXT PRIMARY KEY,
    author          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'processing', 'awaiting_review', 'completed',
                                      'timed_out', 'failed')),
    prs             TEXT NOT NULL DEFAULT '[]',
    total_files     INTEGER NOT NULL DEFAULT 0,
    total_lines_added   INTEGER NOT NULL DEFAULT 0,
    total_lines_removed INTEGER NOT NULL DEFAULT 0,
    started_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_activity   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    completed_at    TEXT,
    metadata        TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS changes_queue (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id      TEXT REFERENCES sessions (session_id) ON DELETE CASCADE,
    file_path       TEXT NOT NULL,
    change_type     TEXT NOT NULL CHECK (change_type IN ('added', 'modified', 'deleted', 'renamed')),
    lines_added     INTEGER NOT NULL DEFAULT 0,
    lines_removed   INTEGER NOT NULL DEFAULT 0,
    processed       INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS pr_scores (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key     TEXT NOT NULL UNIQUE,
    repository          TEXT NOT NULL,
    pr_number           INTEGER,
    head_sha            TEXT NOT NULL,
    session_id          TEXT REFERENCES sessions (session_id) ON DELETE SET NULL,
    config_hash         TEXT NOT NULL,
    engine_version      TEXT NOT NULL,
    raw_score           REAL NOT NULL,
    stabilized_score    REAL NOT NULL CHECK (stabilized_score BETWEEN 0 AND 10),
    decision            TEXT NOT NULL
                        CHECK (decision IN ('auto_approve', 'review_required', 'auto_block')),
    decision_reason     TEXT NOT NULL,
    category_scores     TEXT NOT NULL,
    pipeline_complete   INTEGER NOT NULL,
    critical_count      INTEGER NOT NULL DEFAULT 0,
    trace_id            TEXT NOT NULL,
    payload             TEXT NOT NULL,
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS pr_scores_repo_pr ON pr_scores (repository, pr_number, created_at);
CREATE TABLE IF NOT EXISTS detection_results (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    pr_score_id     INTEGER NOT NULL REFERENCES pr_scores (id) ON DELETE CASCADE,
    rule_id         TEXT NOT NULL,
    violation_type  TEXT NOT NULL,
    severity        TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
    detector        TEXT NOT NULL,
    file_path       TEXT NOT NULL,
    line_number     INTEGER,
    message         TEXT NOT NULL,
    snippet         TEXT NOT NULL DEFAULT '',
    suggested_fix   TEXT NOT NULL DEFAULT '',
    penalty         REAL NOT NULL DEFAULT 0,
    suppressed      INTEGER NOT NULL DEFAULT 0,
    fingerprint     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS detection_results_score ON detection_results (pr_score_id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key             TEXT PRIMARY KEY,
    operation       TEXT NOT NULL,
    result          TEXT,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at      TEXT
);
CREATE TABLE IF NOT EXISTS system_metrics (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    metric_name     TEXT NOT NULL,
    metric_value    REAL NOT NULL,
    labels          TEXT NOT NULL DEFAULT '{}',
    recorded_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS audit_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id      TEXT,
    pr_number       INTEGER,
    action          TEXT NOT NULL,
    actor           TEXT NOT NULL DEFAULT 'veroscore',
    details         TEXT NOT NULL DEFAULT '{}',
    trace_id        TEXT,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT OR IGNORE INTO schema_version (version) VALUES (1);
