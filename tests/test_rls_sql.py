"""RLS lints on migrations parsed by PostgreSQL's parser (issue 12): what PostgreSQL reads,
at splinter's levels, with the owned-table exception for always-true write policies."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import GitRepo, changeset_of
from veroscore.config import Config
from veroscore.detect.detectors.sql_parse import parse_migration
from veroscore.detect.engine import detect
from veroscore.detect.finding import Finding
from veroscore.diff.git import GitRange, read_git_range
from veroscore.pipeline import PipelineStatus
from veroscore.score.engine import score_change

MIGRATION = "supabase/migrations/20260101000000_x.sql"


def sql_findings(sql: str | dict[str, str], config: Config | None = None) -> list[Finding]:
    files = sql if isinstance(sql, dict) else {MIGRATION: sql}
    result = detect(changeset_of(files), config or Config(), use_semgrep=False,
                    change_level=False)
    return [f for f in result.findings if f.detector == "rls_sql"]


def lints(sql: str | dict[str, str]) -> set[tuple[str, int | None, str]]:
    return {(f.rule_id.removeprefix("supabase-"), f.line, f.severity) for f in sql_findings(sql)}


# --- parsing: what PostgreSQL reads, not what a regex sees --------------------------------

def test_quoted_identifiers_are_understood() -> None:
    sql = ('SET "search_path" TO \'public\';\n'
           'CREATE TABLE "public"."Invoices" ("id" bigint, "user_id" uuid);\n'
           'ALTER TABLE ONLY "public"."Invoices" ENABLE ROW LEVEL SECURITY;\n'
           'CREATE POLICY "own" ON "public"."Invoices" FOR SELECT TO "authenticated"\n'
           '  USING (("auth"."uid"() = "user_id"));\n')
    assert lints(sql) == set()


def test_quoted_table_without_rls_is_still_found() -> None:
    assert lints('CREATE TABLE "public"."Audit Log" ("id" bigint);\n') == {
        ("rls-disabled-in-public", 1, "critical")}


def test_sql_in_comments_strings_and_function_bodies_is_not_a_statement() -> None:
    sql = """/* create table public.a (id int); */
-- create table public.b (id int);
comment on column public.c.note is 'create table public.d (id int); disable row level security';
create function private.mk() returns void language plpgsql as $body$
begin
  execute 'create table public.e (id int)';
end
$body$;
"""
    assert lints(sql) == set()


def test_search_path_of_the_file_decides_the_schema_of_unqualified_names() -> None:
    assert lints("set search_path to private;\ncreate table jobs (id int);\n") == set()
    assert lints("set search_path to private, public;\nreset search_path;\n"
                 "create table public.jobs (id int);\n") == {
        ("rls-disabled-in-public", 3, "critical")}


PG_DUMP = """--
-- PostgreSQL database dump
--
\\restrict Qx7GZrk1
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
\\connect postgres
CREATE TABLE IF NOT EXISTS "public"."profiles" (
    "id" "uuid" NOT NULL,
    "username" "text"
);
ALTER TABLE "public"."profiles" OWNER TO "postgres";
COPY "public"."profiles" ("id", "username") FROM stdin;
0b8c1e9a-0000-4000-8000-000000000001	create table public.x (id int);
\\.
ALTER TABLE "public"."profiles" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Public profiles are viewable by everyone." ON "public"."profiles"
  FOR SELECT USING (true);
CREATE POLICY "Users can update own profile." ON "public"."profiles"
  FOR UPDATE USING (("auth"."uid"() = "id"));
CREATE OR REPLACE FUNCTION "public"."handle_new_user"() RETURNS "trigger"
    LANGUAGE "plpgsql" SECURITY DEFINER
    SET "search_path" TO ''
    AS $$
begin
  insert into public.profiles (id, username) values (new.id, new.raw_user_meta_data->>'username');
  return new;
