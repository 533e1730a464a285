"""A PostgREST-shaped fake for supabase-py, served through respx, that runs every request
on the real test PostgreSQL under the role the API key carries.

Requests are checked the way PostgREST checks them: `apikey` and `Authorization` headers,
`Accept-Profile` (GET) / `Content-Profile` (POST) naming an exposed schema. RPC calls use
named arguments; table reads support the `select`, `eq.`, `order` and `limit` parameters
supabase-py sends. So the Supabase back-end is tested against the same SQL as Postgres.
`faults` queues PostgREST-shaped failures (or transport exceptions) per endpoint name, served
before the real answer: the error bodies PostgREST sends for a missing function, a denied
permission, a statement time-out, a deadlock.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import psycopg
import respx
from psycopg import sql
from psycopg.types.json import Jsonb

from veroscore.detect.secret_patterns import jwt_claims

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass
class FakePostgrest:
    base_url: str
    database_url: str
    exposed_schemas: tuple[str, ...] = ("public", "veroscore")
    requests: list[httpx.Request] = field(default_factory=list)
    faults: dict[str, list[httpx.Response | Exception]] = field(default_factory=dict)

    def install(self, mock: respx.MockRouter) -> None:
        mock.post(url__regex=re.escape(self.base_url) + r"/rest/v1/rpc/\w+").mock(
            side_effect=self._rpc)
        mock.get(url__regex=re.escape(self.base_url) + r"/rest/v1/\w+.*").mock(
            side_effect=self._select)

    def _fault(self, request: httpx.Request) -> httpx.Response | None:
        """The next queued fault of this endpoint (RPC function or table), if any."""
        queue = self.faults.get(urlparse(str(request.url)).path.rsplit("/", 1)[-1])
        if not queue:
            return None
        fault = queue.pop(0)
        if isinstance(fault, Exception):
            raise fault
        return fault

    def _error(self, status: int, code: str, message: str) -> httpx.Response:
        return httpx.Response(status, json={"code": code, "details": None, "hint": None,
                                            "message": message})

    def _admit(self, request: httpx.Request, profile_header: str
               ) -> tuple[str, str] | httpx.Response:
        """Record the request; the (role, schema) it may use, or PostgREST's refusal."""
        self.requests.append(request)
        key = request.headers.get("apikey", "")
        if request.headers.get("authorization") != f"Bearer {key}" or not key:
            return self._error(401, "PGRST301", "No suitable key or wrong key type")
        role = str(jwt_claims(key).get("role", ""))
        if role not in ("anon", "authenticated", "service_role"):
            return self._error(401, "PGRST301", "JWT role not allowed")
        schema = request.headers.get(profile_header, "public")
        if schema not in self.exposed_schemas:
            return self._error(406, "PGRST106", "The schema must be one of the following: "
                               + ", ".join(self.exposed_schemas))
        return role, schema

    def _respond(self, role: str, query: sql.Composable, params: list[Any]) -> httpx.Response:
        """Run one statement as `role`; its single JSON value, or PostgREST's error shape."""
        try:
            with psycopg.connect(self.database_url, autocommit=True) as conn:
                conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
                rows = conn.execute(query, params).fetchall()
        except psycopg.Error as exc:
            code = exc.sqlstate or "XX000"
            return self._error(403 if code == "42501" else 400, code,
                               str(exc).strip().splitlines()[0])
        return httpx.Response(200, json=rows[0][0])

    def _rpc(self, request: httpx.Request) -> httpx.Response:
        checked = self._admit(request, "content-profile")
        if isinstance(checked, httpx.Response):
            return checked
        fault = self._fault(request)
        if fault is not None:
            return fault
        role, schema = checked
        function = urlparse(str(request.url)).path.rsplit("/", 1)[-1]
        args = json.loads(request.content or b"{}")
        named = sql.SQL(", ").join(
            sql.SQL("{} := %s").format(sql.Identifier(name)) for name in args)
        query = sql.SQL("SELECT to_jsonb({}.{}({}))").format(
            sql.Identifier(schema), sql.Identifier(function), named)
        values = [Jsonb(v) if isinstance(v, dict | list) else v for v in args.values()]
        return self._respond(role, query, values)

    def _select(self, request: httpx.Request) -> httpx.Response:
        checked = self._admit(request, "accept-profile")
        if isinstance(checked, httpx.Response):
            return checked
        fault = self._fault(request)
        if fault is not None:
            return fault
        role, schema = checked
        parsed = urlparse(str(request.url))
        table = parsed.path.rsplit("/", 1)[-1]
        params = parse_qs(parsed.query)
        columns = params.pop("select", ["*"])[0].split(",")
        order = params.pop("order", [None])[0]
        limit = params.pop("limit", [None])[0]
        where, values = [], []
        for column, (value,) in params.items():
            if not _IDENT.match(column) or not value.startswith("eq."):
                return self._error(400, "PGRST100", f"unsupported filter {column}={value}")
            where.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
            values.append(value[3:])
        query = sql.SQL("SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]') FROM (SELECT {} FROM {}.{}")\
            .format(sql.SQL(", ").join(sql.Identifier(c) for c in columns),
                    sql.Identifier(schema), sql.Identifier(table))
        if where:
            query += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where)
        if order:
            column, _, direction = order.partition(".")
            query += sql.SQL(" ORDER BY {} {}").format(
                sql.Identifier(column), sql.SQL("DESC" if direction == "desc" else "ASC"))
        if limit:
            query += sql.SQL(" LIMIT {}").format(sql.Literal(int(limit)))
        query += sql.SQL(") AS t")
        return self._respond(role, query, values)
