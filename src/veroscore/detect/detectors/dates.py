"""hardcoded_date: a date literal that gates behaviour (comparison, deadline, expiry, flag).

Dates in comments, docs, changelogs and migration names are not findings, and neither is
data: a `createdAt: new Date('2024-…')` in a story, mock, fixture or seed file, or as a
property of an object literal, only describes a record. A literal compared against a value
(`today < date(2026, 12, 31)`), bound to a deadline-like name (`TRIAL_DEADLINE`,
`expires_at`) or to a named constant (`const sale = new Date(2026, 10, 27)`) changes what the
code does on a calendar day nobody will remember, and is one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veroscore.detect.base import DetectionContext
from veroscore.detect.finding import Finding
from veroscore.diff.language import CODE_LANGUAGES

DATE = r"(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ][\d:.]++Z?)?"
_QUOTED_DATE = r"[\"'`]" + DATE + r"[\"'`]"
DEADLINE_WORD = re.compile(
    r"deadline|expir|cutoff|cut_off|until|due|launch|valid_?from|valid_?to|start_?date|"
    r"end_?date|sunset|go_?live|starts?_?at|ends?_?at|release_?date|enabled_?(?:from|after)",
    re.IGNORECASE)
_COMPARISON = re.compile(r"(?:[<>]=?|===?|!==?)[ \t]*+" + _QUOTED_DATE + "|" + _QUOTED_DATE
                         + r"[ \t]*+(?:[<>]=?|===?|!==?)")
_NAMED_DATE = re.compile(
    r"(?<![\w$])(?P<name>[A-Za-z_$][\w$]*+)[\"']?[ \t]*+[:=][ \t]*+(?:new Date\(|"
    r"(?:date|datetime)\.fromisoformat\(|parse\w*+\(|Date\.parse\()?[ \t]*+" + _QUOTED_DATE)
"""`name = "2026-03-01"` / `name: new Date("2026-…")`; the name is read whole (possessive)."""
_CONSTRUCTOR = re.compile(
    r"(?:new Date|Date\.parse|Date\.UTC)\([ \t]*+(?:" + _QUOTED_DATE + r"|(?:19|20)\d\d[ \t]*+,)|"
    r"(?<![\w.])(?:datetime|date)\([ \t]*+(?:19|20)\d\d[ \t]*+,[ \t]*+\d{1,2}[ \t]*+,|"
    r"(?<![\w.])(?:datetime|date)\.fromisoformat\([ \t]*+[\"']" + DATE + r"[\"']")
_GATING = re.compile(
    r"(?<![=<>!-])[<>]=?(?![=>])|[!=]==?|\bif\b|\bwhile\b|\belif\b|\bassert\b|\?|"
    r"\b(?:isAfter|isBefore|isSameOrAfter|isSameOrBefore|isPast|isFuture)\b|"
    r"\bnow\(\)|Date\.now|date\.today|timezone\.now|utcnow")
_DATA_PROPERTY = re.compile(r"(?:^|[{,(])[ \t]*+[\"']?[A-Za-z_$][\w$]*+[\"']?[ \t]*+[:=][ \t]*+$")
"""The constructor is the value of an object property or keyword argument."""
_CONSTANT_BINDING = re.compile(
    r"^[ \t]*+(?:export[ \t]++)?(?:(?:const|let|var|final|static|readonly)[ \t]++)*+"
    r"[A-Za-z_$][\w$.]*+(?:[ \t]*+:[ \t]*+[\w.]++)?[ \t]*+=[ \t]*+$")
"""`const sale = ` / `LAUNCH = ` / `self.cutoff = `: a named date the code will use."""
_COMMENT = re.compile(r"^[ \t]*+(?:#|//|/?\*|--)")
_DATA_PATH = re.compile(
    r"(?:^|/)(?:__mocks__|__fixtures__|mocks?|fixtures?|testdata|test-data|seeds?|seeders?|"
    r"stories|storybook|\.storybook|e2e|cypress|playwright|factories|demo-data|sample-data)/|"
    r"\.(?:stories|story|mocks?|fixtures?|seeds?|factory|e2e|test|spec)\.[^/.]++$|"
    r"(?:^|/)(?:seeds?|seeders?|fixtures?|mocks?)(?![a-z])[^/]*+$",
    re.IGNORECASE)
"""Stories, mocks, fixtures and seed data: dates there describe sample records."""


def is_data_path(path: str) -> bool:
    """`Button.stories.tsx`, `__mocks__/api.ts`, `fixtures/users.ts`, `seed.ts`, `x.mock.ts`."""
    return _DATA_PATH.search(path) is not None


_YEAR = re.compile(r"(?:19|20)\d\d")
EPOCH_YEAR = 1970


def _is_sentinel(literal: str) -> bool:
    """The Unix epoch or earlier ("since the beginning", `datetime(1970, 1, 1)`) is a
    sentinel, not a date on which behaviour changes."""
    year = _YEAR.search(literal)
    return year is not None and int(year.group()) <= EPOCH_YEAR


def date_rule(line: str) -> str | None:
    """The rule a line breaks, or None: a date literal that gates behaviour."""
    if ("19" not in line and "20" not in line) or _COMMENT.match(line):
        return None
    if any(not _is_sentinel(m.group()) for m in _COMPARISON.finditer(line)):
        return "date-literal-comparison"
    for named in _NAMED_DATE.finditer(line):
        if DEADLINE_WORD.search(named.group("name")) and \
                not _is_sentinel(named.group()[len(named.group("name")):]):
            return "date-literal-deadline"
    for constructed in _CONSTRUCTOR.finditer(line):
        if _is_sentinel(constructed.group()):
            continue
        before = line[:constructed.start()]
        if _GATING.search(line) or _CONSTANT_BINDING.match(before):
            return "date-constructor-literal"
        if not _DATA_PROPERTY.search(before):
            return "date-constructor-literal"
    return None


class DateDetector:
    """Finds calendar dates hardcoded into application logic."""

    name = "dates"

    def detect(self, ctx: DetectionContext) -> Iterator[Finding]:
        for changed in ctx.files(*CODE_LANGUAGES - {"sql"}):
            if ctx.is_test(changed.path) or is_data_path(changed.path):
                continue
            for line_no, text in changed.added_lines.items():
                rule_id = date_rule(text)
                if rule_id is None:
                    continue
                yield ctx.finding(
                    rule_id=rule_id, violation_type="hardcoded_date",
                    detector=self.name, changed=changed, line=line_no,
                    message="A hardcoded date drives this logic; it will silently "
                            "change behaviour on that day.",
                    suggested_fix="Read the date from configuration or a feature "
                                  "flag, and compare against an injected clock.")