end;
$$;
GRANT ALL ON FUNCTION "public"."handle_new_user"() TO "anon";
GRANT ALL ON FUNCTION "public"."handle_new_user"() TO "authenticated";
GRANT ALL ON TABLE "public"."profiles" TO "anon";
\\unrestrict Qx7GZrk1
"""


def test_pg_dump_output_parses_and_is_clean() -> None:
    parsed = parse_migration(PG_DUMP)
    assert parsed.errors == ()
    assert len(parsed.statements) == 12
    assert lints(PG_DUMP) == set()


def test_a_statement_that_does_not_parse_is_reported_and_the_rest_still_judged() -> None:
    sql = ("create table public.ok (id int);\nalter table public.ok enable row level security;\n"
           "create tabel public.typo (id int);\ncreate table public.open (id int);\n")
    found = sql_findings(sql)
    assert sorted((f.rule_id, f.line, f.severity, f.violation_type) for f in found) == [
        ("supabase-migration-not-parsed", 3, "high", "unanalysed_sql"),
        ("supabase-rls-disabled-in-public", 4, "critical", "rls_violation"),
        ("supabase-rls-enabled-no-policy", 2, "info", "rls_violation")]
    assert any('syntax error at or near "tabel"' in f.message for f in found)


def test_an_unterminated_string_is_one_finding_not_a_crash_and_never_a_block() -> None:
    sql = "create table public.t (id int);\nselect 'never closed;\nselect 1;\n"
    found = sql_findings(sql)
    assert [(f.rule_id, f.severity) for f in found] == [
        ("supabase-migration-not-parsed", "high")]
    changes = changeset_of({MIGRATION: sql})
    result = score_change(changes, detect(changes, Config(), use_semgrep=False), Config())
    assert result.decision != "auto_block"
    assert [f.penalty for f in result.findings if f.rule_id.endswith("not-parsed")] == [0.0]


def test_an_unreadable_statement_never_blocks_even_a_very_weak_change() -> None:
    """Real case (a schema.sql that begins with a stray diff hunk header, in a 4,000-line
    untested change): the note asks for a review; only violations can block."""
    from veroscore.score.decision import decide

    sql = "@ -1,145 +0,0 @@\ncreate table public.t (id int);\n"
    found = tuple(sql_findings(sql))
    assert [f.severity for f in found if f.rule_id.endswith("not-parsed")] == ["high"]
    weak = decide(0.01, found, PipelineStatus(present=False, complete=False, bonus=0.0,
                                              missing=()), Config().score)
    assert weak.value == "review_required"


def test_sql_of_other_databases_gets_an_info_note_only() -> None:
    mysql = "CREATE TABLE `post` (`id` int AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;\n"
    found = sql_findings({"db/schema.sql": mysql})
    assert [(f.rule_id, f.severity, f.violation_type) for f in found] == [
        ("sql-not-parsed", "info", "unanalysed_sql")]


def test_line_numbers_survive_non_ascii_text_and_comments() -> None:
    sql = "-- Größe: überall\n/* ünïcode */\n\ncreate table public.späße (id int);\n"
    assert lints(sql) == {("rls-disabled-in-public", 4, "critical")}


# --- which SQL is judged ----------------------------------------------------------------

FLASK_SCHEMA = ("DROP TABLE IF EXISTS post;\n"
                "CREATE TABLE post (id integer primary key, title text);\n")


def test_plain_postgres_schema_of_a_non_supabase_app_is_not_judged() -> None:
    assert lints({"flaskr/schema.sql": FLASK_SCHEMA}) == set()


def test_the_same_sql_in_a_supabase_folder_or_beside_supabase_sql_is_judged() -> None:
    assert lints({"supabase/migrations/1_post.sql": FLASK_SCHEMA}) == {
        ("rls-disabled-in-public", 2, "critical")}
    files = {"db/001_post.sql": FLASK_SCHEMA,
             "db/002_rls.sql": "alter table public.other enable row level security;\n"}
    assert ("rls-disabled-in-public", 2, "critical") in lints(files)


def test_schemas_the_api_does_not_expose_are_not_judged_unless_granted() -> None:
    assert lints("create table private.jobs (id int);\ncreate view extensions.v as "
                 "select 1;\n") == set()
    assert lints("grant usage on schema api to anon, authenticated;\n"
                 "create table api.jobs (id int);\n") == {
        ("rls-disabled-in-public", 2, "critical")}
    config = Config(exposed_schemas=("public", "api"))
    assert [f.line for f in sql_findings("create table api.jobs (id int);\n", config)] == [1]


def test_rls_enabled_in_a_later_file_of_the_change_protects_the_table() -> None:
    files = {"supabase/migrations/1_a.sql": "create table invoices (id uuid);\n",
             "supabase/migrations/2_b.sql": "alter table public.invoices enable row level "
                                            "security;\ncreate policy p on invoices for select "
                                            "to authenticated using (true);\n"}
    assert lints(files) == set()


def test_revoking_everything_from_the_api_roles_hides_a_table() -> None:
    sql = ("create table public.cache (k text);\n"
           "revoke all on table public.cache from anon, authenticated;\n")
    assert lints(sql) == set()


# --- always-true write policies: critical on owned tables, high on open ones ------------

TEAM_MEMBERS = ("create table public.team_members (team_id bigint, user_id uuid, role text);\n"
                "alter table public.team_members enable row level security;\n")
TEAMS = ("create table public.teams (id bigint generated always as identity, name text);\n"
         "alter table public.teams enable row level security;\n")


def test_anyone_joining_any_team_is_a_privilege_escalation() -> None:
    sql = TEAM_MEMBERS + ('create policy "join" on public.team_members for insert '
                          "to authenticated with check (true);\n")
    found = [f for f in sql_findings(sql) if f.rule_id == "supabase-rls-policy-always-true"]
    assert [(f.line, f.severity) for f in found] == [(3, "critical")]
    assert "team_id, user_id" in found[0].message


def test_anyone_creating_a_team_is_high_not_a_block() -> None:
    sql = TEAMS + ('create policy "create" on public.teams for insert to authenticated '
                   "with check (true);\n")
    assert lints(sql) == {("rls-policy-always-true", 3, "high")}
    result = score_change(changeset_of({MIGRATION: sql}),
                          detect(changeset_of({MIGRATION: sql}), Config(), use_semgrep=False),
                          Config())
    assert result.decision != "auto_block"


@pytest.mark.parametrize("policy", [
    "for update to authenticated using (auth.uid() = user_id) with check (true)",
    "for update using (true)",
    "for delete to anon using (true)",
    "for all to public using (true)",
    "using (1 = 1)",
    "for insert with check ('true'::boolean)",
])
def test_always_true_write_forms_on_an_owned_table(policy: str) -> None:
    sql = ("create table public.notes (id bigint, owner uuid references auth.users (id));\n"
           "alter table public.notes enable row level security;\n"
           f"create policy p on public.notes {policy};\n")
    assert lints(sql) == {("rls-policy-always-true", 3, "critical")}


@pytest.mark.parametrize("policy", [
    "for select using (true)",
    "for insert to authenticated",  # no WITH CHECK: PostgreSQL denies every insert
    "for insert to service_role with check (true)",
    "as restrictive for insert to authenticated with check (true)",
    "for insert to authenticated with check (auth.uid() = user_id)",
    "for update to authenticated using (auth.uid() = user_id)",
])
def test_policies_that_are_not_always_true_writes(policy: str) -> None:
    sql = ("create table public.notes (id bigint, user_id uuid);\n"
           "alter table public.notes enable row level security;\n"
           f"create policy p on public.notes {policy};\n")
    assert lints(sql) == set()


def test_owner_column_added_later_or_in_another_file_counts() -> None:
    files = {"supabase/migrations/1.sql": TEAMS,
             "supabase/migrations/2.sql": "alter table public.teams add column org_id uuid;\n"
                                          "create policy w on public.teams for update to "
                                          "authenticated using (true);\n"}
    assert lints(files) == {("rls-policy-always-true", 2, "critical")}


def test_table_not_in_the_change_is_judged_by_its_name() -> None:
    members = "create policy j on public.memberships for insert with check (true);\n"
    feedback = "create policy f on public.feedback for insert to anon with check (true);\n"
    assert lints(members) == {("rls-policy-always-true", 1, "critical")}
    assert lints(feedback) == {("rls-policy-always-true", 1, "high")}


def test_alter_policy_to_always_true_is_seen() -> None:
    sql = TEAM_MEMBERS + ("create policy j on public.team_members for insert to authenticated "
                          "with check (auth.uid() = user_id);\n"
                          "alter policy j on public.team_members with check (true);\n")
    assert lints(sql) == {("rls-policy-always-true", 4, "critical")}


def test_policy_on_a_table_without_rls_and_user_metadata() -> None:
    sql = ("create table public.docs (id int, org text);\n"
           "create policy r on public.docs for select to authenticated using "
           "((auth.jwt() -> 'user_metadata' ->> 'org') = org);\n")
    assert lints(sql) == {("rls-disabled-in-public", 1, "critical"),
                          ("policy-exists-rls-disabled", 2, "critical"),
                          ("rls-references-user-metadata", 2, "critical")}


# --- functions: GRANT to authenticated is how RPCs are called ---------------------------

def test_invoker_function_granted_to_the_api_roles_is_not_a_finding() -> None:
    sql = ("create function public.my_notes() returns setof public.notes language sql "
           "stable as $$ select * from public.notes $$;\n"
           "grant execute on function public.my_notes() to authenticated;\n"
           "grant execute on function public.my_notes() to anon;\n")
    assert lints(sql) == set()


def test_definer_function_with_a_caller_check_and_fixed_search_path_is_fine() -> None:
    sql = """create or replace function public.leave_team(p_team bigint) returns void
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.team_members where team_id = p_team and user_id = (select auth.uid());
end $$;
grant execute on function public.leave_team(bigint) to authenticated;
"""
    assert lints(sql) == set()


def test_definer_function_the_api_can_call_without_a_caller_check() -> None:
    sql = """create function public.make_admin(uid uuid) returns void
