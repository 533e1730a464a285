"""What every detector shares: the protocol, the run context, and how a Finding is made."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Protocol

from veroscore.config import Config
from veroscore.detect.finding import Finding
from veroscore.detect.secret_patterns import redact
from veroscore.diff import ChangedFile, ChangeSet

MAX_SNIPPET = 200
REDACT_WINDOW = 4096


def _translate(glob: str) -> str:
    """A glob as a regex where `*` and `?` stay inside one folder and `**` crosses them
    (fnmatch's `*` crossed `/`, so `**/test_*.py` matched any file under a folder named
    `test_something`, which an absolute `scan` path easily has)."""
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] in "*?":
            out.append("[^/]*" if glob[i] == "*" else "[^/]")
            i += 1
        elif glob[i] == "[" and "]" in glob[i + 2:]:
            end = glob.index("]", i + 2)
            body = glob[i + 1:end]
            out.append("[" + ("^" + re.escape(body[1:]) if body[:1] == "!"
                              else re.escape(body)) + "]")
            i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out) + r"\Z"


@lru_cache(maxsize=64)
def _glob_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled regex for a set of globs; `**/` also matches zero folders."""
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile("|".join(f"(?:{_translate(p)})" for p in patterns))


def matches_any(path: str, patterns: Iterable[str]) -> bool:
    """Glob match where `**/` also matches zero folders (`**/test_*.py` hits `test_a.py`)."""
    return _glob_regex(tuple(patterns)).match(path) is not None


@dataclass(frozen=True)
class DetectionContext:
    """The change and config a detector reads; detectors never talk to GitHub or a store."""

    changes: ChangeSet
    config: Config
    languages_read: set[str] = field(default_factory=set, compare=False)
    """Every language a detector asked for: what the Python detectors cover."""

    def files(self, *languages: str) -> Iterator[ChangedFile]:
        """Analysable, non-excluded files.

        With languages: the files code rules judge, of those languages (generated and
        vendored files left out). Without: every readable file, generated ones included,
        for searches over all text such as secrets.
        """
        self.languages_read.update(languages)
        for changed in self.changes.files:
            if not changed.analysable or self.is_excluded(changed.path):
                continue
            if not languages or (changed.language in languages
                                 and not changed.skipped_reason):
                yield changed

    @cached_property
    def _excluded(self) -> frozenset[str]:
        return frozenset(f.path for f in self.changes.files
                         if matches_any(f.path, self.config.exclude))

    @cached_property
    def _tests(self) -> frozenset[str]:
        return frozenset(f.path for f in self.changes.files
                         if matches_any(f.path, self.config.test_patterns))

    @cached_property
    def _lines(self) -> dict[str, list[str]]:
        """Each file's lines, split once: a file with a finding on every line must not be
        split again for every finding."""
        return {}

    def is_excluded(self, path: str) -> bool:
        return path in self._excluded

    def is_test(self, path: str) -> bool:
        return path in self._tests

    def finding(self, *, rule_id: str, violation_type: str, detector: str, message: str,
                changed: ChangedFile, line: int | None, suggested_fix: str,
                severity: str | None = None) -> Finding:
        """Build a Finding with config severity/penalty and a redacted snippet."""
        return Finding(
            rule_id=rule_id,
            violation_type=violation_type,
            severity=self.config.rule_severity.get(rule_id)
            or severity or self.config.severity_for(rule_id, violation_type),
            detector=detector,
            message=message,
            path=changed.path,
            line=line,
            snippet=snippet_at(changed, line, self._lines),
            suggested_fix=suggested_fix,
            penalty=self.config.penalty_for(violation_type),
        )


def snippet_at(changed: ChangedFile, line: int | None,
               cache: dict[str, list[str]] | None = None) -> str:
    """The redacted, trimmed source line (empty for file-level findings).

    Only the start of a long line is redacted (a window well past the snippet's length,
    so a token cut by the snippet's end is still recognised whole): a 1 MB line with a
    finding costs a few kilobytes of redaction, not a megabyte per finding.
    """
    if line is None or changed.content is None:
        return ""
    lines = cache.get(changed.path) if cache is not None else None
    if lines is None:
        lines = changed.content.splitlines()
        if cache is not None:
            cache[changed.path] = lines
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return redact(text[:REDACT_WINDOW])[:MAX_SNIPPET]


class Detector(Protocol):
    """A detector: stable `name`, and `detect` yielding findings for the whole change."""

    name: str

    def detect(self, ctx: DetectionContext) -> Iterable[Finding]: ...
