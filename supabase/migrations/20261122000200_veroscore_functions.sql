-- VeroScore views, dashboard and helper functions, and record_pr_score (migration 20261122000200).
-- Every function runs with the caller's rights (SECURITY INVOKER) and a fixed, empty
-- search_path, so names are schema-qualified and nothing resolves through a caller's path.
-- Seed corrections: sessions.prs is JSONB, so its length is jsonb_array_length (not
-- ARRAY_LENGTH); views are created WITH (security_invoker = on) so they honour RLS.

CREATE OR REPLACE VIEW veroscore.v_active_sessions WITH (security_invoker = on) AS
SELECT s.*,
       count(DISTINCT cq.id) AS pending_changes,
       coalesce(sum(cq.lines_added), 0) AS total_pending_additions,
       coalesce(sum(cq.lines_removed), 0) AS total_pending_deletions,
       jsonb_array_length(s.prs) AS pr_count,
       extract(epoch FROM (now() - s.last_activity)) AS seconds_since_activity
FROM veroscore.sessions s
LEFT JOIN veroscore.changes_queue cq ON s.session_id = cq.session_id AND NOT cq.processed
WHERE s.status IN ('active', 'processing')
GROUP BY s.id;

CREATE OR REPLACE VIEW veroscore.v_pr_score_summary WITH (security_invoker = on) AS
SELECT ps.id, ps.pr_number, ps.repository, ps.author, ps.head_sha, ps.stabilized_score,
       ps.decision,
       count(dr.id) FILTER (WHERE dr.severity = 'critical' AND NOT dr.suppressed) AS critical_violations,
       count(dr.id) FILTER (WHERE dr.severity = 'high' AND NOT dr.suppressed) AS high_violations,
       count(dr.id) FILTER (WHERE dr.severity = 'medium' AND NOT dr.suppressed) AS medium_violations,
       ps.created_at
FROM veroscore.pr_scores ps
LEFT JOIN veroscore.detection_results dr ON ps.id = dr.pr_score_id
GROUP BY ps.id;

CREATE OR REPLACE VIEW veroscore.v_system_health WITH (security_invoker = on) AS
SELECT count(*) FILTER (WHERE status = 'active') AS active_sessions,
       count(*) FILTER (WHERE status = 'idle') AS idle_sessions,
       count(*) FILTER (WHERE status = 'failed') AS failed_sessions,
       avg(total_files) FILTER (WHERE status = 'completed') AS avg_files_per_session,
       max(last_activity) AS most_recent_activity
FROM veroscore.sessions;

CREATE OR REPLACE FUNCTION veroscore.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = '' AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS sessions_updated_at ON veroscore.sessions;
CREATE TRIGGER sessions_updated_at BEFORE UPDATE ON veroscore.sessions
    FOR EACH ROW EXECUTE FUNCTION veroscore.touch_updated_at();

CREATE OR REPLACE FUNCTION veroscore.audit(p_type text, p_action text, p_session text,
                                           p_pr integer, p_score uuid, p_old jsonb,
                                           p_new jsonb, p_trace text)
RETURNS void LANGUAGE sql SECURITY INVOKER SET search_path = '' AS $$
    INSERT INTO veroscore.audit_log (event_type, event_action, session_id, pr_number,
                                     pr_score_id, old_state, new_state, trace_id)
    VALUES (p_type, p_action, p_session, p_pr, p_score, p_old, p_new, coalesce(p_trace, ''));
$$;

CREATE OR REPLACE FUNCTION veroscore.increment_session_stats(p_session_id text, p_files integer,
                                                             p_lines_added integer,
                                                             p_lines_removed integer)
RETURNS void LANGUAGE sql SECURITY INVOKER SET search_path = '' AS $$
    UPDATE veroscore.sessions
       SET total_files = total_files + coalesce(p_files, 0),
           total_lines_added = total_lines_added + coalesce(p_lines_added, 0),
           total_lines_removed = total_lines_removed + coalesce(p_lines_removed, 0),
           last_activity = now()
     WHERE session_id = p_session_id;
$$;

-- Move a session to a new status, with an audit row for the transition.
CREATE OR REPLACE FUNCTION veroscore.set_session_status(p_session_id text, p_status text,
                                                        p_pr integer, p_trace text)
