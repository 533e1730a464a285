"""What a change's migrations do to the database, read from parsed statements.

The RLS lints (rls_sql) ask questions of a database that does not exist yet: is RLS on for this
table, which columns does it have, who may execute this function. `SchemaModel` answers them
from the statements of every SQL file of the change, in path order (migration folders sort by
timestamp), so a table created in one file and protected in the next is protected.

Privileges follow a Supabase project's defaults: objects created in an exposed schema are
granted to `anon` and `authenticated` by the project's default privileges, so a function is
executable by them until a REVOKE names that role (revoking from PUBLIC alone does not undo a
direct default grant).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pglast import ast, enums

from veroscore.detect.detectors.sql_parse import SqlStatement

API_ROLES = frozenset({"anon", "authenticated"})
PUBLIC_ROLE = "public"

Key = tuple[str, str]


@dataclass(frozen=True)
class Place:
    """Where a statement is: file path and line."""

    path: str
    line: int


@dataclass
class Table:
    key: Key
    created: Place | None = None
    columns: dict[str, bool] = field(default_factory=dict)  # name → references auth.users
    rls_enabled: bool = False
    rls_enabled_at: Place | None = None
    disabled_at: list[Place] = field(default_factory=list)
    select_revoked_from: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Policy:
    name: str
    table: Key
    command: str  # all, select, insert, update, delete; "" when ALTER POLICY does not say
    roles: frozenset[str]
    permissive: bool
    using: ast.Node | None
    with_check: ast.Node | None
    place: Place


@dataclass(frozen=True)
class View:
    key: Key
    materialized: bool
    security_invoker: bool
    reads_auth_users: bool
    filters_on_caller: bool
    place: Place


@dataclass
class Function:
    key: Key
    place: Place
    security_definer: bool = False
    search_path_fixed: bool = False
    returns_trigger: bool = False
    body: str = ""
    body_calls_auth: bool = False
    executable_by: set[str] = field(default_factory=set)


@dataclass
class SchemaModel:
    """The tables, policies, views and functions a change defines, with their privileges."""

    exposed: set[str]
    tables: dict[Key, Table] = field(default_factory=dict)
    policies: list[Policy] = field(default_factory=list)
    views: dict[Key, View] = field(default_factory=dict)
    functions: dict[Key, Function] = field(default_factory=dict)
    revoked_function_defaults: set[tuple[str, str]] = field(default_factory=set)

    def table(self, key: Key) -> Table:
        return self.tables.setdefault(key, Table(key))

    def add_file(self, path: str, statements: tuple[SqlStatement, ...]) -> None:
        """Fold one file's statements into the model; `search_path` resets per file."""
        reader = _FileReader(self, path)
        for statement in statements:
            reader.read(statement)


def names_of(nodes: object) -> list[str]:
    items = nodes if isinstance(nodes, tuple | list) else (nodes,)
    return [n.sval or "" for n in items if isinstance(n, ast.String)]


def walk(node: object) -> list[ast.Node]:
    """Every AST node under `node` (iterative, so deep expressions cannot overflow)."""
    found: list[ast.Node] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple | list):
            stack.extend(item)
        elif isinstance(item, ast.Node):
            found.append(item)
            slots: dict[str, object] = getattr(item, "__slots__", {})
            stack.extend(value for slot in slots
                         if not isinstance(value := getattr(item, slot, None),
                                           str | int | float | bool))
    return found


def calls_auth(node: object) -> bool:
    """Whether an expression calls auth.uid(), auth.jwt() or auth.role() (the caller's id)."""
    for item in walk(node):
        if isinstance(item, ast.FuncCall):
            name = names_of(item.funcname)
            if len(name) == 2 and name[0] == "auth" and name[1] in {"uid", "jwt", "role",
                                                                     "email"}:
                return True
    return False


def _role_names(roles: tuple[ast.RoleSpec, ...] | None) -> frozenset[str]:
    names = set()
    for role in roles or ():
        if role.roletype == enums.RoleSpecType.ROLESPEC_PUBLIC:
            names.add(PUBLIC_ROLE)
        elif role.rolename:
            names.add(role.rolename)
    return frozenset(names) or frozenset({PUBLIC_ROLE})


