"""Facts about a Python file's new code, read from its syntax tree (never by substring)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from veroscore.diff import ChangedFile, ChangeSet


@dataclass(frozen=True)
class FunctionFacts:
    name: str
    public: bool
    fully_typed: bool
    has_docstring: bool
    length: int


@dataclass(frozen=True)
class PythonFacts:
    syntax_error: bool
    new_functions: tuple[FunctionFacts, ...]
    module_docstring: bool
    wildcard_imports: int
    dynamic_eval: int


def _fully_typed(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    if node.args.vararg:
        args.append(node.args.vararg)
    if node.args.kwarg:
        args.append(node.args.kwarg)
    params = [a for a in args if a.arg not in ("self", "cls")]
    return node.returns is not None and all(a.annotation is not None for a in params)


def python_facts(changed: ChangedFile) -> PythonFacts | None:
    """Facts for functions whose `def` line the change adds; None for partial content."""
    if changed.content is None or changed.content_is_partial:
        return None
    try:
        tree = ast.parse(changed.content)
    except (SyntaxError, ValueError):
        return PythonFacts(True, (), False, 0, 0)
    functions = []
    wildcard = evals = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and \
                node.lineno in changed.added_lines:
            functions.append(FunctionFacts(
                name=node.name, public=not node.name.startswith("_"),
                fully_typed=_fully_typed(node), has_docstring=ast.get_docstring(node) is not None,
                length=(node.end_lineno or node.lineno) - node.lineno + 1))
        elif isinstance(node, ast.ImportFrom) and node.lineno in changed.added_lines:
            wildcard += any(alias.name == "*" for alias in node.names)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in ("eval", "exec") and node.lineno in changed.added_lines:
            evals += 1
    return PythonFacts(False, tuple(functions), ast.get_docstring(tree) is not None,
                       wildcard, evals)


def python_facts_by_path(changes: ChangeSet) -> dict[str, PythonFacts | None]:
    """Facts for every Python file of the change (parsing is the score's costliest step,
    so `evaluate` does it while Semgrep runs)."""
    return {f.path: python_facts(f) for f in changes.files if f.language == "python"}