RETURNS void LANGUAGE plpgsql SECURITY INVOKER SET search_path = '' AS $$
DECLARE
    v_old text;
BEGIN
    SELECT status INTO v_old FROM veroscore.sessions WHERE session_id = p_session_id FOR UPDATE;
    IF v_old IS NULL OR v_old = p_status THEN
        RETURN;
    END IF;
    UPDATE veroscore.sessions
       SET status = p_status, last_activity = now(),
           completed_at = CASE WHEN p_status IN ('completed', 'failed') THEN now() END
     WHERE session_id = p_session_id;
    PERFORM veroscore.audit('session', 'status_changed', p_session_id, p_pr, NULL,
                            jsonb_build_object('status', v_old),
                            jsonb_build_object('status', p_status), p_trace);
END;
$$;

-- Record one score with its findings, audit row and session link, in one transaction.
-- Idempotent on (repository, pr_number, head_sha, config_hash, engine_version): a second
-- call with the same key changes nothing and reports inserted = false.
CREATE OR REPLACE FUNCTION veroscore.record_pr_score(payload jsonb)
RETURNS jsonb LANGUAGE plpgsql SECURITY INVOKER SET search_path = '' AS $$
DECLARE
    v_key text;
    v_id uuid;
    v_pr integer := (payload ->> 'pr_number')::integer;
    v_session text := nullif(payload ->> 'session_id', '');
    v_trace text := coalesce(payload ->> 'trace_id', '');
    v_categories jsonb := coalesce(payload -> 'categories', '[]'::jsonb);
    v_next text;
