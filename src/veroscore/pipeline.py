"""Parse the "Enforcement Pipeline Compliance" section of a PR description.

The section (rendered for authors by `templates/pipeline_section.md.j2`) lists five steps
with a status and, under step 3, the required checks with Pass / Fail / N/A. It is
complete when every step is marked done, every required check is present and passing,
and nothing says Fail. `missing` names each gap in words an author can act on.

The description is written by the PR author, so nothing here may backtrack: every regular
expression is anchored or possessive, and the parts that a regex would have to guess
(heading ends, a step's status, a check's name) are cut with string methods, one pass
per line. The time is linear in the size of the description (bench/regex_linearity.py).
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

_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?=[^\n])", re.MULTILINE)
"""An ATX heading opener; the title is the rest of its line (see `_heading_title`)."""
_STEP = re.compile(r"step\s*+(?P<n>[1-5])\b", re.IGNORECASE)
_STEP_SEPARATORS = ("—", "–", ":", "-", "**")
_STATUS_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/✅❌ ")
_LIST_MARKER = re.compile(r"[ \t]*+(?:[-*→>]|\d++\.)?[ \t]*+(?:\[[ xX]\][ \t]*+)?")
_FAIL = re.compile(r"\bfail(?:ed)?\b|❌", re.IGNORECASE)


@dataclass(frozen=True)
class PipelineStatus:
    present: bool
    complete: bool
    bonus: float
    missing: tuple[str, ...]


def _heading_title(description: str, start: int) -> str:
    """The heading's text: the rest of its line without the closing `#`s and spaces."""
    end = description.find("\n", start)
    line = description[start:] if end < 0 else description[start:end]
    return line.strip().rstrip("#").rstrip()


def _section(description: str) -> str | None:
    """The text under the section heading, up to the next heading of any level."""
    headings = list(_HEADING.finditer(description))
    for index, heading in enumerate(headings):
        if SECTION_TITLE.lower() in _heading_title(description, heading.end()).lower():
            line_end = description.find("\n", heading.end())
            body_start = len(description) if line_end < 0 else line_end
            end = headings[index + 1].start() if index + 1 < len(headings) else len(description)
            return description[body_start:end]
    return None


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9+/]", "", text.lower())


def _without_parentheses(text: str) -> str:
    """`name (note)` -> `name `: each `(` up to the next `)`, as `\\(.*?\\)` would, in one pass."""
    kept: list[str] = []
    position = 0
    while True:
        opening = text.find("(", position)
        closing = text.find(")", opening + 1) if opening >= 0 else -1
        if closing < 0:
            kept.append(text[position:])
            return "".join(kept)
        kept.append(text[position:opening])
        position = closing + 1


def _status_after(rest: str) -> str | None:
    """The status a step line gives after its separator: letters up to `(` or the end.

    A status holds no separator, so within each stretch before a `(` only the last
    separator can introduce it; the first stretch where it does wins.
    """
    for stretch in rest.split("("):
        cut = max((stretch.rfind(sep) + len(sep) if sep in stretch else -1)
                  for sep in _STEP_SEPARATORS)
        if cut < 0:
            continue
        candidate = stretch[cut:]
        status = candidate.strip()
        if status and all(char in _STATUS_CHARS for char in status):
            return status.lower()
        if not status and " " in candidate:
            return ""
    return None


def _step_statuses(section: str) -> dict[int, str]:
    statuses: dict[int, str] = {}
    text = section.replace("**", " ** ")
    for match in _STEP.finditer(text):
        line_end = text.find("\n", match.end())
        status = _status_after(text[match.end():] if line_end < 0
                               else text[match.end():line_end])
        if status is not None:
            statuses.setdefault(int(match.group("n")), status)
    return statuses


def _check_statuses(section: str) -> dict[str, str]:
    wanted = {_normalise(name): name for name in REQUIRED_CHECKS}
    found: dict[str, str] = {}
    for line in section.split("\n"):
        if ":" not in line:
            continue
        marker = _LIST_MARKER.match(line)
        rest = line[marker.end():] if marker else line
        name, colon, status = rest.partition(":")
        if not colon or not name.strip():
            continue
        key = _normalise(_without_parentheses(name))
        for normalised, check in wanted.items():
            if key.startswith(normalised):
                found[check] = status.strip().lower()
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
    fails = [line.strip() for line in section.splitlines() if _FAIL.search(line)] \
        if _FAIL.search(section) else []
    missing += [f"'Fail' reported: {line[:80]}" for line in fails
                if not any(_normalise(name) in _normalise(line) for name in REQUIRED_CHECKS)]
    complete = not missing
    return PipelineStatus(True, complete, float(bonus) if complete else 0.0, tuple(missing))
