"""Which Auto-PR session a change belongs to: branch `auto-pr-<id>` or a `Session: <id>` line."""

from __future__ import annotations

import re

_BRANCH = re.compile(r"^auto-pr-(?P<id>[A-Za-z0-9._-]{1,100})$")
_LINE = re.compile(r"^[ \t]*(?:\*\*)?Session(?:\*\*)?[ \t]*:[ \t]*`?(?P<id>[A-Za-z0-9._-]{1,100})`?"
                   r"[ \t]*$", re.IGNORECASE | re.MULTILINE)


def session_id_of(head_ref: str, description: str) -> str | None:
    """The session id from the branch name first, else from the description."""
    branch = _BRANCH.match(head_ref or "")
    if branch:
        return branch.group("id")
    line = _LINE.search(description or "")
    return line.group("id") if line else None
