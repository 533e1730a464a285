-- The Auto-PR session agent (issue 14) writes the session states fixed for v3:
--   active, processing, awaiting_review, completed, timed_out, failed.
-- This file only makes sure every CHECK on sessions.status accepts them; it composes
-- with 20261203000100 (which owns the state change): when that migration already set
-- the constraint, nothing here changes. Otherwise the constraint it adds also accepts
-- the legacy `idle`, because `timeout_idle_sessions` of this schema still writes it
-- (20261203000100 changes that function); rows already `idle` become `timed_out`, the
-- same meaning.
DO $$
DECLARE
    v_con record;
    v_ok boolean := true;
BEGIN
    FOR v_con IN
        SELECT c.conname, pg_get_constraintdef(c.oid) AS def
          FROM pg_constraint c
         WHERE c.conrelid = 'veroscore.sessions'::regclass AND c.contype = 'c'
           AND pg_get_constraintdef(c.oid) ILIKE '%status%'
    LOOP
        IF v_con.def NOT ILIKE '%awaiting_review%' OR v_con.def NOT ILIKE '%timed_out%' THEN
            EXECUTE format('ALTER TABLE veroscore.sessions DROP CONSTRAINT %I', v_con.conname);
            v_ok := false;
        END IF;
    END LOOP;
    IF NOT v_ok OR NOT EXISTS (
        SELECT 1 FROM pg_constraint c
         WHERE c.conrelid = 'veroscore.sessions'::regclass AND c.contype = 'c'
           AND pg_get_constraintdef(c.oid) ILIKE '%awaiting_review%') THEN
        UPDATE veroscore.sessions SET status = 'timed_out' WHERE status = 'idle';
        ALTER TABLE veroscore.sessions ADD CONSTRAINT sessions_status_check
            CHECK (status IN ('active', 'processing', 'awaiting_review', 'completed',
                              'timed_out', 'failed', 'idle'));
    END IF;
END
$$;

INSERT INTO veroscore.schema_version (version, name)
VALUES (20261203000200, 'session_agent_states') ON CONFLICT (version) DO NOTHING;
