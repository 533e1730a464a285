"""Links to pull requests on GitHub or GitHub Enterprise."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import quote

_REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
DEFAULT_SERVER = "https://github.com"


def github_server(configured: str | None, env: Mapping[str, str] = os.environ) -> str:
    """The config's server, else GITHUB_SERVER_URL (set on Enterprise runners), else
    github.com; only http(s) URLs are used."""
    for candidate in (configured, env.get("GITHUB_SERVER_URL")):
        if candidate and candidate.startswith(("https://", "http://")):
            return candidate.rstrip("/")
    return DEFAULT_SERVER


def pr_url(server: str, repository: str, pr_number: int | None) -> str | None:
    """The PR's page, or None when the record names no PR or no OWNER/NAME repository."""
    if pr_number is None or not _REPOSITORY.match(repository or ""):
        return None
    return f"{server}/{quote(repository, safe='/')}/pull/{int(pr_number)}"
