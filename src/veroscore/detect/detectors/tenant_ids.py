"""hardcoded_tenant_id: a UUID literal bound to a tenant/org/user/account id outside tests.

A hardcoded tenant id in application code pins every request to one tenant, which is
a tenant-isolation hole whichever tenant it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veroscore.detect.base import DetectionContext
from veroscore.detect.finding import Finding
from veroscore.diff.language import CODE_LANGUAGES

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
ID_NAME = r"(?:tenant|org|organi[sz]ation|account|user|customer|company|workspace|team)_?id"
_BOUND = re.compile(
    r"(?P<name>\b\w*" + ID_NAME + r"\w*)[\"']?\s*(?:==|===|!==|!=|=|:)\s*[\"'`](?P<uuid>" + UUID
    + r")[\"'`]", re.IGNORECASE)
_FILTER = re.compile(
    r"\.(?:eq|neq|match|filter)\(\s*[\"'`](?P<name>\w*" + ID_NAME + r")[\"'`]\s*,\s*[\"'`]"
    r"(?P<uuid>" + UUID + r")[\"'`]", re.IGNORECASE)
_NIL = re.compile(r"^0{8}-0{4}-0{4}-0{4}-0{12}$")


class TenantIdDetector:
    """Finds tenant/user/org ids written into code instead of taken from the request."""

    name = "tenant_ids"

    def detect(self, ctx: DetectionContext) -> Iterator[Finding]:
        for changed in ctx.files(*CODE_LANGUAGES):
            if ctx.is_test(changed.path) or "/migrations/" in f"/{changed.path}":
                continue
            for line_no, text in changed.added_lines.items():
                match = _BOUND.search(text) or _FILTER.search(text)
                if match is None or _NIL.match(match.group("uuid")):
                    continue
                yield ctx.finding(
                    rule_id="hardcoded-tenant-id", violation_type="hardcoded_tenant_id",
                    detector=self.name, changed=changed, line=line_no,
                    message=f"Hardcoded id bound to '{match.group('name')}': every caller is "
                            "pinned to one tenant.",
                    suggested_fix="Take the id from the authenticated request context "
                                  "(JWT claims or session), never from a literal.")
