-- Store reliability (migration 20261203000100): session life cycle, lock order, payload
-- validation, idempotency keys that identify the change, default privileges.
-- Plain SQL for `supabase db push` and `veroscore db migrate`; safe to run again: re-running
-- it changes neither data nor privileges (every grant below names its function).
--
-- Session states (the `idle` state is gone; it meant "timed out"):
--   active           the agent is collecting edits, no PR yet
--   processing       a batch is being committed, pushed, opened or scored (transient: the
--                    only state `veroscore health` may call stuck)
--   awaiting_review  a PR is open and scored, waiting on people (never stuck)
--   completed        PR merged/closed, or the session stopped with everything delivered
--   timed_out        idle without a PR, moved by `veroscore sessions timeout`
--   failed           the agent gave up (set by the agent, never by scoring)

ALTER TABLE veroscore.sessions DROP CONSTRAINT IF EXISTS sessions_status_check;
UPDATE veroscore.sessions SET status = 'timed_out' WHERE status = 'idle';
ALTER TABLE veroscore.sessions ADD CONSTRAINT sessions_status_check
    CHECK (status IN ('active', 'processing', 'awaiting_review', 'completed', 'timed_out',
                      'failed'));

-- Same columns as before (a view's columns cannot be renamed in place); `idle_sessions`
-- now counts `timed_out`, the state `idle` became.
CREATE OR REPLACE VIEW veroscore.v_system_health WITH (security_invoker = on) AS
SELECT count(*) FILTER (WHERE status = 'active') AS active_sessions,
       count(*) FILTER (WHERE status = 'timed_out') AS idle_sessions,
       count(*) FILTER (WHERE status = 'failed') AS failed_sessions,
       avg(total_files) FILTER (WHERE status = 'completed') AS avg_files_per_session,
       max(last_activity) AS most_recent_activity
FROM veroscore.sessions;

-- Move a session to a new status, with an audit row for the transition. The row lock is
-- FOR NO KEY UPDATE (the key does not change), so foreign-key checks of concurrent score
-- inserts (FOR KEY SHARE) do not conflict with it.
CREATE OR REPLACE FUNCTION veroscore.set_session_status(p_session_id text, p_status text,
                                                        p_pr integer, p_trace text)
RETURNS void LANGUAGE plpgsql SECURITY INVOKER SET search_path = '' AS $$
DECLARE
    v_old text;
BEGIN
    SELECT status INTO v_old FROM veroscore.sessions WHERE session_id = p_session_id
       FOR NO KEY UPDATE;
    IF v_old IS NULL OR v_old = p_status THEN
        RETURN;
    END IF;
    UPDATE veroscore.sessions
       SET status = p_status, last_activity = now(),
           completed_at = CASE WHEN p_status IN ('completed', 'failed', 'timed_out')
                               THEN now() END
     WHERE session_id = p_session_id;
    PERFORM veroscore.audit('session', 'status_changed', p_session_id, p_pr, NULL,
                            jsonb_build_object('status', v_old),
                            jsonb_build_object('status', p_status), p_trace);
END;
$$;

-- Refuse a payload that is not a score: missing or oversized fields, numbers that are not
-- finite JSON numbers (a string "NaN" or "Infinity" would cast to numeric), arrays too long.
-- SQLSTATE 22023 (invalid_parameter_value): the client reports it as a rejected record.
CREATE OR REPLACE FUNCTION veroscore.validate_score_payload(payload jsonb)
RETURNS void LANGUAGE plpgsql SECURITY INVOKER SET search_path = '' AS $$
DECLARE
    v_field text;
    v_limit integer;
    v_array text;
BEGIN
    IF payload IS NULL OR jsonb_typeof(payload) <> 'object' THEN
        RAISE EXCEPTION 'record_pr_score: the payload must be a JSON object'
            USING ERRCODE = '22023';
    END IF;
    IF octet_length(payload::text) > 8 * 1024 * 1024 THEN
        RAISE EXCEPTION 'record_pr_score: the payload is larger than 8 MiB'
            USING ERRCODE = '22023';
    END IF;
    FOR v_field, v_limit IN VALUES ('repository', 512), ('head_sha', 128),
                                   ('config_hash', 128), ('engine_version', 64),
                                   ('decision', 32) LOOP
        IF jsonb_typeof(payload -> v_field) IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION 'record_pr_score: % must be a string', v_field
                USING ERRCODE = '22023';
        END IF;
        IF length(payload ->> v_field) > v_limit THEN
            RAISE EXCEPTION 'record_pr_score: % is longer than % characters', v_field, v_limit
                USING ERRCODE = '22023';
        END IF;
    END LOOP;
    IF payload ->> 'repository' = '' OR payload ->> 'config_hash' = ''
       OR payload ->> 'engine_version' = '' THEN
        RAISE EXCEPTION 'record_pr_score: repository, config_hash and engine_version must '
                        'not be empty' USING ERRCODE = '22023';
    END IF;
    IF payload ->> 'decision' NOT IN ('auto_approve', 'review_required', 'auto_block') THEN
        RAISE EXCEPTION 'record_pr_score: unknown decision %', payload ->> 'decision'
            USING ERRCODE = '22023';
    END IF;
    FOR v_field, v_limit IN VALUES ('trace_id', 128), ('session_id', 128), ('author', 256),
                                   ('head_ref', 512), ('base_sha', 128), ('change_hash', 128),
                                   ('decision_reason', 4096) LOOP
        IF payload ? v_field AND jsonb_typeof(payload -> v_field) <> 'null' AND
           (jsonb_typeof(payload -> v_field) <> 'string'
            OR length(payload ->> v_field) > v_limit) THEN
            RAISE EXCEPTION 'record_pr_score: % must be a string of at most % characters',
                v_field, v_limit USING ERRCODE = '22023';
        END IF;
    END LOOP;
    IF jsonb_typeof(payload -> 'raw_score') IS DISTINCT FROM 'number'
       OR jsonb_typeof(payload -> 'stabilized_score') IS DISTINCT FROM 'number' THEN
        RAISE EXCEPTION 'record_pr_score: raw_score and stabilized_score must be finite numbers'
            USING ERRCODE = '22023';
    END IF;
    IF abs((payload ->> 'raw_score')::numeric) > 1000000
       OR (payload ->> 'stabilized_score')::numeric NOT BETWEEN 0 AND 10 THEN
        RAISE EXCEPTION 'record_pr_score: score out of range (raw %, stabilized %)',
            payload ->> 'raw_score', payload ->> 'stabilized_score' USING ERRCODE = '22023';
    END IF;
    IF jsonb_typeof(payload -> 'pr_number') NOT IN ('null', 'number')
       OR (payload ->> 'pr_number')::numeric NOT BETWEEN 1 AND 2147483647
       OR (payload ->> 'pr_number')::numeric <> trunc((payload ->> 'pr_number')::numeric) THEN
        RAISE EXCEPTION 'record_pr_score: pr_number must be a positive integer or null'
            USING ERRCODE = '22023';
    END IF;
    IF jsonb_typeof(payload -> 'scan_duration_ms') NOT IN ('null', 'number')
       OR (payload ->> 'scan_duration_ms')::numeric NOT BETWEEN 0 AND 2147483647 THEN
        RAISE EXCEPTION 'record_pr_score: scan_duration_ms must be a non-negative number'
            USING ERRCODE = '22023';
    END IF;
    FOREACH v_array IN ARRAY ARRAY['categories', 'findings', 'warnings', 'suppressed'] LOOP
        IF jsonb_typeof(payload -> v_array) NOT IN ('null', 'array') THEN
            RAISE EXCEPTION 'record_pr_score: % must be an array', v_array
                USING ERRCODE = '22023';
        END IF;
        IF jsonb_array_length(coalesce(payload -> v_array, '[]')) > 20000 THEN
            RAISE EXCEPTION 'record_pr_score: more than 20000 %', v_array
                USING ERRCODE = '22023';
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(payload -> 'categories', '[]')) c
                WHERE jsonb_typeof(c) <> 'object'
                   OR jsonb_typeof(c -> 'raw') IS DISTINCT FROM 'number'
                   OR abs((c ->> 'raw')::numeric) > 1000000) THEN
        RAISE EXCEPTION 'record_pr_score: every category needs a finite raw number'
            USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(payload -> 'findings', '[]')
                                                  || coalesce(payload -> 'warnings', '[]')
                                                  || coalesce(payload -> 'suppressed', '[]')) f
                WHERE jsonb_typeof(f) <> 'object'
                   OR f ->> 'severity' NOT IN ('critical', 'high', 'medium', 'low', 'info')
                   OR jsonb_typeof(f -> 'line') NOT IN ('null', 'number')
                   OR abs(coalesce((f ->> 'line')::numeric, 0)) > 2147483647
                   OR jsonb_typeof(f -> 'penalty') NOT IN ('null', 'number')
                   OR abs(coalesce((f ->> 'penalty')::numeric, 0)) > 1000000) THEN
        RAISE EXCEPTION 'record_pr_score: every finding needs a known severity and finite '
                        'numbers' USING ERRCODE = '22023';
    END IF;
