"""structlog set-up: JSON lines in CI, readable console locally, secrets redacted.

Every event carries the run's `trace_id` (bound through structlog's contextvars), and
every string value passes through the same redactor as findings, so a token that slips
into an event never reaches the log.
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from collections.abc import MutableMapping
from typing import Any

import structlog

from veroscore.detect.secret_patterns import redact
from veroscore.report.escape import inert_line


def new_trace_id() -> str:
    return uuid.uuid4().hex


def _redact_event(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = redact(value).replace("##[", "##\u200b[")
    return event


class _RedactingStderrHandler(logging.Handler):
    """Library logs (PyGithub, httpx, psycopg) go to the stderr of the moment, redacted:
    a handler holding an old stream would write to a closed file."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(inert_line(redact(self.format(record))) + "\n")
        except (ValueError, OSError):
            self.handleError(record)


class _StderrOfTheMoment:
    """A file that writes to whatever `sys.stderr` is when a line is logged.

    structlog's print logger keeps the file it was given; a long-lived task (the
    dashboard's change feed) would otherwise write to a stream closed long ago."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(trace_id: str, debug: bool = False) -> None:
    """Configure structlog for this process; logs go to stderr, reports to stdout.

    Locally only warnings are shown (the report is the output); CI gets every event.
    """
    in_ci = bool(os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS"))
    renderer: Any = structlog.processors.JSONRenderer() if in_ci else \
        structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty() and "NO_COLOR" not in os.environ)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _redact_event,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.DEBUG if debug else logging.INFO if in_ci else logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(file=_StderrOfTheMoment()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
    handler = _RedactingStderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, handlers=[handler],
                        force=True)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(trace_id=trace_id)
