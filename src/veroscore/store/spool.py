"""Nothing lost: a record the store could not take goes to a spool file, replayed later.

One JSON document per line, redacted. Each record is written whole: one `write` of the
complete line to a file opened for appending, then `fsync`; a file whose last line was
torn (a crash mid-write, a full disk) first gets a newline, so the torn line stays one bad
line and never swallows the next record. Replay validates every line before it sends any,
names each bad line by file and line number, and goes through the store's normal
idempotent write, so replaying a file twice (or one partly recorded) inserts each score
exactly once.
"""

from __future__ import annotations

import errno
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from veroscore.detect.secret_patterns import redact_data
from veroscore.errors import InputError, StoreError
from veroscore.store.base import ScoreRecord, Store, payload_problem
from veroscore.store.failure import StoreFailure, describe

RECORD_FIELDS = ("repository", "pr_number", "head_sha", "config_hash", "engine_version",
                 "trace_id", "payload")
LOG_PREFIX = b"veroscore-record: "


class SpoolError(StoreError):
    """The spool file could not be written; the message names the path and the reason."""


def default_spool_dir() -> Path:
    configured = os.environ.get("VEROSCORE_SPOOL_DIR")
    return Path(configured) if configured else \
        Path(platformdirs.user_data_dir("veroscore")) / "spool"


def spool_line(record: ScoreRecord) -> str:
    """The record as one redacted JSON line (no newline inside: JSON escapes them)."""
    data = redact_data({"repository": record.repository, "pr_number": record.pr_number,
                        "head_sha": record.head_sha, "config_hash": record.config_hash,
                        "engine_version": record.engine_version, "trace_id": record.trace_id,
                        "payload": record.payload})
    return json.dumps(data, sort_keys=True, ensure_ascii=True)


def spool(record: ScoreRecord, folder: Path) -> Path:
    """Append the record to today's spool file in `folder`; returns the file.

    Raises `SpoolError` naming the path when it cannot be written (missing or read-only
    folder, disk full, a file in the folder's place)."""
    path = folder / f"veroscore-spool-{datetime.now(UTC):%Y%m%d}.jsonl"
    data = (spool_line(record) + "\n").encode("ascii")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise SpoolError(f"cannot write the spool file {path}: {_reason(exc)}") from None
    try:
        if _ends_torn(fd):
            data = b"\n" + data
        written = os.write(fd, data)
        while written < len(data):  # a short write: finish the line, never leave it torn
            written += os.write(fd, data[written:])
        os.fsync(fd)
    except OSError as exc:
        raise SpoolError(f"cannot write the spool file {path}: {_reason(exc)}") from None
    finally:
        os.close(fd)
    return path


def _ends_torn(fd: int) -> bool:
    """True when the file is not empty and its last byte is not a newline."""
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"


def _reason(exc: OSError) -> str:
    names = {errno.ENOSPC: "no space left on the device", errno.EROFS: "read-only file system",
             errno.EACCES: "permission denied", errno.ENOTDIR: "a path component is a file",
             errno.EISDIR: "it is a folder", errno.EDQUOT: "disk quota exceeded"}
    return names.get(exc.errno or 0, exc.strerror or type(exc).__name__)


@dataclass(frozen=True)
class Rejected:
    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class ReplayResult:
    inserted: int = 0
    already_recorded: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    store_error: str = ""
    not_sent: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.store_error


def parse_line(raw: bytes) -> ScoreRecord:
    """One spool line as a record; ValueError with the reason when it is not one."""
    marker = raw.find(LOG_PREFIX)
    if marker >= 0:  # a line copied from the job log, as the recorder wrote it there
        raw = raw[marker + len(LOG_PREFIX):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 (byte {exc.start + 1})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno}); a torn or corrupt "
                         "line") from None
    except RecursionError:
        raise ValueError("not a record (nested too deeply)") from None
    if not isinstance(data, dict):
        raise ValueError("not a VeroScore spool record (not a JSON object)")
    missing = [name for name in RECORD_FIELDS if name not in data]
    if missing:
        raise ValueError(f"not a VeroScore spool record (missing {', '.join(missing)})")
    problem = payload_problem(data["payload"])
    if problem:
        raise ValueError(f"invalid payload: {problem}")
    payload: dict[str, Any] = data["payload"]
    for name in ("repository", "head_sha", "config_hash", "engine_version"):
        if data[name] != payload.get(name):
            raise ValueError(f"{name} differs between the record and its payload")
    if data["pr_number"] != payload.get("pr_number") or not isinstance(data["trace_id"], str):
        raise ValueError("pr_number or trace_id do not match the payload")
    return ScoreRecord(data["repository"], data["pr_number"], data["head_sha"],
                       data["config_hash"], data["engine_version"], data["trace_id"], payload)


def read_spool(path: Path) -> tuple[list[tuple[int, ScoreRecord]], list[Rejected]]:
    """Every good record of the file with its line number, and every bad line."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: spool file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give a spool file (veroscore-spool-*.jsonl)"
                         ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the spool file ({_reason(exc)})") from None
    good: list[tuple[int, ScoreRecord]] = []
    bad: list[Rejected] = []
    lines = content.split(b"\n")
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            good.append((number, parse_line(raw.strip())))
        except ValueError as exc:
            torn = number == len(lines) and not content.endswith(b"\n")
            bad.append(Rejected(path, number, f"{exc}{' (the last line, torn)' if torn else ''}"))
    return good, bad


def replay(path: Path, store: Store) -> ReplayResult:
    """Validate the whole file, then send every good record to `store`.

    A record the store refuses is reported with its line; when the store stops answering
    the replay stops, and the records not sent are counted (running it again is safe)."""
    good, bad = read_spool(path)
    result = ReplayResult(rejected=bad)
    for index, (number, record) in enumerate(good):
        try:
            inserted = store.record(record)
        except StoreFailure as exc:
            if exc.kind == "rejected":
                result.rejected.append(Rejected(path, number, f"{describe(exc.kind)}: {exc}"))
                continue
            result.store_error = f"{describe(exc.kind)}: {exc}"
            result.not_sent = len(good) - index
            break
        except StoreError as exc:
            result.store_error = str(exc)
            result.not_sent = len(good) - index
            break
        if inserted:
            result.inserted += 1
        else:
            result.already_recorded += 1
    result.rejected.sort(key=lambda r: r.line)
    return result
