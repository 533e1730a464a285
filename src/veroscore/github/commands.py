"""Workflow commands, step outputs and the step summary: how a step talks to the runner.

Property and message values are escaped as the runner's command parser requires, so a
path or message from a pull request cannot end a command early or inject another one.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from veroscore.detect.secret_patterns import redact
from veroscore.report.escape import inert_line as inert_line


def _escape_data(value: str) -> str:
    """The runner's own escaping, plus a v1 `##[` broken apart (belt and braces)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A") \
        .replace("##[", "##\u200b[")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(kind: str, message: str, **properties: str | int | None) -> str:
    """`::kind prop=value,…::message`, escaped and redacted."""
    props = ",".join(f"{key}={_escape_property(str(value))}"
                     for key, value in properties.items() if value not in (None, ""))
    return f"::{kind}{' ' + props if props else ''}::{_escape_data(redact(message))}"


def write_command(kind: str, message: str, **properties: str | int | None) -> None:
    """Send a workflow command to the runner, which reads them from stdout."""
    sys.stdout.write(workflow_command(kind, message, **properties) + "\n")


def write_stdout(text: str) -> None:
    """Plain text for the job log (the dry-run report), redacted. The text holds what a PR
    author wrote, so the runner's command parsing is stopped around it (`stop-commands`
    with a one-time token): no line of it can act as a workflow command."""
    token = secrets.token_hex(16)
    sys.stdout.write(f"::stop-commands::{token}\n{redact(text).rstrip(chr(10))}\n::{token}::\n")


def write_outputs(path: Path | None, outputs: dict[str, str]) -> None:
    """Append single-line `name=value` pairs to GITHUB_OUTPUT (a no-op outside Actions)."""
    if path is None:
        return
    with path.open("a", encoding="utf-8") as handle:
        for name, value in outputs.items():
            handle.write(f"{name}={value.replace(chr(10), ' ')}\n")


def append_summary(path: Path | None, markdown: str) -> None:
    """Append Markdown to the job's step summary (a no-op outside Actions)."""
    if path is None:
        return
    with path.open("a", encoding="utf-8") as handle:
        handle.write(redact(markdown) + "\n")
