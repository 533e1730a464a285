"""missing_tests: application source changed while no test file changed at all.

File-level by nature, so these findings carry no line and are exempt from the diff
filter. Test-file patterns come from the config (`paths.tests`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veroscore.detect.base import DetectionContext
from veroscore.detect.finding import Finding
from veroscore.diff import FileStatus

_SOURCE_LANGUAGES = ("python", "javascript", "typescript", "vue")
_NOT_APPLICATION = re.compile(r"(?:^|/)(?:migrations|scripts|docs|examples|bench|\.github)/|"
                              r"(?:^|/)(?:setup|conftest|manage|noxfile)\.py$|"
                              r"\.config\.[cm]?[jt]s$|\.d\.ts$|(?:^|/)__init__\.py$")


class MissingTestsDetector:
    """Flags each changed source file when the change touches no test at all."""

    name = "missing_tests"

    def detect(self, ctx: DetectionContext) -> Iterator[Finding]:
        if any(ctx.is_test(f.path) for f in ctx.changes.files
               if f.status is not FileStatus.DELETED):
            return
        for changed in ctx.files(*_SOURCE_LANGUAGES):
            if not changed.added_lines or _NOT_APPLICATION.search(changed.path):
                continue
            yield ctx.finding(
                rule_id="missing-tests", violation_type="missing_tests", detector=self.name,
                changed=changed, line=None,
                message=f"{len(changed.added_lines)} line(s) of source changed and no test "
                        "changed in this pull request.",
                suggested_fix="Add or update a test that exercises this change.")