BEGIN
    IF payload ->> 'repository' IS NULL OR payload ->> 'head_sha' IS NULL
       OR payload ->> 'config_hash' IS NULL OR payload ->> 'engine_version' IS NULL
       OR payload ->> 'decision' IS NULL THEN
        RAISE EXCEPTION 'record_pr_score: payload needs repository, head_sha, config_hash, '
                        'engine_version and decision' USING ERRCODE = '22023';
    END IF;
    v_key := encode(sha256(convert_to(concat_ws(chr(31), payload ->> 'repository',
                                                coalesce(payload ->> 'pr_number', ''),
                                                payload ->> 'head_sha', payload ->> 'config_hash',
                                                payload ->> 'engine_version'), 'UTF8')), 'hex');
    IF v_session IS NOT NULL THEN
        INSERT INTO veroscore.sessions (session_id, author, branch_name)
        VALUES (v_session, coalesce(payload ->> 'author', ''), payload ->> 'head_ref')
        ON CONFLICT (session_id) DO NOTHING;
    END IF;
    INSERT INTO veroscore.pr_scores (
        idempotency_key, repository, pr_number, head_sha, base_sha, session_id, author,
        config_hash, engine_version, code_quality, test_coverage, documentation, architecture,
        security, rule_compliance, raw_score, stabilized_score, category_scores, violations,
        warnings, pipeline_complete, pipeline_bonus, decision, decision_reason, critical_count,
        scan_duration_ms, trace_id)
    SELECT v_key, payload ->> 'repository', v_pr, payload ->> 'head_sha',
           coalesce(payload ->> 'base_sha', ''), v_session, coalesce(payload ->> 'author', ''),
           payload ->> 'config_hash', payload ->> 'engine_version',
           coalesce(cat ->> 'code_quality', '0')::numeric,
           coalesce(cat ->> 'test_coverage', '0')::numeric,
           coalesce(cat ->> 'documentation', '0')::numeric,
           coalesce(cat ->> 'architecture', '0')::numeric,
           coalesce(cat ->> 'security', '0')::numeric,
           coalesce(cat ->> 'rule_compliance', '0')::numeric,
           (payload ->> 'raw_score')::numeric, (payload ->> 'stabilized_score')::numeric,
           v_categories, coalesce(payload -> 'findings', '[]'::jsonb),
           coalesce(payload -> 'warnings', '[]'::jsonb),
           coalesce((payload -> 'pipeline' ->> 'complete')::boolean, false),
           coalesce((payload -> 'pipeline' ->> 'bonus')::numeric, 0),
           payload ->> 'decision', coalesce(payload ->> 'decision_reason', ''),
           (SELECT count(*) FROM jsonb_array_elements(coalesce(payload -> 'findings', '[]'))
             AS f WHERE f ->> 'severity' = 'critical'),
           (payload ->> 'scan_duration_ms')::integer, v_trace
      FROM (SELECT jsonb_object_agg(c ->> 'name', c -> 'raw') AS cat
              FROM jsonb_array_elements(v_categories) AS c) AS categories
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id INTO v_id;

    IF v_id IS NULL THEN
        SELECT id INTO v_id FROM veroscore.pr_scores WHERE idempotency_key = v_key;
        RETURN jsonb_build_object('inserted', false, 'pr_score_id', v_id);
    END IF;

    INSERT INTO veroscore.detection_results (
        pr_score_id, detector_name, detector_version, rule_id, violation_type, severity,
        message, file_path, line_number, code_snippet, suggested_fix, penalty_applied,
        suppressed, fingerprint)
    SELECT v_id, f ->> 'detector', payload ->> 'engine_version', f ->> 'rule_id',
           f ->> 'violation_type', f ->> 'severity', f ->> 'message', f ->> 'path',
           (f ->> 'line')::integer, coalesce(f ->> 'snippet', ''),
           coalesce(f ->> 'suggested_fix', ''), coalesce((f ->> 'penalty')::numeric, 0),
           coalesce((f ->> 'suppressed')::boolean, false), coalesce(f ->> 'fingerprint', '')
      FROM jsonb_array_elements(coalesce(payload -> 'findings', '[]'::jsonb)
                                || coalesce(payload -> 'warnings', '[]'::jsonb)
                                || coalesce(payload -> 'suppressed', '[]'::jsonb)) AS f;

    PERFORM veroscore.record_metric('pr_score', (payload ->> 'stabilized_score')::numeric,
                                    'gauge', jsonb_build_object(
                                        'repository', payload ->> 'repository',
                                        'decision', payload ->> 'decision'));
    IF payload ->> 'scan_duration_ms' IS NOT NULL THEN
        PERFORM veroscore.record_metric('scan_duration_ms',
                                        (payload ->> 'scan_duration_ms')::numeric, 'histogram',
                                        jsonb_build_object('repository',
                                                           payload ->> 'repository'));
    END IF;
    PERFORM veroscore.record_metric('findings_' || (f ->> 'severity'), count(*), 'counter',
                                    jsonb_build_object('repository', payload ->> 'repository'))
       FROM jsonb_array_elements(coalesce(payload -> 'findings', '[]'::jsonb)
                                 || coalesce(payload -> 'warnings', '[]'::jsonb)) AS f
      GROUP BY f ->> 'severity';
    PERFORM veroscore.audit('score', 'recorded', v_session, v_pr, v_id, NULL,
                            jsonb_build_object('repository', payload ->> 'repository',
                                               'head_sha', payload ->> 'head_sha',
                                               'decision', payload ->> 'decision',
                                               'stabilized_score', payload -> 'stabilized_score'),
                            v_trace);

    IF v_session IS NOT NULL THEN
        UPDATE veroscore.sessions
           SET prs = CASE WHEN v_pr IS NULL OR prs @> to_jsonb(v_pr) THEN prs
                          ELSE prs || to_jsonb(v_pr) END
         WHERE session_id = v_session;
        PERFORM veroscore.increment_session_stats(
            v_session, (payload -> 'stats' ->> 'files_changed')::integer,
            (payload -> 'stats' ->> 'lines_added')::integer,
            (payload -> 'stats' ->> 'lines_removed')::integer);
        PERFORM veroscore.set_session_status(v_session, 'processing', v_pr, v_trace);
        v_next := CASE payload ->> 'decision' WHEN 'auto_approve' THEN 'completed'
                                              WHEN 'auto_block' THEN 'failed' END;
        IF v_next IS NOT NULL THEN
            PERFORM veroscore.set_session_status(v_session, v_next, v_pr, v_trace);
        END IF;
    END IF;
    RETURN jsonb_build_object('inserted', true, 'pr_score_id', v_id);
END;
$$;

