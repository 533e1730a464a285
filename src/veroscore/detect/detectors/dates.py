"""hardcoded_date: a date literal that drives logic (comparison, deadline, constructor).

Dates in comments, docs, changelogs and migration names are not findings; only code
whose behaviour changes on a calendar day nobody will remember is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veroscore.detect.base import DetectionContext
from veroscore.detect.finding import Finding
from veroscore.diff.language import CODE_LANGUAGES

DATE = r"(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ][\d:.]+Z?)?"
DEADLINE = (r"\w*(?:deadline|expir\w*|cutoff|cut_off|until|due|launch|valid_?from|valid_?to|"
            r"start_?date|end_?date|sunset|go_?live)\w*")
_PATTERNS = (
    ("date-literal-comparison",
     re.compile(r"(?:[<>]=?|===?|!==?)\s*[\"'`]" + DATE + r"[\"'`]|[\"'`]" + DATE
                + r"[\"'`]\s*(?:[<>]=?|===?|!==?)")),
    ("date-literal-deadline",
     re.compile(r"\b" + DEADLINE + r"\s*[:=]\s*(?:new Date\(|date\.fromisoformat\(|"
                r"datetime\.fromisoformat\(|parse\w*\()?\s*[\"'`]" + DATE + r"[\"'`]",
                re.IGNORECASE)),
    ("date-constructor-literal",
     re.compile(r"new Date\(\s*(?:[\"'`]" + DATE + r"[\"'`]|(?:19|20)\d\d\s*,)|"
                r"\b(?:datetime|date)\(\s*(?:19|20)\d\d\s*,\s*\d{1,2}\s*,|"
                r"\b(?:datetime|date)\.fromisoformat\(\s*[\"']" + DATE + r"[\"']")),
)
_COMMENT = re.compile(r"^\s*(?:#|//|/?\*|--)")


class DateDetector:
    """Finds calendar dates hardcoded into application logic."""

    name = "dates"

    def detect(self, ctx: DetectionContext) -> Iterator[Finding]:
        for changed in ctx.files(*CODE_LANGUAGES - {"sql"}):
            if ctx.is_test(changed.path):
                continue
            for line_no, text in changed.added_lines.items():
                if _COMMENT.match(text):
                    continue
                for rule_id, pattern in _PATTERNS:
                    if pattern.search(text):
                        yield ctx.finding(
                            rule_id=rule_id, violation_type="hardcoded_date",
                            detector=self.name, changed=changed, line=line_no,
                            message="A hardcoded date drives this logic; it will silently "
                                    "change behaviour on that day.",
                            suggested_fix="Read the date from configuration or a feature "
                                          "flag, and compare against an injected clock.")
                        break