language plpgsql security definer set search_path = '' as $$
begin
  update public.team_members set role = 'admin' where user_id = uid;
end $$;
"""
    assert lints(sql) == {("anon-security-definer-function-executable", 1, "high")}
    revoked = sql + "revoke execute on function public.make_admin(uuid) from anon;\n"
    assert lints(revoked) == {("authenticated-security-definer-function-executable", 1, "high")}
    hidden = sql + ("revoke all on function public.make_admin(uuid) from public, anon, "
                    "authenticated;\n")
    assert lints(hidden) == set()


def test_default_privileges_revoked_before_the_function_is_created() -> None:
    sql = ("alter default privileges in schema public revoke execute on functions "
           "from anon, authenticated;\n"
           "create function public.f() returns int language sql security definer "
           "set search_path = '' as $$ select 1 $$;\n")
    assert lints(sql) == set()


def test_search_path_mutable_is_high_and_fixable_by_alter_function() -> None:
    sql = ("create function public.touch() returns trigger language plpgsql security definer "
           "as $$ begin new.updated_at = now(); return new; end $$;\n")
    assert lints(sql) == {("function-search-path-mutable", 1, "high")}
    fixed = sql + 'alter function public.touch() set "search_path" to \'\';\n'
    assert lints(fixed) == set()
    assert lints(sql.replace("public.touch", "extensions.touch")) == set()


def test_a_function_only_with_a_mutable_search_path_does_not_block() -> None:
    sql = ("create function public.touch() returns trigger language plpgsql security definer "
           "as $$ begin return new; end $$;\n")
    changes = changeset_of({MIGRATION: sql})
    result = score_change(changes, detect(changes, Config(), use_semgrep=False), Config())
    assert result.decision != "auto_block"


# --- views --------------------------------------------------------------------------------

@pytest.mark.parametrize(("view", "expected"), [
    ("create view public.v as select * from public.notes", ("security-definer-view",
                                                            "critical")),
    ("create view public.v as select * from public.notes where user_id = auth.uid()",
     ("security-definer-view", "high")),
    ("create view public.v as select id, email from auth.users", ("auth-users-exposed",
                                                                  "critical")),
    ("create view public.v as select email from auth.users where id = (select auth.uid())",
     ("auth-users-exposed", "high")),
    ("create materialized view public.v as select count(*) from public.notes",
     ("materialized-view-in-api", "high")),
])
def test_views_that_run_with_owner_rights(view: str, expected: tuple[str, str]) -> None:
    assert lints(view + ";\n") == {(expected[0], 1, expected[1])}


@pytest.mark.parametrize("view", [
    "create view public.v with (security_invoker = on) as select * from public.notes;",
    "create view public.v with (security_invoker) as select * from public.notes;",
    "create view public.v as select 1;\nalter view public.v set (security_invoker = true);",
    "create view private.v as select id, email from auth.users;",
    "create view public.v as select id, email from auth.users;\n"
    "revoke select on public.v from anon, authenticated;",
])
def test_invoker_and_private_views_are_fine(view: str) -> None:
    assert lints(view + "\n") == set()


def test_a_caller_check_through_a_helper_function_of_the_change_counts() -> None:
    sql = """create function public.current_role_on(acc uuid) returns text language sql stable
