"""hardcoded_tenant_id: a UUID literal bound to a tenant/org/user/account id outside tests.

A hardcoded tenant id in application code pins every request to one tenant, which is
a tenant-isolation hole whichever tenant it is. Tests, migrations, seeds, fixtures, mocks
and stories hold sample tenants by design and are not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veroscore.detect.base import DetectionContext
from veroscore.detect.detectors.dates import is_data_path
from veroscore.detect.finding import Finding
from veroscore.diff.language import CODE_LANGUAGES

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
ID_NAME = re.compile(
    r"(?:tenant|org|organi[sz]ation|account|user|customer|company|workspace|team)_?id",
    re.IGNORECASE)
_BOUND = re.compile(
    r"(?<![\w$])(?P<name>[\w$]++)[\"']?[ \t]*+(?:===?|!==?|=|:)[ \t]*+[\"'`](?P<uuid>" + UUID
    + r")[\"'`]")
"""`name = "uuid"`, `name: "uuid"`, `name === "uuid"`; the name is read whole (possessive)
and must contain an ID_NAME."""
_FILTER = re.compile(
    r"\.(?:eq|neq|match|filter)\([ \t]*+[\"'`](?P<name>\w++)[\"'`][ \t]*+,[ \t]*+[\"'`]"
    r"(?P<uuid>" + UUID + r")[\"'`]")
_NIL = re.compile(r"^0{8}-0{4}-0{4}-0{4}-0{12}$")


class TenantIdDetector:
    """Finds tenant/user/org ids written into code instead of taken from the request."""

    name = "tenant_ids"

    def detect(self, ctx: DetectionContext) -> Iterator[Finding]:
        for changed in ctx.files(*CODE_LANGUAGES):
            if ctx.is_test(changed.path) or "/migrations/" in f"/{changed.path}" or \
                    is_data_path(changed.path):
                continue
            for line_no, text in changed.added_lines.items():
                match = bound_tenant_id(text)
                if match is None:
                    continue
                yield ctx.finding(
                    rule_id="hardcoded-tenant-id", violation_type="hardcoded_tenant_id",
                    detector=self.name, changed=changed, line=line_no,
                    message=f"Hardcoded id bound to '{match.group('name')}': every caller is "
                            "pinned to one tenant.",
                    suggested_fix="Take the id from the authenticated request context "
                                  "(JWT claims or session), never from a literal.")


def bound_tenant_id(line: str) -> re.Match[str] | None:
    """The first non-nil UUID literal bound to a tenant/org/user id name on `line`."""
    if len(line) < 36 or "-" not in line:
        return None
    for pattern in (_BOUND, _FILTER):
        for match in pattern.finditer(line):
            if ID_NAME.search(match.group("name")) and not _NIL.match(match.group("uuid")):
                return match
    return None
