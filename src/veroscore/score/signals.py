"""Named signals on each changed file, per score category.

A signal is a fact about the changed content ("3 new functions without type hints",
"a test changed alongside this source file") with a fixed delta. A file's raw score in a
category is the sum of its signals clamped to −10…+10; files without any signal for a
category do not take part in it. The result lists every signal, so an author sees why.

Signals judge what the change adds — added lines, functions whose `def` it adds, imports
it adds, the size of what it adds — never the size or history of the whole file: a
one-line fix in a 3,000-line module is judged as one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from veroscore.config import Config
from veroscore.detect.base import matches_any
from veroscore.detect.finding import Finding
from veroscore.diff import ChangedFile, ChangeSet, FileStatus
from veroscore.score.python_facts import PythonFacts

FILE_CATEGORIES = ("code_quality", "test_coverage", "documentation", "architecture", "security")
SECURITY_TYPES = frozenset({"rls_violation", "hardcoded_secret", "hardcoded_tenant_id",
                            "xss_vulnerability", "sql_injection"})
_CODE = ("python", "javascript", "typescript", "vue")
_TODO = re.compile(r"(?:#|//|/\*|\*)\s*(?:TODO|FIXME|HACK|XXX)\b")
_TS_ANY = re.compile(r":\s*any\b|\bas\s+any\b|<any>")
_JS_EXPORTED_FN = re.compile(r"^\s*export\s+(?:default\s+)?(?:async\s+)?(?:function\b|const\s+\w+"
                             r"\s*(?::[^=]+)?=\s*(?:async\s*)?\()")
_JS_EVAL = re.compile(r"\beval\(|\bnew Function\(")
_PARAM_SQL = re.compile(
    # Possessive runs: the text before the first placeholder cannot also be read as the
    # text after it, so a long run of `?` is linear, not quadratic.
    r"""(?:execute|query)\(\s*+["'](?:[^"'%$?]|%(?!s|\(\w+\)s)|\$(?!\d))*+"""
    r"""(?:%s|\$\d|\?|%\(\w+\)s)[^"']*+["']\s*,""")
_ASSERTION = re.compile(r"^\s*assert\b|\bexpect\(|\bassert\w*\(|\bself\.assert|pytest\.raises")
_ENABLE_RLS = re.compile(r"enable\s+row\s+level\s+security", re.IGNORECASE)
_IMPORT_LINE = re.compile(r"^\s*(?:import\s|from\s+\S+\s+import\s)")
_BLANK_OR_COMMENT = re.compile(r"^\s*(?:$|#|//|/\*|\*)")
FOCUSED_LINES = 300
"""Added lines of one file up to which the change counts as focused (architecture)."""
UNTESTED_STEP = 25
"""Added code lines without a test per extra point lost in test_coverage."""


@dataclass(frozen=True)
class Signal:
    category: str
    name: str
    delta: float
    detail: str


@dataclass(frozen=True)
class FileSignals:
    """Every signal of one file and the weight (lines changed) it carries in averages."""

    path: str
    weight: int
    signals: tuple[Signal, ...]

    def category_raw(self, category: str) -> float | None:
        deltas = [s.delta for s in self.signals if s.category == category]
        return max(-10.0, min(10.0, sum(deltas))) if deltas else None


def file_signals(changes: ChangeSet, findings: tuple[Finding, ...], config: Config,
                 facts: Mapping[str, PythonFacts | None]) -> tuple[FileSignals, ...]:
    """Signals for every analysable, non-excluded file of the change; `facts` holds those
    of its Python files (`python_facts_by_path`)."""
    tests_changed = [f.path for f in changes.files if matches_any(f.path, config.test_patterns)]
    result = []
    for changed in changes.files:
        if not changed.analysable or matches_any(changed.path, config.exclude):
            continue
        own = [f for f in findings if f.path == changed.path and not f.suppressed]
        signals = tuple(_signals(changed, own, tests_changed, config, facts.get(changed.path)))
        result.append(FileSignals(changed.path, max(1, changed.lines_changed), signals))
    return tuple(result)


def _signals(changed: ChangedFile, findings: list[Finding], tests_changed: list[str],
             config: Config, facts: PythonFacts | None) -> Iterator[Signal]:
    is_test = matches_any(changed.path, config.test_patterns)
    yield from _code_quality(changed, facts)
    yield from _test_coverage(changed, is_test, tests_changed)
    yield from _documentation(changed, facts, is_test)
    yield from _architecture(changed, findings, config)
    yield from _security(changed, findings, facts)


def _added(changed: ChangedFile) -> list[str]:
    return list(changed.added_lines.values())


def _code_lines(changed: ChangedFile) -> int:
    """Added lines that are neither blank nor comments."""
    return sum(1 for line in _added(changed) if not _BLANK_OR_COMMENT.match(line))


def _code_quality(changed: ChangedFile, facts: PythonFacts | None) -> Iterator[Signal]:
    if changed.language not in _CODE:
        return
    q = "code_quality"
    if facts is not None:
        if facts.syntax_error:
            yield Signal(q, "syntax_error", -6, "the file does not parse as Python")
        elif facts.new_functions:
            untyped = [f.name for f in facts.new_functions if not f.fully_typed]
            if untyped:
                yield Signal(q, "untyped_functions", -min(5, len(untyped)),
                             f"{len(untyped)} new function(s) without full type hints")
            else:
                yield Signal(q, "typed_functions", 4, "every new function is fully typed")
            long = [f.name for f in facts.new_functions if f.length > 60]
            if long:
                yield Signal(q, "long_functions", -min(4, 2 * len(long)),
                             f"function(s) over 60 lines: {', '.join(long[:3])}")
        if facts.wildcard_imports:
            yield Signal(q, "wildcard_import", -2, "`from … import *` added")
    if changed.language == "typescript" and _code_lines(changed):
        yield Signal(q, "typescript", 2, "the added code is statically typed (TypeScript)")
        anys = sum(1 for line in _added(changed) if _TS_ANY.search(line))
        if anys:
            yield Signal(q, "any_types", -min(3, anys), f"{anys} added line(s) use `any`")
    todos = sum(1 for line in _added(changed) if _TODO.search(line))
    if todos:
        yield Signal(q, "todo_markers", -min(3, todos), f"{todos} TODO/FIXME marker(s) added")
    lines = _added(changed)
    long_lines = sum(1 for line in lines if len(line) > 120)
    if lines and long_lines / len(lines) > 0.1:
        yield Signal(q, "long_lines", -1, f"{long_lines} added line(s) over 120 characters")


def _test_coverage(changed: ChangedFile, is_test: bool, tests_changed: list[str]
                   ) -> Iterator[Signal]:
    t = "test_coverage"
    if changed.language not in _CODE:
        return
    if is_test:
        yield Signal(t, "test_file", 6, "test code added or changed")
        if any(_ASSERTION.search(line) for line in _added(changed)):
            yield Signal(t, "assertions", 2, "the added test code asserts")
        else:
            yield Signal(t, "no_assertions", -4, "the added test code asserts nothing")
        return
    if not tests_changed:
        code = _code_lines(changed)
        if code:
            yield Signal(t, "untested_lines", -min(8, 1 + code // UNTESTED_STEP),
                         f"{code} added line(s) of code and no test changed in this "
                         "pull request")
        return
    yield Signal(t, "tests_in_change", 4, "tests changed in this pull request")
    stem = changed.path.rsplit("/", 1)[-1].split(".", 1)[0]
    if any(stem and stem in test.rsplit("/", 1)[-1] for test in tests_changed):
        yield Signal(t, "matching_test", 3, "a test named after this file changed")


def _documentation(changed: ChangedFile, facts: PythonFacts | None, is_test: bool
                   ) -> Iterator[Signal]:
    d = "documentation"
    if changed.language == "markdown":
        yield Signal(d, "docs_changed", 6, "documentation updated")
        return
    if is_test:
        return
    if facts is not None and not facts.syntax_error:
        public = [f for f in facts.new_functions if f.public]
        missing = [f.name for f in public if not f.has_docstring]
        if missing:
            yield Signal(d, "missing_docstrings", -min(6, 2 * len(missing)),
                         f"public function(s) without docstring: {', '.join(missing[:3])}")
        elif public:
            yield Signal(d, "docstrings", 4, "every new public function has a docstring")
        if changed.status is FileStatus.ADDED and facts.module_docstring:
            yield Signal(d, "module_docstring", 1, "the new module has a docstring")
    elif changed.language in ("javascript", "typescript"):
        yield from _jsdoc(changed)


def _jsdoc(changed: ChangedFile) -> Iterator[Signal]:
    lines = (changed.content or "").splitlines()
    exported = [n for n in sorted(changed.added_lines)
                if _JS_EXPORTED_FN.match(changed.added_lines[n])]
    undocumented = [n for n in exported
                    if not any(lines[i].strip().endswith("*/") for i in range(max(0, n - 3),
                                                                               n - 1))]
    if undocumented:
        yield Signal("documentation", "missing_jsdoc", -min(4, len(undocumented)),
                     f"{len(undocumented)} exported function(s) without a JSDoc comment")
    elif exported:
        yield Signal("documentation", "jsdoc", 3, "every new exported function has JSDoc")


def _architecture(changed: ChangedFile, findings: list[Finding], config: Config
                  ) -> Iterator[Signal]:
    a = "architecture"
    if changed.language not in _CODE:
        return
    drift = [f for f in findings if f.violation_type == "architecture_drift"]
    if drift:
        yield Signal(a, "boundary_violations", -min(10, 8 * len(drift)),
                     f"{len(drift)} import(s) cross a forbidden layer boundary")
    added = len(changed.added_lines)
    if added > FOCUSED_LINES:
        yield Signal(a, "large_addition", -min(4, added // FOCUSED_LINES),
                     f"the change adds {added} lines to this file")
    elif added:
        yield Signal(a, "focused_change", 2,
                     f"the change adds {FOCUSED_LINES} lines or fewer to this file")
    imports = sum(1 for line in _added(changed) if _IMPORT_LINE.match(line))
    if imports > 10:
        yield Signal(a, "many_imports", -2, f"the change adds {imports} import statements")
    if config.layers and any(matches_any(changed.path, globs) for globs in config.layers.values()):
        yield Signal(a, "layer_assigned", 2, "file sits in a declared layer")


def _security(changed: ChangedFile, findings: list[Finding], facts: PythonFacts | None
              ) -> Iterator[Signal]:
    s = "security"
    if changed.language not in (*_CODE, "sql"):
        return
    security = [f for f in findings if f.violation_type in SECURITY_TYPES]
    for severity, delta in (("critical", -10), ("high", -6), ("medium", -2)):
        count = sum(1 for f in security if f.severity == severity)
        if count:
            yield Signal(s, f"{severity}_security_findings", delta * count,
                         f"{count} {severity} security finding(s)")
    if not security:
        yield Signal(s, "no_security_findings", 2, "no security finding on the added lines")
    added = _added(changed)
    if any(_PARAM_SQL.search(line) for line in added):
        yield Signal(s, "parameterised_sql", 3, "queries pass values as parameters")
    if changed.language == "sql" and any(_ENABLE_RLS.search(line) for line in added):
        yield Signal(s, "rls_enabled", 4, "the migration enables Row Level Security")
    evals = facts.dynamic_eval if facts is not None else \
        sum(1 for line in added if _JS_EVAL.search(line))
    if evals:
        yield Signal(s, "dynamic_eval", -5, f"{evals} eval/exec call(s) added")
