"""rls_violation in application code: the service-role key where RLS is bypassed for users.

The service-role key skips every RLS policy. In client-side code it is shipped to every
browser; in server code it makes each query responsible for its own tenant filter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veroscore.detect.base import DetectionContext
from veroscore.detect.finding import Finding
from veroscore.diff import ChangedFile

_SERVICE_ROLE = re.compile(
    r"\b\w*SERVICE_?ROLE_?(?:KEY|SECRET|JWT|TOKEN)\w*|"
    r"(?:process\.env|import\.meta\.env)[ \t]*+(?:\.|\[[ \t]*+[\"'`])\w*SERVICE_?ROLE\w*|"
    r"\.env\.get\([ \t]*+[\"'`]\w*SERVICE_?ROLE\w*",
    re.IGNORECASE)
"""The service-role key itself: a name for a key (`SUPABASE_SERVICE_ROLE_KEY`,
`serviceRoleKey`) or an environment variable about the service role. A name that merely
contains `service_role` (an RPC such as `get_service_role_config` in generated database
types, a role name in a query) is not a key."""
_PUBLIC_ENV = re.compile(r"\b(?:NEXT_PUBLIC|VITE|REACT_APP|EXPO_PUBLIC|PUBLIC|NUXT_PUBLIC)_"
                         r"\w*SERVICE_ROLE\w*")
_USE_CLIENT = re.compile(r"""^[ \t]*['"]use client['"]""", re.MULTILINE)
_CLIENT_DIRS = re.compile(r"(?:^|/)(?:components|hooks|public|client|frontend|web)/")
_SERVER_PATHS = re.compile(r"(?:^|/)(?:api|server|functions|supabase/functions|scripts|"
                           r"backend|lib/server)/|route\.[jt]sx?$|\.server\.[jt]sx?$")
_PAGE_DIRS = re.compile(r"(?:^|/)(?:pages|app|src)/")
_QUERY = re.compile(r"\.(?:from_?|table)\(\s*[\"'`](?P<table>\w+)[\"'`]\s*\)"
                    r"(?P<chain>(?:[^;\n]|\n\s*\.){0,600})")
"""A query chain: it ends at `;` or at a line break not followed by `.` (a chained call)."""
_QUERY_VERB = re.compile(r"\.(?:select|update|delete|upsert)\(")
_SERVICE_CLIENT = re.compile(r"create_?[cC]lient\((?:[^()]|\([^()]*\))*"
                             r"(?:SERVICE_ROLE|service_role|serviceRole)", re.DOTALL)
"""A client created with the service-role key: its queries bypass RLS."""


def is_client_side(changed: ChangedFile) -> bool:
    """Browser-bundled code: `'use client'`, components, or pages outside API routes."""
    if changed.language not in ("javascript", "typescript", "vue"):
        return False
    if _USE_CLIENT.search(changed.content or ""):
        return True
    if _SERVER_PATHS.search(changed.path):
        return False
    return bool(_CLIENT_DIRS.search(changed.path) or _PAGE_DIRS.search(changed.path)
                or changed.path.endswith((".tsx", ".jsx", ".vue")))


class SupabaseClientDetector:
    """Service-role key in client code; service-role queries without a tenant filter."""

    name = "supabase_client"

    def detect(self, ctx: DetectionContext) -> Iterator[Finding]:
        for changed in ctx.files("javascript", "typescript", "vue", "python"):
            if ctx.is_test(changed.path):
                continue
            client = is_client_side(changed)
            for line_no, text in changed.added_lines.items():
                if _PUBLIC_ENV.search(text) or (client and _SERVICE_ROLE.search(text)):
                    yield self._client_key(ctx, changed, line_no)
            if not client and _SERVICE_CLIENT.search(changed.content or ""):
                yield from self._unfiltered_queries(ctx, changed)

    def _client_key(self, ctx: DetectionContext, changed: ChangedFile, line: int) -> Finding:
        return ctx.finding(
            rule_id="supabase-service-role-in-client", violation_type="rls_violation",
            detector=self.name, changed=changed, line=line,
            message="Supabase service-role key used in client-side code: every visitor gets "
                    "a key that bypasses Row Level Security.",
            suggested_fix="Use the anon/publishable key in the browser and keep the service "
                          "role in server-only code (API routes, edge functions).")

    def _unfiltered_queries(self, ctx: DetectionContext, changed: ChangedFile
                            ) -> Iterator[Finding]:
        content = changed.content or ""
        columns = [c.lower() for c in ctx.config.tenant_columns]
        for match in _QUERY.finditer(content):
            chain = match.group("chain").lower()
            line = content.count("\n", 0, match.start()) + 1
            if line not in changed.added_lines or not _QUERY_VERB.search(chain):
                continue
            tables = ctx.config.tenant_tables
            if tables and match.group("table") not in tables:
                continue
            if any(column in chain for column in columns):
                continue
            yield ctx.finding(
                rule_id="supabase-service-role-query-without-tenant-filter",
                violation_type="rls_violation", detector=self.name, changed=changed,
                line=line, severity="high",
                message=f"Query on '{match.group('table')}' with the service-role client has "
                        f"no tenant filter ({', '.join(columns)}): RLS is bypassed here.",
                suggested_fix="Filter by the caller's tenant, e.g. "
                              f".eq('{columns[0] if columns else 'tenant_id'}', tenantId), "
                              "or use a client bound to the user's JWT.")