END;
$$;

-- Record one score with its findings, audit row and session link, in one transaction.
-- Idempotent on (repository, pr_number, head_sha, config_hash, engine_version[, change_hash]):
-- change_hash identifies the change when there is no commit (patch files, stdin), and is
-- left out of the key when absent, so keys of earlier records are unchanged.
-- Lock order: the session row first (FOR NO KEY UPDATE), then the score's unique key. Every
-- writer of one session queues on that one row, so PRs of one session recorded at once
-- never deadlock; `timeout_idle_sessions` skips rows that are locked.
CREATE OR REPLACE FUNCTION veroscore.record_pr_score(payload jsonb)
RETURNS jsonb LANGUAGE plpgsql SECURITY INVOKER SET search_path = '' AS $$
DECLARE
    v_key text;
    v_id uuid;
    v_pr integer;
    v_session text;
    v_trace text;
    v_categories jsonb;
    v_old_status text;
    v_new_status text;
BEGIN
    PERFORM veroscore.validate_score_payload(payload);
    v_pr := (payload ->> 'pr_number')::integer;
    v_session := nullif(payload ->> 'session_id', '');
    v_trace := coalesce(payload ->> 'trace_id', '');
    v_categories := coalesce(payload -> 'categories', '[]'::jsonb);
    v_key := encode(sha256(convert_to(concat_ws(chr(31), payload ->> 'repository',
                                                coalesce(payload ->> 'pr_number', ''),
                                                payload ->> 'head_sha', payload ->> 'config_hash',
                                                payload ->> 'engine_version',
                                                nullif(payload ->> 'change_hash', '')),
                                      'UTF8')), 'hex');
    IF v_session IS NOT NULL THEN
        INSERT INTO veroscore.sessions (session_id, author, branch_name, status)
        VALUES (v_session, coalesce(payload ->> 'author', ''), payload ->> 'head_ref',
                'processing')
        ON CONFLICT (session_id) DO NOTHING;
        SELECT status INTO v_old_status FROM veroscore.sessions
         WHERE session_id = v_session FOR NO KEY UPDATE;
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
    SELECT v_id, coalesce(f ->> 'detector', ''), payload ->> 'engine_version',
           coalesce(f ->> 'rule_id', ''), coalesce(f ->> 'violation_type', ''),
           f ->> 'severity', coalesce(f ->> 'message', ''), f ->> 'path',
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
        -- A scored PR waits on people, whatever the decision (a blocked PR waits for its
        -- author's fixes); a completed or failed session stays where it is.
        v_new_status := CASE WHEN v_old_status IN ('completed', 'failed') THEN v_old_status
                             ELSE 'awaiting_review' END;
        UPDATE veroscore.sessions
           SET prs = CASE WHEN v_pr IS NULL OR prs @> to_jsonb(v_pr) THEN prs
                          ELSE prs || to_jsonb(v_pr) END,
               total_files = total_files
                             + coalesce((payload -> 'stats' ->> 'files_changed')::integer, 0),
               total_lines_added = total_lines_added
                             + coalesce((payload -> 'stats' ->> 'lines_added')::integer, 0),
               total_lines_removed = total_lines_removed
                             + coalesce((payload -> 'stats' ->> 'lines_removed')::integer, 0),
               last_activity = now(),
               status = v_new_status,
               completed_at = CASE WHEN v_new_status = 'awaiting_review' THEN NULL
                                   ELSE completed_at END,
               metadata = metadata || jsonb_build_object('last_decision',
                                                         payload ->> 'decision')
         WHERE session_id = v_session;
        IF v_old_status IS DISTINCT FROM v_new_status THEN
            PERFORM veroscore.audit('session', 'status_changed', v_session, v_pr, v_id,
                                    jsonb_build_object('status', v_old_status),
                                    jsonb_build_object('status', v_new_status), v_trace);
        END IF;
    END IF;
    RETURN jsonb_build_object('inserted', true, 'pr_score_id', v_id);
END;
$$;

-- `veroscore sessions timeout`: what it moves and why.
--   * active sessions idle past the limit with no PR -> timed_out (the agent stopped
--     collecting and delivered nothing; nothing waits on them);
--   * active sessions idle past the limit that already have PRs -> awaiting_review (their
--     PRs are out and wait on people; the session is not lost work);
--   * processing is left alone: a batch that stays in processing is a real stall, which
--     `veroscore health` reports instead of hiding;
--   * awaiting_review, completed, timed_out and failed are never moved (waiting for review
--     is normal however long it takes).
-- Rows locked by a writer right now are skipped (SKIP LOCKED): a session being recorded is
-- not idle, and the time-out never waits on, or deadlocks with, a score being recorded.
CREATE OR REPLACE FUNCTION veroscore.timeout_idle_sessions(p_idle_minutes integer DEFAULT 30)
RETURNS integer LANGUAGE plpgsql SECURITY INVOKER SET search_path = '' AS $$
DECLARE
    v_row record;
    v_count integer := 0;
BEGIN
    IF p_idle_minutes IS NULL OR p_idle_minutes < 1 THEN
        RAISE EXCEPTION 'timeout_idle_sessions: the limit must be at least one minute'
            USING ERRCODE = '22023';
    END IF;
    FOR v_row IN
        WITH idle AS (
            SELECT session_id, jsonb_array_length(prs) AS pr_count FROM veroscore.sessions
             WHERE status = 'active'
               AND last_activity < now() - make_interval(mins => p_idle_minutes)
             ORDER BY session_id
               FOR NO KEY UPDATE SKIP LOCKED)
        UPDATE veroscore.sessions s
           SET status = CASE WHEN idle.pr_count = 0 THEN 'timed_out' ELSE 'awaiting_review' END,
               completed_at = CASE WHEN idle.pr_count = 0 THEN now() END,
               metadata = s.metadata || jsonb_build_object('timeout_reason', 'inactivity')
          FROM idle
         WHERE s.session_id = idle.session_id
        RETURNING s.session_id, s.status
    LOOP
        PERFORM veroscore.audit('session', 'timed_out', v_row.session_id, NULL, NULL,
                                '{"status": "active"}', jsonb_build_object('status', v_row.status),
                                '');
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END;
$$;

-- One JSON document for `veroscore health` and dashboards. Only `processing` can stall:
-- `stuck_sessions` counts sessions in it longer than the limit.
CREATE OR REPLACE FUNCTION veroscore.health_snapshot(p_stuck_minutes integer DEFAULT 60)
RETURNS jsonb LANGUAGE sql SECURITY INVOKER SET search_path = '' AS $$
    SELECT jsonb_build_object(
        'schema_version', (SELECT max(version) FROM veroscore.schema_version),
        'active_sessions', (SELECT count(*) FROM veroscore.sessions WHERE status = 'active'),
        'processing_sessions', (SELECT count(*) FROM veroscore.sessions
                                 WHERE status = 'processing'),
        'awaiting_review_sessions', (SELECT count(*) FROM veroscore.sessions
                                      WHERE status = 'awaiting_review'),
        'timed_out_sessions', (SELECT count(*) FROM veroscore.sessions
                                WHERE status = 'timed_out'),
        'failed_sessions', (SELECT count(*) FROM veroscore.sessions WHERE status = 'failed'),
        'stuck_sessions', (SELECT count(*) FROM veroscore.sessions
                            WHERE status = 'processing'
                              AND last_activity < now() - make_interval(mins => p_stuck_minutes)),
        'prs_in_open_sessions', (SELECT coalesce(sum(jsonb_array_length(prs)), 0)
                                   FROM veroscore.sessions
                                  WHERE status IN ('active', 'processing', 'awaiting_review')),
        'scores_24h', (SELECT count(*) FROM veroscore.pr_scores
                        WHERE created_at > now() - interval '24 hours'),
        'blocks_24h', (SELECT count(*) FROM veroscore.pr_scores
                        WHERE created_at > now() - interval '24 hours'
                          AND decision = 'auto_block'),
        'store_errors_24h', (SELECT coalesce(sum(metric_value), 0) FROM veroscore.system_metrics
                              WHERE metric_name = 'store_errors'
                                AND "timestamp" > now() - interval '24 hours'));
$$;

-- Privileges. Functions are executable by PUBLIC by default: revoke that for every function
-- the migrating role creates from now on (only a global default can take PUBLIC's EXECUTE
-- away; per-schema defaults can only add), and grant service_role EXECUTE on future
-- functions of this schema. The functions of this file are named one by one, so running it
-- again leaves the privileges of every other object as they are.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION veroscore.set_session_status(text, text, integer, text),
                           veroscore.validate_score_payload(jsonb),
                           veroscore.record_pr_score(jsonb),
                           veroscore.timeout_idle_sessions(integer),
                           veroscore.health_snapshot(integer) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
        EXECUTE 'REVOKE ALL ON veroscore.v_system_health FROM anon';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
        EXECUTE 'REVOKE ALL ON veroscore.v_system_health FROM authenticated';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA veroscore '
                'GRANT EXECUTE ON FUNCTIONS TO service_role';
        EXECUTE 'GRANT EXECUTE ON FUNCTION '
                'veroscore.set_session_status(text, text, integer, text), '
                'veroscore.validate_score_payload(jsonb), veroscore.record_pr_score(jsonb), '
                'veroscore.timeout_idle_sessions(integer), veroscore.health_snapshot(integer) '
                'TO service_role';
    END IF;
END
$$;

INSERT INTO veroscore.schema_version (version, name)
VALUES (20261203000100, 'store_reliability') ON CONFLICT (version) DO NOTHING;
