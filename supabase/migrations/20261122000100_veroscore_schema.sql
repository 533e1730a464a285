-- VeroScore schema, tables, constraints and indexes (migration 20261122000100).
-- Plain SQL usable by `supabase db push` and by `veroscore db migrate`; safe to run twice.
-- Differences from the seed design, and why:
--   * everything lives in schema `veroscore`, never `public`, so the Data API exposes it only
--     when a project opts in;
--   * pr_scores is unique on (repository, PR, head sha, config hash, engine version), the
--     idempotency key of a score, instead of (pr_number, repository, created_at), which two
--     concurrent runs never collide on;
--   * pr_number may be NULL (local runs score changes that are not pull requests);
--   * ids are gen_random_uuid() (built into PostgreSQL 13+), so no extension is needed.

CREATE SCHEMA IF NOT EXISTS veroscore;

CREATE TABLE IF NOT EXISTS veroscore.schema_version (
    version     BIGINT PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS veroscore.sessions (
    id                  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id          TEXT NOT NULL UNIQUE,
    author              TEXT NOT NULL DEFAULT '',
    branch_name         TEXT,
    started             TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_activity       TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at        TIMESTAMPTZ,
    total_files         INTEGER NOT NULL DEFAULT 0,
    total_lines_added   INTEGER NOT NULL DEFAULT 0,
    total_lines_removed INTEGER NOT NULL DEFAULT 0,
    prs                 JSONB NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(prs) = 'array'),
    status              TEXT NOT NULL DEFAULT 'active'
                        CHECK (status IN ('active', 'processing', 'idle', 'completed', 'failed')),
    config              JSONB NOT NULL DEFAULT '{}'::jsonb,
    metadata            JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_sessions_author ON veroscore.sessions (author);
CREATE INDEX IF NOT EXISTS idx_sessions_status ON veroscore.sessions (status);
CREATE INDEX IF NOT EXISTS idx_sessions_last_activity ON veroscore.sessions (last_activity);

CREATE TABLE IF NOT EXISTS veroscore.changes_queue (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id      TEXT NOT NULL REFERENCES veroscore.sessions (session_id) ON DELETE CASCADE,
    file_path       TEXT NOT NULL,
    change_type     TEXT NOT NULL CHECK (change_type IN ('added', 'modified', 'deleted', 'renamed')),
    old_path        TEXT,
    lines_added     INTEGER NOT NULL DEFAULT 0,
    lines_removed   INTEGER NOT NULL DEFAULT 0,
    commit_hash     TEXT,
    processed       BOOLEAN NOT NULL DEFAULT false,
    processed_at    TIMESTAMPTZ,
    metadata        JSONB NOT NULL DEFAULT '{}'::jsonb,
    "timestamp"     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_changes_session ON veroscore.changes_queue (session_id);
CREATE INDEX IF NOT EXISTS idx_changes_unprocessed ON veroscore.changes_queue (processed)
    WHERE NOT processed;

CREATE TABLE IF NOT EXISTS veroscore.pr_scores (
    id                      UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    idempotency_key         TEXT NOT NULL UNIQUE,
    repository              TEXT NOT NULL,
    pr_number               INTEGER,
    head_sha                TEXT NOT NULL,
    base_sha                TEXT NOT NULL DEFAULT '',
    session_id              TEXT REFERENCES veroscore.sessions (session_id) ON DELETE SET NULL,
    author                  TEXT NOT NULL DEFAULT '',
    config_hash             TEXT NOT NULL,
    engine_version          TEXT NOT NULL,
    code_quality            NUMERIC(8, 4) NOT NULL DEFAULT 0,
    test_coverage           NUMERIC(8, 4) NOT NULL DEFAULT 0,
    documentation           NUMERIC(8, 4) NOT NULL DEFAULT 0,
    architecture            NUMERIC(8, 4) NOT NULL DEFAULT 0,
    security                NUMERIC(8, 4) NOT NULL DEFAULT 0,
    rule_compliance         NUMERIC(8, 4) NOT NULL DEFAULT 0,
    raw_score               NUMERIC(10, 4) NOT NULL,
    stabilized_score        NUMERIC(5, 2) NOT NULL CHECK (stabilized_score BETWEEN 0 AND 10),
    category_scores         JSONB NOT NULL DEFAULT '[]'::jsonb,
    violations              JSONB NOT NULL DEFAULT '[]'::jsonb,
    warnings                JSONB NOT NULL DEFAULT '[]'::jsonb,
    pipeline_complete       BOOLEAN NOT NULL DEFAULT false,
    pipeline_bonus          NUMERIC(5, 2) NOT NULL DEFAULT 0,
    decision                TEXT NOT NULL
                            CHECK (decision IN ('auto_approve', 'review_required', 'auto_block')),
    decision_reason         TEXT NOT NULL DEFAULT '',
    critical_count          INTEGER NOT NULL DEFAULT 0,
    scan_duration_ms        INTEGER,
    trace_id                TEXT NOT NULL DEFAULT '',
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_pr_scores_pr ON veroscore.pr_scores (repository, pr_number);
CREATE INDEX IF NOT EXISTS idx_pr_scores_session ON veroscore.pr_scores (session_id);
CREATE INDEX IF NOT EXISTS idx_pr_scores_decision ON veroscore.pr_scores (decision);
CREATE INDEX IF NOT EXISTS idx_pr_scores_created ON veroscore.pr_scores (created_at DESC);

CREATE TABLE IF NOT EXISTS veroscore.detection_results (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    pr_score_id     UUID NOT NULL REFERENCES veroscore.pr_scores (id) ON DELETE CASCADE,
    detector_name   TEXT NOT NULL,
    detector_version TEXT,
    rule_id         TEXT NOT NULL,
    violation_type  TEXT NOT NULL,
    severity        TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
    message         TEXT NOT NULL,
    file_path       TEXT,
    line_number     INTEGER,
    code_snippet    TEXT NOT NULL DEFAULT '',
    suggested_fix   TEXT NOT NULL DEFAULT '',
    penalty_applied NUMERIC(8, 2) NOT NULL DEFAULT 0,
    suppressed      BOOLEAN NOT NULL DEFAULT false,
    fingerprint     TEXT NOT NULL,
    metadata        JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_detection_pr_score ON veroscore.detection_results (pr_score_id);
CREATE INDEX IF NOT EXISTS idx_detection_severity ON veroscore.detection_results (severity);

CREATE TABLE IF NOT EXISTS veroscore.idempotency_keys (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    key             TEXT NOT NULL UNIQUE,
    operation_type  TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('processing', 'completed', 'failed')),
    result          JSONB NOT NULL DEFAULT '{}'::jsonb,
    expires_at      TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_idempotency_expires ON veroscore.idempotency_keys (expires_at);

CREATE TABLE IF NOT EXISTS veroscore.system_metrics (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    metric_name     TEXT NOT NULL,
    metric_value    NUMERIC NOT NULL,
    metric_type     TEXT NOT NULL DEFAULT 'gauge'
                    CHECK (metric_type IN ('counter', 'gauge', 'histogram', 'summary')),
    labels          JSONB NOT NULL DEFAULT '{}'::jsonb,
    "timestamp"     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_metrics_name ON veroscore.system_metrics (metric_name);
CREATE INDEX IF NOT EXISTS idx_metrics_timestamp ON veroscore.system_metrics ("timestamp" DESC);

CREATE TABLE IF NOT EXISTS veroscore.audit_log (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    event_type      TEXT NOT NULL,
    event_action    TEXT NOT NULL,
    actor           TEXT NOT NULL DEFAULT 'veroscore',
    session_id      TEXT,
    pr_number       INTEGER,
    pr_score_id     UUID,
    old_state       JSONB,
    new_state       JSONB,
    trace_id        TEXT NOT NULL DEFAULT '',
    metadata        JSONB NOT NULL DEFAULT '{}'::jsonb,
    "timestamp"     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_audit_type ON veroscore.audit_log (event_type);
CREATE INDEX IF NOT EXISTS idx_audit_timestamp ON veroscore.audit_log ("timestamp" DESC);

-- Row Level Security on every table. No policy grants anything to anon or authenticated,
-- so they see nothing; service_role bypasses RLS (BYPASSRLS on Supabase).
ALTER TABLE veroscore.schema_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE veroscore.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE veroscore.changes_queue ENABLE ROW LEVEL SECURITY;
ALTER TABLE veroscore.pr_scores ENABLE ROW LEVEL SECURITY;
ALTER TABLE veroscore.detection_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE veroscore.idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE veroscore.system_metrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE veroscore.audit_log ENABLE ROW LEVEL SECURITY;

-- Explicit grants: Supabase no longer grants new tables to the API roles automatically.
-- The tables are named (on a first run they are all the schema has, so the effect is that
-- of ALL TABLES): running this file again must leave later objects' privileges unchanged.
REVOKE ALL ON SCHEMA veroscore FROM PUBLIC;
REVOKE ALL ON veroscore.schema_version, veroscore.sessions, veroscore.changes_queue, veroscore.pr_scores, veroscore.detection_results, veroscore.idempotency_keys, veroscore.system_metrics, veroscore.audit_log FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
        EXECUTE 'REVOKE ALL ON SCHEMA veroscore FROM anon';
        EXECUTE 'REVOKE ALL ON veroscore.schema_version, veroscore.sessions, veroscore.changes_queue, veroscore.pr_scores, veroscore.detection_results, veroscore.idempotency_keys, veroscore.system_metrics, veroscore.audit_log FROM anon';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
        EXECUTE 'REVOKE ALL ON SCHEMA veroscore FROM authenticated';
        EXECUTE 'REVOKE ALL ON veroscore.schema_version, veroscore.sessions, veroscore.changes_queue, veroscore.pr_scores, veroscore.detection_results, veroscore.idempotency_keys, veroscore.system_metrics, veroscore.audit_log FROM authenticated';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        EXECUTE 'GRANT USAGE ON SCHEMA veroscore TO service_role';
        EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON veroscore.schema_version, veroscore.sessions, veroscore.changes_queue, veroscore.pr_scores, veroscore.detection_results, veroscore.idempotency_keys, veroscore.system_metrics, veroscore.audit_log TO service_role';
    END IF;
END
$$;

INSERT INTO veroscore.schema_version (version, name)
VALUES (20261122000100, 'veroscore_schema') ON CONFLICT (version) DO NOTHING;
