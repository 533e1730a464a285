"""hardcoded_secret without noise: references, placeholders and names are not secrets;
unquoted config values, short config passwords and SQL PASSWORD clauses are."""

from __future__ import annotations

import pytest

from tests.helpers import changeset_of, make_jwt
from veroscore.config import Config
from veroscore.detect.engine import detect


def secret_rules(files: dict[str, str]) -> set[tuple[str, int | None, str, str]]:
    result = detect(changeset_of(files), Config(), use_semgrep=False)
    return {(f.path, f.line, f.rule_id, f.severity) for f in result.findings
            if f.violation_type == "hardcoded_secret"}


RANDOM = "Zq8vN2kLm4pR7tX1yB3cD5f"  # random-looking, not a provider format


@pytest.mark.parametrize(("path", "line"), [
    ("supabase/config.toml", 'secret = "env(SUPABASE_AUTH_EXTERNAL_GITHUB_SECRET)"'),
    ("supabase/config.toml", 'auth_token = "env(TWILIO_AUTH_TOKEN)"'),
    (".github/workflows/ci.yml",
     "      SUPABASE_SERVICE_ROLE_KEY: ${{ secrets.SUPABASE_SERVICE_ROLE_KEY }}"),
    (".github/workflows/ci.yml", "      DB_PASSWORD: ${DB_PASSWORD}"),
    ("deploy/values.yaml", "  password: $POSTGRES_PASSWORD"),
    ("docker-compose.yml", "      POSTGRES_PASSWORD: changeme"),
    ("config/app.yml", "  api_key: <your-api-key>"),
    ("config/app.yml", "  token: xxxxxxxxxxxxxxxx"),
    ("config/app.yml", "  secret_name: SUPABASE_SERVICE_ROLE_KEY"),
    ("config/app.yml", "  password_min_length: 12"),
    ("config/app.yml", "  password: your_password_here"),
    (".env", "SUPABASE_SERVICE_ROLE_KEY="),
    (".env", "SUPABASE_SERVICE_ROLE_KEY=${SUPABASE_KEY}"),
    (".env.example", "DATABASE_PASSWORD=s3cr3tPw"),
    ("config/app.sample.yml", "  password: hunter22"),
    ("docs/setup.md", "password: hunter22"),
    ("src/types/database.ts", 'export type Role = "anon" | "service_role";'),
    ("src/types/database.ts", 'const serviceRoleKeyEnv = "SUPABASE_SERVICE_ROLE_KEY";'),
    ("src/lib/admin.ts", 'const token = "rotate_service_role_token";'),
    ("src/lib/admin.ts", "const token = process.env.SUPABASE_SERVICE_ROLE_KEY;"),
    ("src/settings.py", 'DATABASES = {"default": {"PASSWORD": "%(DB_PASSWORD)s"}}'),
    ("src/settings.py", 'api_key = "your_api_key_here"'),
    ("src/settings.py", 'password_hash = "$2b$12$KIXQJQ1h3mE6aLZr0m9vUe"'),
    ("supabase/migrations/1_roles.sql", "ALTER USER app WITH PASSWORD 'changeme';"),
    ("supabase/migrations/1_roles.sql", "ALTER ROLE app WITH PASSWORD :'app_password';"),
    ("supabase/migrations/1_roles.sql",
     "CREATE ROLE app PASSWORD 'md5" + "0123456789abcdef" * 2 + "';"),
])
def test_references_placeholders_and_names_are_not_secrets(path: str, line: str) -> None:
    assert secret_rules({path: line + "\n"}) == set()


@pytest.mark.parametrize(("path", "line", "rule"), [
    (".env", "DATABASE_PASSWORD=s3cr3tPw", "secret-config-password"),
    (".env", f"STRIPE_SECRET_KEY={RANDOM}", "secret-generic-credential"),
    (".env", f"export API_TOKEN={RANDOM}", "secret-generic-credential"),
    (".env.local", "DB_PASS=tiger123", "secret-config-password"),
    ("config/app.yml", "  password: hunter22", "secret-config-password"),
    ("config/app.yml", f"  api_key: {RANDOM}", "secret-generic-credential"),
    ("config/app.yml", '  password: "pw4u"', "secret-config-password"),
    ("pyproject.toml", f'token = "{RANDOM}"', "secret-generic-credential"),
    ("app.properties", "spring.datasource.password=tiger123", "secret-config-password"),
    ("settings.ini", "db_password = tiger123  # local", "secret-config-password"),
    ("supabase/migrations/1_roles.sql", "CREATE ROLE reporting LOGIN PASSWORD 'Rep0rting!';",
     "secret-sql-password"),
    ("supabase/migrations/1_roles.sql", "ALTER USER app WITH ENCRYPTED PASSWORD 'x9Tq2w';",
     "secret-sql-password"),
    ("src/settings.py", f'shared_secret = "{RANDOM}"', "secret-generic-credential"),
])
def test_config_values_sql_passwords_and_literals_are_high(path: str, line: str,
                                                            rule: str) -> None:
    assert secret_rules({path: line + "\n"}) == {(path, 1, rule, "high")}


def test_provider_tokens_stay_critical_in_config_files_and_examples() -> None:
    key = "sb_secret_" + "N7x2kQpL9vR4tY8wZ1mB5cD3fG6hJ0"
    jwt = make_jwt("service_role")
    found = secret_rules({".env.example": f"SUPABASE_SECRET_KEY={key}\n",
                          "config/app.yml": f"  service_role_key: {jwt}\n"})
    assert found == {(".env.example", 1, "secret-supabase-secret-key", "critical"),
                     ("config/app.yml", 1, "secret-supabase-service-role-jwt", "critical")}


def test_a_long_credential_like_word_is_read_once() -> None:
    """The name is matched whole: 100k characters of `token` finish and find nothing."""
    line = "token" * 20_000 + " = nothing\n"
    assert secret_rules({"src/a.py": line, "config/a.yml": line}) == set()
