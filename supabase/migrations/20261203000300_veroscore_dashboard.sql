-- Dashboard read path (migration 20261203000300): a role that can only read, the indexes
-- the dashboard's queries need, a per-day roll-up of findings, and NOTIFY triggers for the
-- live view. Plain SQL for `supabase db push` and `veroscore db migrate`; safe to run twice.
--
-- Why a role: `veroscore dashboard serve` connects with whatever URL it is given, and that
-- URL often belongs to a role that can write. The server therefore runs every request as
-- `veroscore_dashboard` (SET ROLE, in a READ ONLY transaction). The role is NOLOGIN and has
-- SELECT on the tables the dashboard shows and nothing else: no INSERT/UPDATE/DELETE, no
-- EXECUTE on the write functions (record_pr_score, set_session_status, …). Grant it to the
-- login the dashboard uses:  GRANT veroscore_dashboard TO my_dashboard_login;
-- RLS stays on: the SELECT-only policies below admit this role and no other.
-- Status is read as text: the session state set changes between versions.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'veroscore_dashboard') THEN
        CREATE ROLE veroscore_dashboard NOLOGIN;
    END IF;
END
$$;

-- Indexes for the pull-request table's filters and sorts, and the findings by rule.
CREATE INDEX IF NOT EXISTS idx_pr_scores_created_id ON veroscore.pr_scores (created_at DESC, id DESC);
-- Covering index: the weekly trend, author table and overview counts read only these
-- columns of a date range, so they run as index-only scans.
CREATE INDEX IF NOT EXISTS idx_pr_scores_created_cover ON veroscore.pr_scores (created_at)
    INCLUDE (author, decision, stabilized_score, scan_duration_ms);
CREATE INDEX IF NOT EXISTS idx_pr_scores_repo_created ON veroscore.pr_scores (repository, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_pr_scores_author_created ON veroscore.pr_scores (author, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_pr_scores_score ON veroscore.pr_scores (stabilized_score, created_at DESC);
-- Tells the planner how many weeks a date range holds, so the weekly trend groups in a small
-- hash table instead of sorting every score of the range.
CREATE STATISTICS IF NOT EXISTS veroscore.pr_scores_week
    ON (date_trunc('week', created_at AT TIME ZONE 'UTC')) FROM veroscore.pr_scores;
CREATE INDEX IF NOT EXISTS idx_pr_scores_repo_score ON veroscore.pr_scores (repository, stabilized_score);
CREATE INDEX IF NOT EXISTS idx_detection_rule_score ON veroscore.detection_results (rule_id, pr_score_id);
CREATE INDEX IF NOT EXISTS idx_sessions_started ON veroscore.sessions (started DESC);
CREATE INDEX IF NOT EXISTS idx_audit_pr_score ON veroscore.audit_log (pr_score_id);
CREATE INDEX IF NOT EXISTS idx_audit_session ON veroscore.audit_log (session_id);
CREATE INDEX IF NOT EXISTS idx_metrics_name_time ON veroscore.system_metrics (metric_name, "timestamp" DESC);

-- Findings per day by rule and severity, and per day by folder: the analytics page
-- aggregates these roll-ups (tens of thousands of rows at most) instead of a million
-- findings. Kept current by statement-level triggers on detection_results, so each
-- record_pr_score call costs one grouped upsert per roll-up. Suppressed findings are left out.
CREATE TABLE IF NOT EXISTS veroscore.finding_rule_daily (
    day             DATE NOT NULL,
    rule_id         TEXT NOT NULL,
    severity        TEXT NOT NULL,
    findings        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, rule_id, severity)
);
CREATE TABLE IF NOT EXISTS veroscore.finding_folder_daily (
    day             DATE NOT NULL,
    folder          TEXT NOT NULL,
    findings        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, folder)
);
ALTER TABLE veroscore.finding_rule_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE veroscore.finding_folder_daily ENABLE ROW LEVEL SECURITY;

-- The folder of a finding: its path's first two directories ('' for a file at the root).
CREATE OR REPLACE FUNCTION veroscore.finding_folder(p_path text) RETURNS text
LANGUAGE sql IMMUTABLE SECURITY INVOKER SET search_path = '' AS $$
    SELECT CASE WHEN coalesce(p_path, '') NOT LIKE '%/%' THEN ''
                ELSE array_to_string((string_to_array(p_path, '/'))[
                         1:least(2, cardinality(string_to_array(p_path, '/')) - 1)], '/')
           END;
$$;

-- Add (p_sign = 1) or remove (p_sign = -1) a batch of findings, given as a JSON array of
-- {day, rule_id, severity, folder, n}. Owner's rights (SECURITY DEFINER) so the writers
-- need no grant on the roll-ups.
CREATE OR REPLACE FUNCTION veroscore.finding_rollup_apply(p_rows jsonb, p_sign integer)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
    INSERT INTO veroscore.finding_rule_daily AS d (day, rule_id, severity, findings)
    SELECT (r ->> 'day')::date, r ->> 'rule_id', r ->> 'severity',
           sum((r ->> 'n')::bigint) * p_sign
      FROM jsonb_array_elements(p_rows) AS r GROUP BY 1, 2, 3
    ON CONFLICT (day, rule_id, severity) DO UPDATE SET findings = d.findings + excluded.findings;
    INSERT INTO veroscore.finding_folder_daily AS d (day, folder, findings)
    SELECT (r ->> 'day')::date, r ->> 'folder', sum((r ->> 'n')::bigint) * p_sign
      FROM jsonb_array_elements(p_rows) AS r GROUP BY 1, 2
    ON CONFLICT (day, folder) DO UPDATE SET findings = d.findings + excluded.findings;