security definer set search_path = '' as $$
  select role from public.members where account_id = acc and user_id = auth.uid() $$;
revoke execute on function public.current_role_on(uuid) from anon, authenticated;
create function public.members_of(acc uuid) returns json language plpgsql security definer
set search_path = '' as $$
begin
  if public."current_role_on"(acc) is distinct from 'owner' then raise exception 'no'; end if;
  return (select json_agg(m) from public.members m where m.account_id = acc);
end $$;
create function public.everyone() returns json language sql security definer
set search_path = '' as $$ select json_agg(m) from public.members m $$;
"""
    assert lints(sql) == {("anon-security-definer-function-executable", 11, "high")}


def test_deeply_nested_comments_are_refused_before_the_parser_sees_them() -> None:
    parsed = parse_migration("create table public.t (id int);\n" + "/*" * 50_000)
    assert parsed.statements == ()
    assert [(e.line, e.message) for e in parsed.errors] == [
        (2, "block comments nested more than 32 deep")]
    nested_once = "/* outer /* inner */ still comment */ create table public.t (id int);\n"
    assert lints(nested_once) == {("rls-disabled-in-public", 1, "critical")}


# --- earlier migrations of the repository (local git intake) ------------------------------

def test_earlier_migrations_tell_an_owned_table_from_an_open_one(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("supabase/migrations/1_tables.sql",
               "create table public.projects (id bigint, org_id uuid);\n"
               "alter table public.projects enable row level security;\n"
               "create table public.tags (id bigint, label text);\n"
               "alter table public.tags enable row level security;\n"
               "create table public.legacy (id bigint);\n")
    repo.write("flaskr/schema.sql", "create table post (id int);\n")
    base = repo.commit("base")
    policy = "for insert to authenticated with check (true);\n"
    repo.write("supabase/migrations/2_policies.sql",
               f"create policy p on public.projects {policy}"
               f"create policy t on public.tags {policy}"
               "create policy l on public.legacy for select using (true);\n")
    head = repo.commit("policies")
    changes = read_git_range(GitRange(repo.root, base, head), 1024 * 1024)
    assert sorted(r.path for r in changes.reference_files) == [
        "flaskr/schema.sql", "supabase/migrations/1_tables.sql"]
    found = detect(changes, Config(), use_semgrep=False).findings
    assert sorted((f.rule_id, f.line, f.severity) for f in found
                  if f.detector == "rls_sql") == [
        ("supabase-policy-exists-rls-disabled", 3, "critical"),
        ("supabase-rls-policy-always-true", 1, "critical"),
        ("supabase-rls-policy-always-true", 2, "high")]


def test_without_the_repository_the_columns_are_unknown() -> None:
    sql = "create policy p on public.projects for insert to authenticated with check (true);\n"
    found = sql_findings(sql)
    assert [(f.severity, "not in this change" in f.message) for f in found] == [("high", True)]