class _FileReader:
    """Reads one file's statements into the model, tracking its `search_path`."""

    def __init__(self, model: SchemaModel, path: str) -> None:
        self.model = model
        self.path = path
        self.schema = "public"

    def key(self, relation: ast.RangeVar | None) -> Key | None:
        if relation is None or not relation.relname:
            return None
        return (relation.schemaname or self.schema, relation.relname)

    def read(self, statement: SqlStatement) -> None:
        place = Place(self.path, statement.line)
        handler = getattr(self, f"_{type(statement.node).__name__}", None)
        if handler is not None:
            handler(statement.node, place)

    def _VariableSetStmt(self, node: ast.VariableSetStmt, _: Place) -> None:
        if node.name == "search_path" and node.args:
            self._set_search_path(_const_text(node.args[0]))

    def _SelectStmt(self, node: ast.SelectStmt, _: Place) -> None:
        for target in node.targetList or ():
            call = getattr(target, "val", None)
            if isinstance(call, ast.FuncCall) and names_of(call.funcname)[-1:] == ["set_config"] \
                    and call.args and _const_text(call.args[0]) == "search_path":
                self._set_search_path(_const_text(call.args[1]) if len(call.args) > 1 else "")

    def _set_search_path(self, value: str) -> None:
        first = value.split(",")[0].strip().strip('"')
        self.schema = first if first and first != "$user" else "public"

    def _CreateStmt(self, node: ast.CreateStmt, place: Place) -> None:
        key = self.key(node.relation)
        if key is None or node.relation is None or node.relation.relpersistence == "t":
            return
        table = self.model.table(key)
        table.created = place
        for element in node.tableElts or ():
            self._table_element(table, element)

    def _CreateTableAsStmt(self, node: ast.CreateTableAsStmt, place: Place) -> None:
        relation = node.into.rel if node.into else None
        key = self.key(relation)
        if key is None or relation is None:
            return
        if node.objtype == enums.ObjectType.OBJECT_MATVIEW:
            self.model.views[key] = View(key, True, False, _reads_auth_users(node.query),
                                         calls_auth(node.query), place)
        elif relation.relpersistence != "t":
            self.model.table(key).created = place

    def _table_element(self, table: Table, element: ast.Node) -> None:
        if isinstance(element, ast.ColumnDef) and element.colname:
            table.columns[element.colname] = any(_references_auth_users(c)
                                                 for c in element.constraints or ())
        elif isinstance(element, ast.Constraint) and _references_auth_users(element):
            for column in names_of(element.fk_attrs):
                table.columns[column] = True

    def _AlterTableStmt(self, node: ast.AlterTableStmt, place: Place) -> None:
        key = self.key(node.relation)
        if key is None:
            return
        if node.objtype == enums.ObjectType.OBJECT_VIEW:
            self._alter_view(key, node)
            return
        if node.objtype != enums.ObjectType.OBJECT_TABLE:
            return
        types = enums.AlterTableType
        for cmd in node.cmds or ():
            if cmd.subtype in (types.AT_EnableRowSecurity, types.AT_ForceRowSecurity):
                table = self.model.table(key)
                table.rls_enabled, table.rls_enabled_at = True, table.rls_enabled_at or place
            elif cmd.subtype == types.AT_DisableRowSecurity:
                self.model.table(key).disabled_at.append(place)
            elif cmd.subtype in (types.AT_AddColumn, types.AT_AddConstraint) and cmd.def_:
                self._table_element(self.model.table(key), cmd.def_)

    def _alter_view(self, key: Key, node: ast.AlterTableStmt) -> None:
        view = self.model.views.get(key)
        if view is None:
            return
        for cmd in node.cmds or ():
            if cmd.subtype == enums.AlterTableType.AT_SetRelOptions:
                invoker = _security_invoker(cmd.def_)
                if invoker is not None:
                    self.model.views[key] = View(view.key, view.materialized, invoker,
                                                 view.reads_auth_users, view.filters_on_caller,
                                                 view.place)

    def _CreatePolicyStmt(self, node: ast.CreatePolicyStmt, place: Place) -> None:
        key = self.key(node.table)
        if key is None:
            return
        self.model.policies.append(Policy(
            node.policy_name or "", key, (node.cmd_name or "all").lower(),
            _role_names(node.roles), bool(node.permissive), node.qual, node.with_check, place))

    def _AlterPolicyStmt(self, node: ast.AlterPolicyStmt, place: Place) -> None:
        key = self.key(node.table)
        if key is None:
            return
        earlier = [p for p in self.model.policies
                   if p.table == key and p.name == node.policy_name]
        base = earlier[-1] if earlier else None
        self.model.policies.append(Policy(
            node.policy_name or "", key, base.command if base else "",
            _role_names(node.roles) if node.roles else (base.roles if base else
                                                        frozenset({PUBLIC_ROLE})),
            base.permissive if base else True,
            node.qual if node.qual is not None else (base.using if base else None),
            node.with_check if node.with_check is not None else (base.with_check if base
                                                                 else None),
            place))

    def _ViewStmt(self, node: ast.ViewStmt, place: Place) -> None:
        key = self.key(node.view)
        if key is None:
            return
        self.model.views[key] = View(key, False, bool(_security_invoker(node.options)),
                                     _reads_auth_users(node.query), calls_auth(node.query),
                                     place)

    def _CreateFunctionStmt(self, node: ast.CreateFunctionStmt, place: Place) -> None:
        name = names_of(node.funcname)
        key = (name[0], name[-1]) if len(name) > 1 else (self.schema, name[-1])
        earlier = self.model.functions.get(key)
        function = Function(key, place, executable_by=(
            set(earlier.executable_by) if earlier else self._default_executors(key[0])))
        function.returns_trigger = names_of(node.returnType.names if node.returnType
                                            else None)[-1:] in (["trigger"], ["event_trigger"])
        for option in node.options or ():
            self._function_option(function, option)
        if node.sql_body is not None:
            function.body_calls_auth = function.body_calls_auth or calls_auth(node.sql_body)
        self.model.functions[key] = function

    def _default_executors(self, schema: str) -> set[str]:
        if schema not in self.model.exposed:
            return set()
        return {role for role in API_ROLES
                if (schema, role) not in self.model.revoked_function_defaults}

    def _function_option(self, function: Function, option: ast.DefElem) -> None:
        if option.defname == "security":
            function.security_definer = _truthy(option.arg)
        elif option.defname == "set" and isinstance(option.arg, ast.VariableSetStmt):
            if option.arg.name == "search_path":
                function.search_path_fixed = True
        elif option.defname == "as":
            function.body = "\n".join(names_of(option.arg if isinstance(option.arg, tuple)
                                               else (option.arg,)))

    def _AlterFunctionStmt(self, node: ast.AlterFunctionStmt, _: Place) -> None:
        function = self._function(node.func)
        if function is not None:
            for action in node.actions or ():
                self._function_option(function, action)

    def _function(self, func: ast.ObjectWithArgs | None) -> Function | None:
        name = names_of(func.objname if func else None)
        if not name:
            return None
        key = (name[0], name[-1]) if len(name) > 1 else (self.schema, name[-1])
        return self.model.functions.get(key)

    def _GrantStmt(self, node: ast.GrantStmt, _: Place) -> None:
        roles = _role_names(node.grantees)
        objtype = node.objtype
        if objtype == enums.ObjectType.OBJECT_SCHEMA and node.is_grant and roles & API_ROLES:
            self.model.exposed.update(names_of(node.objects))
        elif objtype == enums.ObjectType.OBJECT_FUNCTION:
            self._function_grant(node, roles)
        elif objtype == enums.ObjectType.OBJECT_TABLE and not node.is_grant:
            privileges = {p.priv_name for p in node.privileges or ()}
            for relation in node.objects or ():
                key = self.key(relation) if isinstance(relation, ast.RangeVar) else None
                if key is None:
                    continue
                if node.privileges is None or "select" in privileges:
                    self.model.table(key).select_revoked_from.update(roles)

    def _function_grant(self, node: ast.GrantStmt, roles: frozenset[str]) -> None:
        targets: list[Function] = []
        if node.targtype == enums.GrantTargetType.ACL_TARGET_ALL_IN_SCHEMA:
            schemas = set(names_of(node.objects))
            targets = [f for f in self.model.functions.values() if f.key[0] in schemas]
        else:
            targets = [f for obj in node.objects or ()
                       if (f := self._function(obj)) is not None]
        for function in targets:
            if node.is_grant:
                function.executable_by.update(roles)
            else:
                function.executable_by.difference_update(roles)

    def _AlterDefaultPrivilegesStmt(self, node: ast.AlterDefaultPrivilegesStmt, _: Place
                                    ) -> None:
        action = node.action
        if action is None or action.is_grant or action.objtype != enums.ObjectType.OBJECT_FUNCTION:
            return
        schemas = [name for option in node.options or () if option.defname == "schemas"
                   for name in names_of(option.arg)] or sorted(self.model.exposed)
        for schema in schemas:
            for role in _role_names(action.grantees) & API_ROLES:
                self.model.revoked_function_defaults.add((schema, role))


def _const_text(node: ast.Node) -> str:
    value = getattr(node, "val", None)
    return (value.sval or "") if isinstance(value, ast.String) else ""


def _truthy(value: object) -> bool:
    if isinstance(value, ast.Boolean):
        return bool(value.boolval)
    if isinstance(value, ast.Integer):
        return bool(value.ival)
    if isinstance(value, ast.String):
        return (value.sval or "").lower() in {"true", "on", "yes", "1"}
    return False


def _security_invoker(options: tuple[ast.DefElem, ...] | None) -> bool | None:
    for option in options or ():
        if option.defname == "security_invoker":
            return True if option.arg is None else _truthy(option.arg)
    return None


def _references_auth_users(constraint: ast.Node) -> bool:
    if not isinstance(constraint, ast.Constraint) or constraint.pktable is None:
        return False
    return (constraint.pktable.schemaname, constraint.pktable.relname) == ("auth", "users")


def _reads_auth_users(query: object) -> bool:
    return any(isinstance(node, ast.RangeVar) and (node.schemaname, node.relname)
               == ("auth", "users") for node in walk(query))