$$;

CREATE OR REPLACE FUNCTION veroscore.finding_rollup_add() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    PERFORM veroscore.finding_rollup_apply(coalesce(jsonb_agg(g), '[]'::jsonb), 1)
       FROM (SELECT (n.created_at AT TIME ZONE 'UTC')::date AS day, n.rule_id, n.severity,
                    veroscore.finding_folder(n.file_path) AS folder, count(*) AS n
               FROM new_rows n WHERE NOT n.suppressed GROUP BY 1, 2, 3, 4) AS g;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION veroscore.finding_rollup_remove() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    PERFORM veroscore.finding_rollup_apply(coalesce(jsonb_agg(g), '[]'::jsonb), -1)
       FROM (SELECT (o.created_at AT TIME ZONE 'UTC')::date AS day, o.rule_id, o.severity,
                    veroscore.finding_folder(o.file_path) AS folder, count(*) AS n
               FROM old_rows o WHERE NOT o.suppressed GROUP BY 1, 2, 3, 4) AS g;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS detection_results_rollup_add ON veroscore.detection_results;
CREATE TRIGGER detection_results_rollup_add AFTER INSERT ON veroscore.detection_results
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION veroscore.finding_rollup_add();
DROP TRIGGER IF EXISTS detection_results_rollup_remove ON veroscore.detection_results;
CREATE TRIGGER detection_results_rollup_remove AFTER DELETE ON veroscore.detection_results
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION veroscore.finding_rollup_remove();

-- Backfill once (the roll-ups are empty only on the first run of this migration).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM veroscore.finding_rule_daily) THEN
        PERFORM veroscore.finding_rollup_apply(coalesce(jsonb_agg(g), '[]'::jsonb), 1)
           FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, rule_id, severity,
                        veroscore.finding_folder(file_path) AS folder, count(*) AS n
                   FROM veroscore.detection_results WHERE NOT suppressed
                  GROUP BY 1, 2, 3, 4) AS g;
    END IF;
END
$$;

-- Live updates: one NOTIFY per written row on channel `veroscore_dashboard`. AFTER triggers
-- on the tables (not inside record_pr_score), so every writer is covered. The payload holds
-- only the table, the operation and the row id: listeners re-read through the read path.
CREATE OR REPLACE FUNCTION veroscore.notify_dashboard() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = '' AS $$
BEGIN
    PERFORM pg_notify('veroscore_dashboard', json_build_object(
        'table', TG_TABLE_NAME, 'op', lower(TG_OP),
        'id', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS pr_scores_notify_dashboard ON veroscore.pr_scores;
CREATE TRIGGER pr_scores_notify_dashboard AFTER INSERT OR UPDATE OR DELETE ON veroscore.pr_scores
    FOR EACH ROW EXECUTE FUNCTION veroscore.notify_dashboard();
DROP TRIGGER IF EXISTS sessions_notify_dashboard ON veroscore.sessions;
CREATE TRIGGER sessions_notify_dashboard AFTER INSERT OR UPDATE OR DELETE ON veroscore.sessions
    FOR EACH ROW EXECUTE FUNCTION veroscore.notify_dashboard();

-- The read-only grants and the policies that let the role through RLS (SELECT only).
GRANT USAGE ON SCHEMA veroscore TO veroscore_dashboard;
DO $$
DECLARE
    v_table text;
BEGIN
    FOREACH v_table IN ARRAY ARRAY['schema_version', 'sessions', 'changes_queue', 'pr_scores',
                                   'detection_results', 'system_metrics', 'audit_log',
                                   'finding_rule_daily', 'finding_folder_daily']
    LOOP
        EXECUTE format('REVOKE ALL ON veroscore.%I FROM veroscore_dashboard', v_table);
        EXECUTE format('GRANT SELECT ON veroscore.%I TO veroscore_dashboard', v_table);
        EXECUTE format('DROP POLICY IF EXISTS dashboard_read ON veroscore.%I', v_table);
        EXECUTE format('CREATE POLICY dashboard_read ON veroscore.%I FOR SELECT '
                       'TO veroscore_dashboard USING (true)', v_table);
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        EXECUTE 'GRANT SELECT ON veroscore.finding_rule_daily, veroscore.finding_folder_daily '
                'TO service_role';
    END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION veroscore.finding_rollup_apply(jsonb, integer),
    veroscore.finding_rollup_add(), veroscore.finding_rollup_remove(),
    veroscore.notify_dashboard() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION veroscore.finding_folder(text) TO veroscore_dashboard;

INSERT INTO veroscore.schema_version (version, name)
VALUES (20261203000300, 'veroscore_dashboard') ON CONFLICT (version) DO NOTHING;
