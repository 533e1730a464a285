"""rls_violation in SQL: splinter's security lints, done statically on a change's migrations.

Supabase's database linter (splinter) runs against a live database; these checks read the SQL
a change adds, parsed by PostgreSQL's own parser (see sql_parse), and mirror splinter's
levels: its ERROR lints are critical, its WARN lints high, its INFO lints info. Lint names
follow splinter's so findings map to its documentation. The deliberate exception and every
judgement call are documented in docs/rls-rules.md:

- an always-true write policy for the API roles is high (splinter: WARN), but critical when
  the table's rows belong to someone (a user, owner, member or tenant column the policy
  ignores): then any user can write other users' rows, e.g. join any team;
- a view that runs with its owner's rights but filters on the caller (auth.uid()) is high,
  not critical: it is a review item, not a proven leak;
- a SECURITY DEFINER function is judged only where the API can call it (exposed schema, not a
  trigger, EXECUTE not revoked from the API roles) and only without a caller check.

Only SQL written for a Supabase project is judged: files under a `supabase/` folder, or any
change whose SQL mentions Supabase's API roles, `auth.` functions or row level security. A
Flask or Django `schema.sql` has no PostgREST API in front of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pglast import ast

from veroscore.detect.base import DetectionContext
from veroscore.detect.detectors.sql_parse import ParsedSql, parse_migration
from veroscore.detect.detectors.sql_schema import (
    API_ROLES,
    PUBLIC_ROLE,
    Function,
    Place,
    Policy,
    SchemaModel,
    Table,
    View,
    walk,
)
from veroscore.detect.finding import Finding
from veroscore.diff import ChangedFile
from veroscore.diff.model import ReferenceFile

FIX_ENABLE = "Add `alter table {name} enable row level security;` and policies for each role."
_SUPABASE_MARKERS = re.compile(
    r"\b(?:anon|authenticated|service_role)\b|\bauth\s*\.\s*(?:uid|jwt|role|users)\b|"
    r"\"auth\"\s*\.\s*\"(?:uid|jwt|role|users)\"|\brow\s+level\s+security\b|\bcreate\s+policy\b",
    re.IGNORECASE)
_CALLER_CHECK = re.compile(
    r"\bauth\"?\s*\.\s*\"?(?:uid|jwt|role|email)\"?\s*\(|request\.jwt", re.IGNORECASE)
_CALLED_NAME = re.compile(r"(?<![\w$])([A-Za-z_][\w$]*)\"?\s*\(")
_OWNER_COLUMN = re.compile(
    r"(?:^|_)(?:user|owner|profile|member|tenant|org|organization|organisation|team|account|"
    r"workspace|author|creator|customer|group|company)_?(?:id|uuid)$|"
    r"^(?:created_by|owned_by|owner|uid|user)$")
_OWNED_TABLE_NAME = re.compile(
    r"(?:^|_)(?:members?|memberships?|user_roles?|permissions?|admins?|profiles?|"
    r"invitations?)$")
_WRITE_COMMANDS = frozenset({"insert", "update", "delete", "all", ""})
# Schemas splinter leaves alone: Supabase's own services and extensions manage them.
SYSTEM_SCHEMAS = frozenset({
    "auth", "storage", "realtime", "extensions", "graphql", "graphql_public", "vault",
    "pgsodium", "pgsodium_masks", "cron", "net", "pgmq", "pgbouncer", "supabase_functions",
    "supabase_migrations", "information_schema", "pg_catalog"})


@dataclass(frozen=True)
class _Lint:
    """A finding before it is placed: lint name, severity, message and fix."""

    name: str
    severity: str
    message: str
    fix: str
    place: Place


class RlsSqlDetector:
    """RLS, view and function lints on the SQL files of a change."""

    name = "rls_sql"

    def detect(self, ctx: DetectionContext) -> Iterator[Finding]:
        sql_files = sorted(ctx.files("sql"), key=lambda f: f.path)
        if not sql_files:
            return
        parsed = {f.path: parse_migration(f.content or "") for f in sql_files}
        by_path = {f.path: f for f in sql_files}
        references = [r for r in ctx.changes.reference_files if r.path not in by_path]
        supabase = _is_supabase_change(sql_files, references)
        for path, result in parsed.items():
            if result.errors:
                yield self._not_parsed(ctx, by_path[path], result, supabase)
        if not supabase:
            return
        model = SchemaModel(exposed={s.lower() for s in ctx.config.exposed_schemas})
        history = {r.path: parse_migration(r.content).statements for r in references}
        history.update((path, result.statements) for path, result in parsed.items())
        for path in sorted(history):
            model.add_file(path, history[path])
        owner_columns = frozenset(c.lower() for c in ctx.config.tenant_columns)
        for lint in lints(model, owner_columns):
            if lint.place.path in by_path:
                yield self._emit(ctx, by_path[lint.place.path], lint)

    def _not_parsed(self, ctx: DetectionContext, changed: ChangedFile, parsed: ParsedSql,
                    supabase: bool) -> Finding:
        """One finding per file. In a Supabase change it is high: statements the checks could
        not read must not pass as clean (a review, never a block on its own); elsewhere
        (MySQL or SQLite files of other apps) it is an info note."""
        first, more = parsed.errors[0], len(parsed.errors) - 1
        others = f" and {more} more statement(s)" if more else ""
        return ctx.finding(
            rule_id="supabase-migration-not-parsed" if supabase else "sql-not-parsed",
            # Not a violation that was seen but text that was not read: a person must look
            # (high in a Supabase change), and it carries no penalty, so it can never push
            # a change under block_below by itself.
            violation_type="unanalysed_sql",
            detector=self.name, changed=changed, line=first.line,
            severity="high" if supabase else "info",
            message=f"PostgreSQL's parser could not read this statement ({first.message})"
                    f"{others}; RLS and privilege checks skipped them, so a person must.",
            suggested_fix="Fix the statement's syntax (psql meta-commands and COPY data are "
                          "understood; other client-side syntax is not).")

    def _emit(self, ctx: DetectionContext, changed: ChangedFile, lint: _Lint) -> Finding:
        return ctx.finding(rule_id=f"supabase-{lint.name.replace('_', '-')}",
                           violation_type="rls_violation", detector=self.name,
                           changed=changed, line=lint.place.line, message=lint.message,
                           suggested_fix=lint.fix, severity=lint.severity)


def _is_supabase_change(files: list[ChangedFile], references: list[ReferenceFile]) -> bool:
    paths = [f.path for f in files] + [r.path for r in references]
    return any(path.startswith("supabase/") or "/supabase/" in path for path in paths) \
        or any(_SUPABASE_MARKERS.search(f.content or "") for f in files)


def lints(model: SchemaModel, owner_columns: frozenset[str]) -> Iterator[_Lint]:
    """Every lint the model fails, in a stable order."""
    for table in model.tables.values():
        yield from _table_lints(model, table)
    for policy in model.policies:
        yield from _policy_lints(model, policy, owner_columns)
    for view in model.views.values():
        yield from _view_lints(model, view)
    checked = _functions_checking_the_caller(model)
    for function in model.functions.values():
        yield from _function_lints(function, function.key in checked)


def _qualified(key: tuple[str, str]) -> str:
    return f"{key[0]}.{key[1]}"


def _table_lints(model: SchemaModel, table: Table) -> Iterator[_Lint]:
    if table.key[0] not in model.exposed:
        return
    name = _qualified(table.key)
    hidden = table.select_revoked_from >= API_ROLES  # splinter: no SELECT, not exposed
    if table.created and not table.rls_enabled and not hidden:
        yield _Lint("rls_disabled_in_public", "critical",
                    f"Table {name} is created in exposed schema '{table.key[0]}' without "
                    "Row Level Security: anyone with the anon key can read and write it.",
                    FIX_ENABLE.format(name=name), table.created)
    for place in table.disabled_at:
        yield _Lint("rls_disabled_in_public", "critical",
                    f"Row Level Security is disabled on {name} in exposed schema "
                    f"'{table.key[0]}'.", "Keep RLS enabled and grant access through policies.",
                    place)
    has_policy = any(p.table == table.key for p in model.policies)
    if table.created and table.rls_enabled and table.rls_enabled_at and not has_policy:
        yield _Lint("rls_enabled_no_policy", "info",
                    f"Table {name} has RLS enabled and no policy in this change: only the "
                    "service role can use it.", "Add policies if the API roles need access.",
                    table.rls_enabled_at)


def _policy_lints(model: SchemaModel, policy: Policy, owner_columns: frozenset[str]
                  ) -> Iterator[_Lint]:
    if policy.table[0] not in model.exposed:
        return
    table = model.tables.get(policy.table)
    name = _qualified(policy.table)
    if table is not None and table.created and not table.rls_enabled:
        yield _Lint("policy_exists_rls_disabled", "critical",
                    f"Policy {policy.name!r} on {name}, but RLS is not enabled on it: the "
                    "policy does nothing.", FIX_ENABLE.format(name=name), policy.place)
    if _always_true_write(policy):
        yield _always_true_lint(policy, table, owner_columns)
    if _reads_user_metadata(policy):
        yield _Lint("rls_references_user_metadata", "critical",
                    f"Policy {policy.name!r} on {name} reads user_metadata, which end users "
                    "can edit.", "Use app_metadata or a table the user cannot write.",
                    policy.place)


def _always_true_write(policy: Policy) -> bool:
    if not policy.permissive or policy.command not in _WRITE_COMMANDS:
        return False
    if not policy.roles & (API_ROLES | {PUBLIC_ROLE}):
        return False
    using, check = _is_true(policy.using), _is_true(policy.with_check)
    effective_check = check if policy.with_check is not None else using
    return {
        "insert": check,
        "update": using or effective_check,
        "delete": using,
        "all": using or effective_check,
        "": check,
    }[policy.command]


def _always_true_lint(policy: Policy, table: Table | None, owner_columns: frozenset[str]
                      ) -> _Lint:
    name = _qualified(policy.table)
    command = (policy.command or "write").upper()
    owners = _owner_columns(table, owner_columns)
    fix = ("Tie the policy to the caller, e.g. `with check (auth.uid() = user_id)`, or to a "
           "membership the caller already has.")
    if owners:
        return _Lint("rls_policy_always_true", "critical",
                     f"Policy {policy.name!r} lets every API caller {command} any row of "
                     f"{name}, whose rows belong to someone ({', '.join(owners)}): any user can "
                     "write other users' rows — a privilege escalation.", fix, policy.place)
    if table is None or not table.columns:
        if _OWNED_TABLE_NAME.search(policy.table[1]):
            return _Lint("rls_policy_always_true", "critical",
                         f"Policy {policy.name!r} lets every API caller {command} any row of "
                         f"{name}, a membership/role table by its name: any user can grant "
                         "themselves membership or roles.", fix, policy.place)
        return _Lint("rls_policy_always_true", "high",
                     f"Policy {policy.name!r} lets every API caller {command} any row of "
                     f"{name} (its columns are not in this change; review whether rows belong "
                     "to someone).", fix, policy.place)
    return _Lint("rls_policy_always_true", "high",
                 f"Policy {policy.name!r} lets every API caller {command} any row of {name}; "
                 "the table has no user, owner, member or tenant column, so it looks open by "
                 "design — review it.", fix, policy.place)


def _owner_columns(table: Table | None, owner_columns: frozenset[str]) -> list[str]:
    if table is None:
        return []
    return sorted(column for column, to_auth_users in table.columns.items()
                  if to_auth_users or column.lower() in owner_columns
                  or _OWNER_COLUMN.search(column.lower()))


def _is_true(node: ast.Node | None) -> bool:
    """`true`, `'true'::boolean`, `1 = 1` and the like: a condition that never filters."""
    if isinstance(node, ast.A_Const):
        value = node.val
        return isinstance(value, ast.Boolean) and bool(value.boolval)
    if isinstance(node, ast.TypeCast) and isinstance(node.arg, ast.A_Const):
        value = node.arg.val
        return isinstance(value, ast.String) and (value.sval or "").lower() in {"true", "t", "on"}
    if isinstance(node, ast.A_Expr) and node.kind == 0 and \
            [getattr(n, "sval", "") for n in node.name or ()] == ["="]:
        left, right = node.lexpr, node.rexpr
        return isinstance(left, ast.A_Const) and isinstance(right, ast.A_Const) \
            and repr(left.val) == repr(right.val)
    if isinstance(node, ast.BoolExpr) and node.boolop == 1:  # OR
        return any(_is_true(arg) for arg in node.args or ())
    return False


def _reads_user_metadata(policy: Policy) -> bool:
    for node in walk((policy.using, policy.with_check)):
        if isinstance(node, ast.String) and node.sval in {"user_metadata",
                                                          "raw_user_meta_data"}:
            return True
    return False


def _view_lints(model: SchemaModel, view: View) -> Iterator[_Lint]:
    grants = model.tables.get(view.key)
    if view.key[0] not in model.exposed or (
            grants is not None and grants.select_revoked_from >= API_ROLES):
        return
    name = _qualified(view.key)
    owner_rights = view.materialized or not view.security_invoker
    filtered = view.filters_on_caller
    if view.reads_auth_users and owner_rights:
        yield _Lint("auth_users_exposed", "high" if filtered else "critical",
                    f"View {name} exposes auth.users through the API"
                    + (" (filtered on the caller, review the filter)." if filtered else "."),
                    "Move the view to a private schema or select from a profile table with "
                    "RLS.", view.place)
    elif view.materialized:
        yield _Lint("materialized_view_in_api", "high",
                    f"Materialized view {name} is readable through the API and cannot have "
                    "RLS.", "Move it to a private schema or revoke select from anon and "
                    "authenticated.", view.place)
    elif owner_rights:
        yield _Lint("security_definer_view", "high" if filtered else "critical",
                    f"View {name} runs with its owner's rights and bypasses the caller's RLS"
                    + ("; it filters on auth.uid(), review that the filter covers every row."
                       if filtered else "."),
                    "Create it `with (security_invoker = on)`.", view.place)


def _functions_checking_the_caller(model: SchemaModel) -> set[tuple[str, str]]:
    """Functions whose body reads the caller's identity, directly or through another
    function of the change that does (`public.current_user_account_role(…)`)."""
    checked = {key for key, f in model.functions.items()
               if f.body_calls_auth or _CALLER_CHECK.search(f.body)}
    callers_of: dict[str, set[tuple[str, str]]] = {}
    for key, function in model.functions.items():
        for name in {m.lower() for m in _CALLED_NAME.findall(function.body)}:
            callers_of.setdefault(name, set()).add(key)
    pending = list(checked)
    while pending:
        for caller in callers_of.get(pending.pop()[1].lower(), ()):
            if caller not in checked:
                checked.add(caller)
                pending.append(caller)
    return checked


def _function_lints(function: Function, caller_check: bool) -> Iterator[_Lint]:
    if not function.security_definer or function.key[0] in SYSTEM_SCHEMAS:
        return
    name = _qualified(function.key)
    if not function.search_path_fixed:
        yield _Lint("function_search_path_mutable", "high",
                    f"SECURITY DEFINER function {name} has no fixed search_path: a caller can "
                    "hijack the objects it resolves.",
                    "Add `set search_path = ''` and schema-qualify every name.", function.place)
    callers = sorted(function.executable_by & API_ROLES)
    if callers and not function.returns_trigger and not caller_check:
        lint = ("anon_security_definer_function_executable" if "anon" in callers
                else "authenticated_security_definer_function_executable")
        yield _Lint(lint, "high",
                    f"SECURITY DEFINER function {name} bypasses RLS and is executable by "
                    f"{' and '.join(callers)} through /rest/v1/rpc without checking the caller "
                    "(no auth.uid(), auth.role() or auth.jwt() in its body).",
                    f"Revoke execute from {', '.join(callers)}, make it SECURITY INVOKER, or "
                    "check the caller in its body.", function.place)