-- Active sessions idle longer than the limit become 'idle' (the seed's auto-timeout).
CREATE OR REPLACE FUNCTION veroscore.timeout_idle_sessions(p_idle_minutes integer DEFAULT 30)
RETURNS integer LANGUAGE plpgsql SECURITY INVOKER SET search_path = '' AS $$
DECLARE
    v_row record;
    v_count integer := 0;
BEGIN
    FOR v_row IN SELECT session_id FROM veroscore.sessions
                  WHERE status = 'active'
                    AND last_activity < now() - make_interval(mins => p_idle_minutes)
                  ORDER BY session_id FOR UPDATE
    LOOP
        UPDATE veroscore.sessions
           SET status = 'idle',
               metadata = metadata || jsonb_build_object('timeout_reason', 'inactivity')
         WHERE session_id = v_row.session_id;
        PERFORM veroscore.audit('session', 'timed_out', v_row.session_id, NULL, NULL,
                                '{"status": "active"}', '{"status": "idle"}', '');
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END;
$$;

CREATE OR REPLACE FUNCTION veroscore.cleanup_expired_idempotency()
RETURNS integer LANGUAGE plpgsql SECURITY INVOKER SET search_path = '' AS $$
DECLARE
    v_count integer;
BEGIN
    DELETE FROM veroscore.idempotency_keys WHERE expires_at < now();
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

CREATE OR REPLACE FUNCTION veroscore.archive_old_metrics(p_keep_days integer DEFAULT 30)
RETURNS integer LANGUAGE plpgsql SECURITY INVOKER SET search_path = '' AS $$
DECLARE
    v_count integer;
BEGIN
    DELETE FROM veroscore.system_metrics
     WHERE "timestamp" < now() - make_interval(days => p_keep_days);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

CREATE OR REPLACE FUNCTION veroscore.record_metric(p_name text, p_value numeric,
                                                   p_type text DEFAULT 'gauge',
                                                   p_labels jsonb DEFAULT '{}'::jsonb)
RETURNS integer LANGUAGE sql SECURITY INVOKER SET search_path = '' AS $$
    INSERT INTO veroscore.system_metrics (metric_name, metric_value, metric_type, labels)
    VALUES (p_name, p_value, p_type, coalesce(p_labels, '{}'::jsonb));
    SELECT 1;
$$;

-- One JSON document for `veroscore health` and dashboards.
CREATE OR REPLACE FUNCTION veroscore.health_snapshot(p_stuck_minutes integer DEFAULT 60)
RETURNS jsonb LANGUAGE sql SECURITY INVOKER SET search_path = '' AS $$
    SELECT jsonb_build_object(
        'schema_version', (SELECT max(version) FROM veroscore.schema_version),
        'active_sessions', (SELECT count(*) FROM veroscore.sessions WHERE status = 'active'),
        'idle_sessions', (SELECT count(*) FROM veroscore.sessions WHERE status = 'idle'),
        'failed_sessions', (SELECT count(*) FROM veroscore.sessions WHERE status = 'failed'),
        'stuck_sessions', (SELECT count(*) FROM veroscore.sessions
                            WHERE status = 'processing'
                              AND last_activity < now() - make_interval(mins => p_stuck_minutes)),
        'prs_in_open_sessions', (SELECT coalesce(sum(jsonb_array_length(prs)), 0)
                                   FROM veroscore.sessions
                                  WHERE status IN ('active', 'processing')),
        'scores_24h', (SELECT count(*) FROM veroscore.pr_scores
                        WHERE created_at > now() - interval '24 hours'),
        'blocks_24h', (SELECT count(*) FROM veroscore.pr_scores
                        WHERE created_at > now() - interval '24 hours'
                          AND decision = 'auto_block'),
        'store_errors_24h', (SELECT coalesce(sum(metric_value), 0) FROM veroscore.system_metrics
                              WHERE metric_name = 'store_errors'
                                AND "timestamp" > now() - interval '24 hours'));
$$;

CREATE OR REPLACE FUNCTION veroscore.dashboard_summary()
RETURNS jsonb LANGUAGE sql SECURITY INVOKER SET search_path = '' AS $$
    SELECT jsonb_build_object(
        'sessions', (SELECT jsonb_object_agg(status, n) FROM
                      (SELECT status, count(*) AS n FROM veroscore.sessions GROUP BY status) s),
        'average_prs_per_session', (SELECT round(avg(jsonb_array_length(prs)), 2)
                                      FROM veroscore.sessions),
        'average_score_7d', (SELECT round(avg(stabilized_score), 2) FROM veroscore.pr_scores
                              WHERE created_at > now() - interval '7 days'),
        'decisions_7d', (SELECT jsonb_object_agg(decision, n) FROM
                          (SELECT decision, count(*) AS n FROM veroscore.pr_scores
                            WHERE created_at > now() - interval '7 days' GROUP BY decision) d));
$$;

-- Functions are executable by PUBLIC by default; only service_role may call these.
-- Objects are named (on a first run they are all the schema has, so the effect is that of
-- ALL FUNCTIONS / ALL TABLES): running this file again leaves later objects' privileges alone.
REVOKE EXECUTE ON FUNCTION veroscore.touch_updated_at(), veroscore.audit(text, text, text, integer, uuid, jsonb, jsonb, text), veroscore.increment_session_stats(text, integer, integer, integer), veroscore.set_session_status(text, text, integer, text), veroscore.record_pr_score(jsonb), veroscore.timeout_idle_sessions(integer), veroscore.cleanup_expired_idempotency(), veroscore.archive_old_metrics(integer), veroscore.record_metric(text, numeric, text, jsonb), veroscore.health_snapshot(integer), veroscore.dashboard_summary() FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
        EXECUTE 'REVOKE ALL ON veroscore.schema_version, veroscore.sessions, veroscore.changes_queue, veroscore.pr_scores, veroscore.detection_results, veroscore.idempotency_keys, veroscore.system_metrics, veroscore.audit_log, veroscore.v_active_sessions, veroscore.v_pr_score_summary, veroscore.v_system_health FROM anon';
        EXECUTE 'REVOKE EXECUTE ON FUNCTION veroscore.touch_updated_at(), veroscore.audit(text, text, text, integer, uuid, jsonb, jsonb, text), veroscore.increment_session_stats(text, integer, integer, integer), veroscore.set_session_status(text, text, integer, text), veroscore.record_pr_score(jsonb), veroscore.timeout_idle_sessions(integer), veroscore.cleanup_expired_idempotency(), veroscore.archive_old_metrics(integer), veroscore.record_metric(text, numeric, text, jsonb), veroscore.health_snapshot(integer), veroscore.dashboard_summary() FROM anon';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
        EXECUTE 'REVOKE ALL ON veroscore.schema_version, veroscore.sessions, veroscore.changes_queue, veroscore.pr_scores, veroscore.detection_results, veroscore.idempotency_keys, veroscore.system_metrics, veroscore.audit_log, veroscore.v_active_sessions, veroscore.v_pr_score_summary, veroscore.v_system_health FROM authenticated';
        EXECUTE 'REVOKE EXECUTE ON FUNCTION veroscore.touch_updated_at(), veroscore.audit(text, text, text, integer, uuid, jsonb, jsonb, text), veroscore.increment_session_stats(text, integer, integer, integer), veroscore.set_session_status(text, text, integer, text), veroscore.record_pr_score(jsonb), veroscore.timeout_idle_sessions(integer), veroscore.cleanup_expired_idempotency(), veroscore.archive_old_metrics(integer), veroscore.record_metric(text, numeric, text, jsonb), veroscore.health_snapshot(integer), veroscore.dashboard_summary() FROM authenticated';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        EXECUTE 'GRANT SELECT ON veroscore.schema_version, veroscore.sessions, veroscore.changes_queue, veroscore.pr_scores, veroscore.detection_results, veroscore.idempotency_keys, veroscore.system_metrics, veroscore.audit_log, veroscore.v_active_sessions, veroscore.v_pr_score_summary, veroscore.v_system_health TO service_role';
        EXECUTE 'GRANT EXECUTE ON FUNCTION veroscore.touch_updated_at(), veroscore.audit(text, text, text, integer, uuid, jsonb, jsonb, text), veroscore.increment_session_stats(text, integer, integer, integer), veroscore.set_session_status(text, text, integer, text), veroscore.record_pr_score(jsonb), veroscore.timeout_idle_sessions(integer), veroscore.cleanup_expired_idempotency(), veroscore.archive_old_metrics(integer), veroscore.record_metric(text, numeric, text, jsonb), veroscore.health_snapshot(integer), veroscore.dashboard_summary() TO service_role';
    END IF;
END
$$;

INSERT INTO veroscore.schema_version (version, name)
VALUES (20261122000200, 'veroscore_functions') ON CONFLICT (version) DO NOTHING;
