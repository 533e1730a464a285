"""What went wrong with a store, in words the recorder, `health` and users act on.

Every back-end turns its errors into a `StoreFailure` with a `kind`, from the SQLSTATE that
Postgres (directly, or inside a PostgREST error body) reports:

- `conflict`: serialization failure or deadlock (40001, 40P01), retried with jitter;
- `timeout`: statement or lock time-out, idle transaction killed (57014, 55P03, 25P03);
- `unavailable`: cannot connect, connection lost, server shutting down, too many clients;
- `schema`: schema, table or function missing, or the schema older than this engine
  (`veroscore db migrate` fixes it; it is never reported as an outage);
- `permission`: the role may not do this (42501, a key without the service role);
- `rejected`: the database refused the record itself (invalid value, constraint).

The record is spooled in every case: nothing is lost, whatever the kind.
"""

from __future__ import annotations

from typing import Literal

from veroscore.detect.secret_patterns import redact
from veroscore.errors import StoreError

FailureKind = Literal["conflict", "timeout", "unavailable", "schema", "permission", "rejected"]

RETRYABLE = frozenset({"40001", "40P01"})
_TIMEOUT = frozenset({"57014", "55P03", "25P03"})
_SCHEMA = frozenset({"3F000", "42P01", "42883", "42703", "42P02"})
_SCHEMA_PREFIXES = ("PGRST202", "PGRST205", "PGRST106", "PGRST200", "PGRST204")


class StoreFailure(StoreError):
    """A store error with its kind; the message is redacted once, here."""

    def __init__(self, kind: FailureKind, message: str, sqlstate: str = "") -> None:
        super().__init__(redact(message))
        self.kind: FailureKind = kind
        self.sqlstate = sqlstate

    @property
    def is_outage(self) -> bool:
        """The store did not answer (in time): a later replay will likely succeed."""
        return self.kind in ("conflict", "timeout", "unavailable")


def kind_of(sqlstate: str) -> FailureKind:
    """The failure kind of a SQLSTATE (or a PostgREST `PGRST…` code)."""
    code = sqlstate.upper()
    if code in RETRYABLE:
        return "conflict"
    if code in _TIMEOUT:
        return "timeout"
    if code in _SCHEMA or code.startswith(_SCHEMA_PREFIXES):
        return "schema"
    if code == "42501" or code in ("PGRST301", "PGRST302", "PGRST303"):
        return "permission"
    if code.startswith(("22", "23")) or code == "P0001":
        return "rejected"
    return "unavailable"


def describe(kind: FailureKind) -> str:
    """A phrase for messages: what this kind means for the user."""
    return {
        "conflict": "the store kept reporting conflicts",
        "timeout": "the store did not answer in time",
        "unavailable": "the store is unavailable",
        "schema": "the store's schema is not usable (a schema problem, not an outage)",
        "permission": "the store refused the credentials",
        "rejected": "the store refused the record",
    }[kind]
