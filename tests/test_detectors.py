"""Each Python detector: a true positive and the hard negatives next to it."""

from __future__ import annotations

import pytest

from tests.helpers import changeset_of, make_jwt
from veroscore.config import ArchitectureRule, Config
from veroscore.detect.engine import detect
from veroscore.detect.finding import Finding


def findings(files: dict[str, str], config: Config | None = None,
             added: dict[str, set[int]] | None = None) -> list[Finding]:
    return list(detect(changeset_of(files, added=added), config or Config(),
                       use_semgrep=False).findings)


def rules(files: dict[str, str], config: Config | None = None) -> set[tuple[str, int | None]]:
    return {(f.rule_id, f.line) for f in findings(files, config)
            if f.violation_type != "missing_tests"}


# --- hardcoded_secret ---------------------------------------------------------------

def test_service_role_jwt_is_critical_and_redacted() -> None:
    token = make_jwt("service_role")
    found = findings({"web/src/lib/supabase.ts": f'export const key = "{token}";\n'})
    secret = [f for f in found if f.violation_type == "hardcoded_secret"]
    assert [(f.rule_id, f.severity, f.line) for f in secret] == [
        ("secret-supabase-service-role-jwt", "critical", 1)]
    assert token not in secret[0].snippet and "[REDACTED]" in secret[0].snippet


def test_anon_jwt_and_publishable_key_are_not_findings() -> None:
    anon = make_jwt("anon")
    source = (f'const anonKey = "{anon}";\n'
              'const publishable = "sb_publishable_q1w2e3r4t5y6u7i8o9p0a1s2d3";\n')
    assert rules({"web/src/client.ts": source}) == set()


