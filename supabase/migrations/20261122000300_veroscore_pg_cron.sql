-- Optional pg_cron schedules (migration 20261122000300). The scheduled GitHub workflow is
-- the default driver of maintenance; these run only where the pg_cron extension is
-- already installed, and do nothing elsewhere.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        EXECUTE $cron$SELECT cron.schedule('veroscore-timeout-sessions', '*/15 * * * *',
                                          'SELECT veroscore.timeout_idle_sessions(30)')$cron$;
        EXECUTE $cron$SELECT cron.schedule('veroscore-cleanup-idempotency', '0 */6 * * *',
                                          'SELECT veroscore.cleanup_expired_idempotency()')$cron$;
        EXECUTE $cron$SELECT cron.schedule('veroscore-archive-metrics', '0 2 * * *',
                                          'SELECT veroscore.archive_old_metrics(30)')$cron$;
    END IF;
END
$$;

INSERT INTO veroscore.schema_version (version, name)
VALUES (20261122000300, 'veroscore_pg_cron') ON CONFLICT (version) DO NOTHING;
