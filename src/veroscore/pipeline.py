"""Parse the "Enforcement Pipeline Compliance" section of a PR description.

The section (rendered for authors by `templates/pipeline_section.md.j2`) lists five steps
with a status and, under step 3, the required checks with Pass / Fail / N/A. It is
complete when every step is marked done, every required check is present and passing,
and nothing says Fail. `missing` names each gap in words an author can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SECTION_TITLE = "Enforcement Pipeline Compliance"
STEPS = (
    "Search & Discovery",
    "Pattern Analysis",
    "Compliance Check",
    "Implementation Plan",
    "Post-Implementation Audit",
)
REQUIRED_CHECKS = (
    "RLS/tenant isolation",
    "Architecture boundaries",
    "No hardcoded values",
    "Structured logging + traceId",
    "Error resilience",
)
DONE_STATUSES = frozenset({"completed", "complete", "done", "pass", "passed", "yes", "✅"})
PASSING_CHECKS = frozenset({"pass", "passed", "n/a", "na", "not applicable", "yes", "✅"})

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(?P<title>.+?)\s*#*\s*$", re.MULTILINE)
_STEP = re.compile(r"step\s*(?P<n>[1-5])\b[^\n]*?(?:[—–:-]|\*\*)\s*(?P<status>[A-Za-z/✅❌ ]+?)"
                   r"\s*(?:\(|$)", re.IGNORECASE | re.MULTILINE)
_CHECK_LINE = re.compile(r"^\s*(?:[-*→>]|\d+\.)?\s*(?:\[[ xX]\]\s*)?(?P<name>[^:\n]+?)\s*:\s*"
                         r"(?P<status>[^\n]*?)\s*$", re.MULTILINE)
_FAIL = re.compile(r"\bfail(?:ed)?\b|❌", re.IGNORECASE)


@dataclass(frozen=True)
class PipelineStatus:
    present: bool
    complete: bool
    bonus: float
    missing: tuple[str, ...]


def _section(description: str) -> str | None:
    """The text under the section heading, up to the next heading of any level."""
    headings = list(_HEADING.finditer(description))
    for index, heading in enumerate(headings):
        if SECTION_TITLE.lower() in heading.group("title").lower():
            end = headings[index + 1].start() if index + 1 < len(headings) else len(description)
            return description[heading.end():end]
    return None


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9+/]", "", text.lower())


def _step_statuses(section: str) -> dict[int, str]:
    statuses: dict[int, str] = {}
    for match in _STEP.finditer(section.replace("**", " ** ")):
        statuses.setdefault(int(match.group("n")), match.group("status").strip().lower())
    return statuses


def _check_statuses(section: str) -> dict[str, str]:
    wanted = {_normalise(name): name for name in REQUIRED_CHECKS}
    found: dict[str, str] = {}
    for match in _CHECK_LINE.finditer(section):
        key = _normalise(re.sub(r"\(.*?\)", "", match.group("name")))
        for normalised, name in wanted.items():
            if key.startswith(normalised):
                found[name] = match.group("status").strip().lower()
    return found


def parse_pipeline(description: str, bonus: float) -> PipelineStatus:
    """Check the description's compliance section; award `bonus` only when complete."""
    section = _section(description or "")
    if section is None:
        return PipelineStatus(False, False, 0.0,
                              (f'the "{SECTION_TITLE}" section is missing from the description',))
    missing: list[str] = []
    steps = _step_statuses(section)
    for number, name in enumerate(STEPS, start=1):
        status = steps.get(number)
        if status is None:
            missing.append(f"Step {number}: {name} is missing")
        elif status not in DONE_STATUSES:
            missing.append(f"Step {number}: {name} is not marked Completed (found '{status}')")
    checks = _check_statuses(section)
    for name in REQUIRED_CHECKS:
        status = checks.get(name)
        if status is None:
            missing.append(f"required check '{name}' is missing")
        elif status.split()[0].rstrip(".,") not in PASSING_CHECKS and status not in PASSING_CHECKS:
            missing.append(f"required check '{name}' is '{status}', not Pass")
    fails = [line.strip() for line in section.splitlines() if _FAIL.search(line)]
    missing += [f"'Fail' reported: {line[:80]}" for line in fails
                if not any(_normalise(name) in _normalise(line) for name in REQUIRED_CHECKS)]
    complete = not missing
    return PipelineStatus(True, complete, float(bonus) if complete else 0.0, tuple(missing))
