"""rls_violation in SQL: splinter's security lints, done statically on a change's migrations.

Supabase's database linter only runs against a live database; these checks read the SQL a
change adds. Lint names follow splinter's so findings map to its documentation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from veroscore.detect.base import DetectionContext
from veroscore.detect.finding import Finding
from veroscore.diff import ChangedFile

IDENT = r"(?:\"[^\"]+\"|[A-Za-z_][\w$]*)"
QUALIFIED = rf"(?:{IDENT}\s*\.\s*)?{IDENT}"
_CREATE_TABLE = re.compile(
    rf"\bcreate\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?(?P<name>{QUALIFIED})",
    re.IGNORECASE)
_ENABLE_RLS = re.compile(
    rf"\balter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(?P<name>{QUALIFIED})\s+"
    r"(?:force\s+|enable\s+)row\s+level\s+security", re.IGNORECASE)
_DISABLE_RLS = re.compile(r"\bdisable\s+row\s+level\s+security\b", re.IGNORECASE)
_POLICY = re.compile(
    rf"\bcreate\s+policy\s+{IDENT}\s+on\s+(?P<name>{QUALIFIED})(?P<body>[^;]*)", re.IGNORECASE)
_ALWAYS_TRUE = re.compile(r"\b(?:using|with\s+check)\s*\(\s*true\s*\)", re.IGNORECASE)
_WRITE_COMMAND = re.compile(r"\bfor\s+(?:insert|update|delete|all)\b", re.IGNORECASE)
_VIEW = re.compile(
    rf"\bcreate\s+(?:or\s+replace\s+)?(?:materialized\s+)?view\s+(?P<name>{QUALIFIED})"
    r"(?P<body>[^;]*)", re.IGNORECASE)
_SECURITY_INVOKER = re.compile(r"security_invoker\s*=\s*(?:true|on|1)", re.IGNORECASE)
_FUNCTION = re.compile(
    rf"\bcreate\s+(?:or\s+replace\s+)?function\s+(?P<name>{QUALIFIED})(?P<body>.*?)"
    r"(?:\$(?P<tag>\w*)\$.*?\$(?P=tag)\$|'(?:[^']|'')*')(?P<tail>[^;]*)",
    re.IGNORECASE | re.DOTALL)
_SEARCH_PATH = re.compile(r"\bset\s+search_path\b", re.IGNORECASE)
_GRANT_EXECUTE = re.compile(
    rf"\bgrant\s+execute\s+on\s+function\s+(?P<name>{QUALIFIED})[^;]*\bto\b[^;]*"
    r"\b(?:anon|authenticated|public)\b", re.IGNORECASE)
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)

FIX_ENABLE = "Add `alter table {name} enable row level security;` and policies for each role."


@dataclass(frozen=True)
class _Statement:
    changed: ChangedFile
    line: int
    match: re.Match[str]


_At = Callable[[re.Match[str]], _Statement]


def _table_key(name: str, exposed: tuple[str, ...]) -> tuple[str, str]:
    parts = [p.strip().strip('"').lower() for p in name.split(".")]
    return (parts[0], parts[1]) if len(parts) == 2 else (exposed[0] if exposed else "public",
                                                           parts[0])


def _strip_comments(sql: str) -> str:
    """Blank out comments but keep newlines, so offsets still map to line numbers."""
    return _COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), sql)


class RlsSqlDetector:
    """RLS and security-definer lints on the SQL files of a change."""

    name = "rls_sql"

    def detect(self, ctx: DetectionContext) -> Iterator[Finding]:
        sql_files = list(ctx.files("sql"))
        texts = {f.path: _strip_comments(f.content or "") for f in sql_files}
        exposed = tuple(s.lower() for s in ctx.config.exposed_schemas)
        protected = {_table_key(m.group("name"), exposed)
                     for text in texts.values() for m in _ENABLE_RLS.finditer(text)}
        for changed in sql_files:
            yield from self._file(ctx, changed, texts[changed.path], exposed, protected)

    def _file(self, ctx: DetectionContext, changed: ChangedFile, sql: str,
              exposed: tuple[str, ...], protected: set[tuple[str, str]]) -> Iterator[Finding]:
        def at(match: re.Match[str]) -> _Statement:
            return _Statement(changed, sql.count("\n", 0, match.start()) + 1, match)

        for m in _CREATE_TABLE.finditer(sql):
            key = _table_key(m.group("name"), exposed)
            if key[0] in exposed and key not in protected:
                yield self._emit(ctx, at(m), "rls_disabled_in_public",
                                 f"Table {m.group('name')} is created in exposed schema "
                                 f"'{key[0]}' without enabling Row Level Security.",
                                 FIX_ENABLE.format(name=m.group("name")))
        for m in _DISABLE_RLS.finditer(sql):
            yield self._emit(ctx, at(m), "rls_disabled", "Row Level Security is disabled.",
                             "Keep RLS enabled and grant access through policies.")
        yield from self._policies(ctx, sql, at, exposed, protected)
        yield from self._views(ctx, sql, at, exposed)
        yield from self._functions(ctx, sql, at)

    def _policies(self, ctx: DetectionContext, sql: str, at: _At,
                  exposed: tuple[str, ...], protected: set[tuple[str, str]]
                  ) -> Iterator[Finding]:
        created = {_table_key(m.group("name"), exposed) for m in _CREATE_TABLE.finditer(sql)}
        for m in _POLICY.finditer(sql):
            key, body = _table_key(m.group("name"), exposed), m.group("body")
            if key in created and key not in protected:
                yield self._emit(ctx, at(m), "policy_exists_rls_disabled",
                                 f"Policy on {m.group('name')}, but RLS is not enabled on it: "
                                 "the policy does nothing.",
                                 FIX_ENABLE.format(name=m.group("name")))
            if _ALWAYS_TRUE.search(body) and (_WRITE_COMMAND.search(body)
                                              or not re.search(r"\bfor\b", body, re.I)):
                yield self._emit(ctx, at(m), "rls_policy_always_true",
                                 "Write policy with USING (true) / WITH CHECK (true) lets "
                                 "every caller of the role write every row.",
                                 "Restrict the policy to the caller's rows, e.g. "
                                 "`using (auth.uid() = user_id)`.")
            if "user_metadata" in body.lower():
                yield self._emit(ctx, at(m), "rls_references_user_metadata",
                                 "Policy reads user_metadata, which end users can edit.",
                                 "Use app_metadata or a table the user cannot write.")

    def _views(self, ctx: DetectionContext, sql: str, at: _At, exposed: tuple[str, ...]
               ) -> Iterator[Finding]:
        for m in _VIEW.finditer(sql):
            schema = _table_key(m.group("name"), exposed)[0]
            if schema not in exposed:
                continue
            body = m.group("body")
            if re.search(r"\bauth\s*\.\s*users\b", body, re.IGNORECASE):
                yield self._emit(ctx, at(m), "auth_users_exposed",
                                 f"View {m.group('name')} exposes auth.users through the API.",
                                 "Move the view to a private schema or select only from a "
                                 "profile table with RLS.")
            elif not _SECURITY_INVOKER.search(body):
                yield self._emit(ctx, at(m), "security_definer_view",
                                 f"View {m.group('name')} runs with its owner's rights and "
                                 "bypasses the caller's RLS.",
                                 "Create it `with (security_invoker = on)`.")

    def _functions(self, ctx: DetectionContext, sql: str, at: _At) -> Iterator[Finding]:
        for m in _FUNCTION.finditer(sql):
            header = m.group("body") + m.group("tail")
            if re.search(r"\bsecurity\s+definer\b", header, re.IGNORECASE) and \
                    not _SEARCH_PATH.search(header):
                yield self._emit(ctx, at(m), "function_search_path_mutable",
                                 f"SECURITY DEFINER function {m.group('name')} has no fixed "
                                 "search_path: a caller can hijack the objects it resolves.",
                                 "Add `set search_path = ''` and schema-qualify every name.")
        for m in _GRANT_EXECUTE.finditer(sql):
            yield self._emit(ctx, at(m), "function_executable_by_api_roles",
                             f"Function {m.group('name')} is executable by anon/authenticated.",
                             "Grant execute to service_role only, or make it SECURITY INVOKER.")

    def _emit(self, ctx: DetectionContext, stmt: _Statement, lint: str, message: str,
              fix: str) -> Finding:
        return ctx.finding(rule_id=f"supabase-{lint.replace('_', '-')}",
                           violation_type="rls_violation", detector=self.name,
                           changed=stmt.changed, line=stmt.line, message=message,
                           suggested_fix=fix)