@pytest.mark.parametrize(("line", "rule"), [
    ('key = "sb_secret_N7x2kQpL9vR4tY8wZ1mB5cD3fG6hJ0"', "secret-supabase-secret-key"),
    ('AWS_KEY = "AKIAQ3EGRLWZ5T7NV6PC"', "secret-aws-access-key-id"),
    ('token = "ghp_' + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5" + '"', "secret-github-token"),
    ('STRIPE = "sk_live_' + "51HqLyjWDarjtT1zdp7dc9Xk2m" + '"', "secret-stripe-live-key"),
    ('url = "postgresql://app:Xk29vLq8rT@db.internal:5432/app"', "secret-database-url-password"),
    ('client_secret = "9fQ2xL7vK3pR8mW1zT6yB4nH"', "secret-generic-credential"),
    ('KEY = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA7b3v9Xq2m8Lw0pR4tY6uI1oP3aS5dF7gH9"',
     "secret-private-key"),
])
def test_provider_tokens(line: str, rule: str) -> None:
    assert rules({"src/settings.py": line + "\n"}) == {(rule, 1)}


@pytest.mark.parametrize("line", [
    'AWS_KEY = "AKIAIOSFODNN7EXAMPLE"',
    'url = "postgresql://app:${DB_PASSWORD}@db:5432/app"',
    'password = os.environ["DB_PASSWORD"]',
    'api_key = "your-api-key-here"',
    'password_hash = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"',
    'token_url = "https://example.com/oauth/token/refresh/abc"',
    'password = "password"',
    'HEADER = "-----BEGIN RSA PRIVATE KEY-----"',
])
def test_placeholders_env_lookups_and_hashes_are_not_secrets(line: str) -> None:
    assert rules({"src/settings.py": line + "\n"}) == set()


# --- hardcoded_tenant_id ------------------------------------------------------------

def test_tenant_uuid_bound_in_app_code() -> None:
    uuid = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"
    source = f'TENANT_ID = "{uuid}"\nrows = supabase.table("x").eq("org_id", "{uuid}")\n'
    assert rules({"src/jobs.py": source}) == {("hardcoded-tenant-id", 1),
                                              ("hardcoded-tenant-id", 2)}


def test_tenant_uuid_in_tests_or_unbound_is_fine() -> None:
    uuid = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"
    assert rules({"tests/test_jobs.py": f'TENANT_ID = "{uuid}"\n'}) == set()
    assert rules({"src/ids.py": f'REQUEST_NAMESPACE = "{uuid}"\n'}) == set()


# --- hardcoded_date -----------------------------------------------------------------

def test_dates_driving_logic() -> None:
    source = ('if today > "2025-03-31":\n    expire()\n'
              "launch_date = date(2025, 6, 1)\n"
              'const deadline = new Date("2025-12-31");\n')
    assert rules({"src/promo.py": source}) == {("date-literal-comparison", 1),
                                               ("date-constructor-literal", 3),
                                               ("date-literal-deadline", 4)}


def test_the_unix_epoch_is_a_sentinel_not_a_deadline() -> None:
    source = ("pages = fetch(\n    last_sync_time=datetime(1970, 1, 1, 0, 0, 0),\n)\n"
              'if updated < "1970-01-01":\n    reset()\n'
              'const cutoff = new Date("1970-01-01T00:00:00Z");\n'
              'if since > "1971-01-01":\n    sync()\n')
    assert rules({"src/sync.py": source}) == {("date-literal-comparison", 7)}


def test_dates_in_comments_docs_and_tests_are_fine() -> None:
    assert rules({"src/promo.py": "# shipped 2025-03-31\nVERSION_DATE_FORMAT = '%Y-%m-%d'\n",
                  "CHANGELOG.md": "## 2025-03-31\n",
                  "tests/test_promo.py": 'assert d > "2025-03-31"\n'}) == set()


# --- rls_violation: SQL --------------------------------------------------------------

def test_table_without_rls_in_public_schema() -> None:
    sql = "create table public.invoices (id uuid primary key, tenant_id uuid);\n"
    assert rules({"supabase/migrations/1_inv.sql": sql}) == {
        ("supabase-rls-disabled-in-public", 1)}


def test_table_with_rls_in_same_change_set_is_fine() -> None:
    files = {"supabase/migrations/1_inv.sql": "create table invoices (id uuid);\n",
             "supabase/migrations/2_rls.sql":
                 "alter table public.invoices enable row level security;\n"
                 "create policy own on invoices for select using (auth.uid() = owner);\n"}
    assert rules(files) == set()


def test_private_schema_table_is_fine() -> None:
    assert rules({"m.sql": "create table internal.jobs (id int);\n"}) == set()


def test_splinter_lints() -> None:
    sql = """alter table public.a disable row level security;
create policy p on public.b for insert with check (true);
create policy q on public.b for select using ((auth.jwt() -> 'user_metadata' ->> 'role') = 'x');
create view public.v as select id from public.b;
create view public.u as select email from auth.users;
create function public.f() returns void language sql security definer as $$ select 1 $$;
grant execute on function public.g() to anon;
"""
    assert rules({"supabase/migrations/3.sql": sql}) == {
        ("supabase-rls-disabled-in-public", 1), ("supabase-rls-policy-always-true", 2),
        ("supabase-rls-references-user-metadata", 3), ("supabase-security-definer-view", 4),
        ("supabase-auth-users-exposed", 5), ("supabase-function-search-path-mutable", 6),
        ("supabase-anon-security-definer-function-executable", 6)}


def test_safe_definitions_pass() -> None:
    sql = """create policy r on public.b for select using (true);
create view public.v with (security_invoker = on) as select id from public.b;
create function public.f() returns void language sql security definer set search_path = ''
as $$ select 1 $$;
revoke execute on function public.f() from anon, authenticated;
-- alter table public.a disable row level security;
"""
    assert rules({"supabase/migrations/4.sql": sql}) == set()


# --- rls_violation: application code -------------------------------------------------

def test_service_role_key_in_client_component() -> None:
    source = ("'use client';\nimport { createClient } from '@supabase/supabase-js';\n"
              "const db = createClient(url, process.env.SUPABASE_SERVICE_ROLE_KEY!);\n")
    assert rules({"app/dashboard/page.tsx": source}) == {
        ("supabase-service-role-in-client", 3)}


def test_names_that_merely_contain_service_role_are_not_keys_in_client_code() -> None:
    types = ("export type Database = { public: { Functions: {\n"
             "  get_service_role_config: { Args: Record<PropertyKey, never>; Returns: Json };\n"
             "} } };\n")
    page = ("'use client';\nconst roles = ['anon', 'authenticated', 'service_role'];\n"
            "const { data } = await supabase.rpc('get_service_role_config');\n")
    assert rules({"src/types/supabase-types.ts": types, "app/admin/page.tsx": page}) == set()
    keyed = ("'use client';\nconst key = import.meta.env.VITE_SUPABASE_SERVICE_ROLE;\n"
             "const other = serviceRoleKey;\n")
    assert rules({"src/App.tsx": keyed}) == {("supabase-service-role-in-client", 2),
                                            ("supabase-service-role-in-client", 3)}


def test_public_env_var_for_service_role_anywhere() -> None:
    source = "const k = process.env.NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY;\n"
    assert rules({"server/db.ts": source}) == {("supabase-service-role-in-client", 1)}


def test_service_role_on_server_needs_tenant_filter() -> None:
    source = ("const admin = createClient(url, process.env.SUPABASE_SERVICE_ROLE_KEY);\n"
              "const a = await admin.from('invoices').select('*');\n"
              "const b = await admin.from('invoices').select('*').eq('tenant_id', tid);\n")
    assert rules({"app/api/invoices/route.ts": source}) == {
        ("supabase-service-role-query-without-tenant-filter", 2)}


# --- architecture_drift --------------------------------------------------------------

ARCH = Config(layers={"ui": ("src/components/**",), "db": ("src/db/**",),
                      "domain": ("app/domain/**",), "infra": ("app/infra/**",)},
              forbidden_imports=(ArchitectureRule("ui", "db"),
                                 ArchitectureRule("domain", "infra")),
              aliases={"@/": "src/"})


def test_forbidden_imports_through_alias_relative_and_python() -> None:
    files = {
        "src/components/List.tsx": "import { q } from '@/db/client';\n"
                                   "import { r } from '../db/rows';\nimport x from 'react';\n",
        "app/domain/orders.py": "from app.infra.postgres import pool\nimport json\n",
    }
    assert rules(files, ARCH) == {("architecture-forbidden-import", 1),
                                  ("architecture-forbidden-import", 2)}
    assert len([f for f in findings(files, ARCH)
                if f.violation_type == "architecture_drift"]) == 3


def test_no_layers_no_findings() -> None:
    assert rules({"src/components/List.tsx": "import { q } from '@/db/client';\n"}) == set()


# --- missing_tests -------------------------------------------------------------------

def test_source_without_any_test_change() -> None:
    found = findings({"src/app.py": "x = 1\n", "README.md": "docs\n"})
    assert [(f.rule_id, f.path, f.line) for f in found] == [("missing-tests", "src/app.py", None)]


def test_source_with_a_test_change() -> None:
    assert findings({"src/app.py": "x = 1\n", "tests/test_app.py": "assert True\n"}) == []


# --- diff awareness and suppression ---------------------------------------------------

def test_only_added_lines_count() -> None:
    uuid = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"
    files = {"src/a.py": f'TENANT_ID = "{uuid}"\nORG_ID = "{uuid}"\n',
             "tests/test_a.py": "assert True\n"}
    result = detect(changeset_of(files, added={"src/a.py": {2}}), Config(), use_semgrep=False)
    assert [(f.rule_id, f.line) for f in result.findings] == [("hardcoded-tenant-id", 2)]


def test_suppression_is_reported_not_dropped() -> None:
    uuid = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"
    source = (f"# veroscore: ignore[hardcoded-tenant-id] demo tenant for the sandbox\n"
              f'TENANT_ID = "{uuid}"\n'
              "create_table = 'create table public.t (id int);'  -- RLS-exempt: seed data\n")
    found = findings({"src/a.py": source, "tests/test_a.py": "assert True\n"},
                     added={"src/a.py": {2, 3}})
    assert [(f.rule_id, f.suppressed, f.suppression_reason) for f in found] == [
        ("hardcoded-tenant-id", True, "demo tenant for the sandbox")]


def test_config_excludes_and_disabled_rules() -> None:
    uuid = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"
    files = {"vendor/x.py": f'TENANT_ID = "{uuid}"\n', "src/y.py": 'if d > "2025-01-01": pass\n',
             "tests/test_y.py": "assert True\n"}
    config = Config(exclude=("vendor/**",), disabled_rules=("date-literal-comparison",))
    assert findings(files, config) == []


def test_rls_exempt_marker_suppresses_rls_findings() -> None:
    sql = "-- RLS-exempt: read-only lookup table\ncreate table public.countries (code text);\n"
    found = findings({"supabase/migrations/5.sql": sql}, added={"supabase/migrations/5.sql": {2}})
    assert [(f.rule_id, f.suppressed, f.suppression_reason) for f in found] == [
        ("supabase-rls-disabled-in-public", True, "read-only lookup table")]
