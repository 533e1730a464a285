-- expect: hardcoded_secret
CREATE ROLE reporting LOGIN PASSWORD 'Rep0rting!2026';
-- ok: hardcoded_secret (a psql variable; PostgreSQL's parser cannot read it) expect: unanalysed_sql
ALTER ROLE app WITH PASSWORD :'app_password';
-- ok: hardcoded_secret
ALTER USER app WITH ENCRYPTED PASSWORD 'changeme';
