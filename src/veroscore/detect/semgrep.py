"""Run Semgrep once per run over the changed files and turn its JSON into Findings.

The post-change text of every changed file is staged in a temporary folder under its
repository path, so one process scans exactly the change (whatever the git state, and
for patch input too). An empty `.semgrepignore` there stops Semgrep's default ignores
(tests/, node_modules/) from hiding files the change touches.

The stage is pure scratch, so it goes on a RAM-backed /dev/shm when that has room:
creating a thousand small files on a runner's disk costs more than half a second, on
tmpfs a twentieth of that. Semgrep's own temporary files go inside the stage too (it
leaves one rules file per rule behind in TMPDIR otherwise) and are removed with it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from veroscore.detect.base import DetectionContext
from veroscore.detect.finding import Finding
from veroscore.diff import ChangedFile
from veroscore.errors import DetectorError

SEMGREP_LANGUAGES = ("python", "javascript", "typescript", "vue", "html")
_SEVERITY = {"ERROR": "high", "WARNING": "medium", "INFO": "low"}
SHM_DIR = "/dev/shm"
SHM_HEADROOM_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class SemgrepOutput:
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]
    ran: bool


def semgrep_command() -> str:
    """VEROSCORE_SEMGREP_BIN if set, else the semgrep next to this interpreter (a venv
    install), else the one on PATH."""
    configured = os.environ.get("VEROSCORE_SEMGREP_BIN")
    if configured:
        return configured
    beside = Path(sys.executable).parent / "semgrep"
    if beside.is_file():
        return str(beside)
    found = shutil.which("semgrep")
    if found is None:
        raise DetectorError("semgrep is not installed: pip install semgrep")
    return found


def _safe_relative(path: str) -> PurePosixPath | None:
    """Refuse absolute paths and `..`: a crafted patch must not write outside the stage."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        return None
    return pure


class RunningSemgrep:
    """A Semgrep process scanning a staged copy of the change, started before the Python
    detectors so both run at once; `finish` waits for it and maps its results."""

    def __init__(self, ctx: DetectionContext, rule_dirs: list[Path]) -> None:
        self._ctx = ctx
        self._targets = {f.path: f for f in ctx.files(*SEMGREP_LANGUAGES) if f.added_lines}
        self._stage = tempfile.TemporaryDirectory(prefix="veroscore-semgrep-",
                                                  dir=_scratch_parent(self._targets))
        root = Path(self._stage.name)
        try:
            self._notes = _stage(root / "tree", self._targets)
            (root / "tmp").mkdir()
            self._process = _start(root / "tree", rule_dirs, root / "tmp")
        except OSError as exc:
            self._stage.cleanup()
            raise DetectorError(f"cannot stage the changed files for Semgrep in "
                                f"{root.parent}: {exc.strerror or exc}") from None
        except BaseException:
            self._stage.cleanup()
            raise

    def finish(self) -> SemgrepOutput:
        try:
            stdout, stderr = self._process.communicate()
        finally:
            self._stage.cleanup()
        report = _parse(self._process.returncode, stdout, stderr)
        findings = tuple(_to_finding(self._ctx, r, self._targets)
                         for r in report.get("results", []) if r.get("path") in self._targets)
        notes = self._notes + [_error_note(e) for e in report.get("errors", [])]
        return SemgrepOutput(findings, tuple(notes), ran=True)

    def cancel(self) -> None:
        """Stop the process and remove the stage (an error elsewhere ended the run)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.communicate()
        self._stage.cleanup()


def start_semgrep(ctx: DetectionContext, rule_dirs: list[Path]) -> RunningSemgrep | None:
    """Start the one Semgrep process of a run; None when no changed file is for Semgrep."""
    if not any(f.added_lines for f in ctx.files(*SEMGREP_LANGUAGES)):
        return None
    return RunningSemgrep(ctx, rule_dirs)


def _scratch_parent(targets: dict[str, ChangedFile]) -> str | None:
    """/dev/shm when it can hold the stage four times over; else None (the temp dir)."""
    needed = sum(len(f.content or "") for f in targets.values()) * 4 + SHM_HEADROOM_BYTES
    try:
        usage = shutil.disk_usage(SHM_DIR)
    except OSError:
        return None
    return SHM_DIR if usage.free >= needed and os.access(SHM_DIR, os.W_OK) else None


def _stage(stage: Path, targets: dict[str, ChangedFile]) -> list[str]:
    stage.mkdir()
    (stage / ".semgrepignore").write_text("", encoding="utf-8")
    notes = []
    for path, changed in list(targets.items()):
        relative = _safe_relative(path)
        if relative is None:
            notes.append(f"{path}: unsafe path, not scanned by Semgrep")
            del targets[path]
            continue
        destination = stage / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(changed.content or "", encoding="utf-8", errors="replace")
    return notes


def _start(stage: Path, rule_dirs: list[Path], scratch: Path) -> subprocess.Popen[bytes]:
    command = [semgrep_command(), "scan", "--json", "--quiet", "--metrics=off",
               "--disable-version-check", "--no-git-ignore", "--disable-nosem",
               "--timeout", "30"]
    for rules in rule_dirs:
        command += ["--config", str(rules)]
    env = {**os.environ, "SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0",
           "TMPDIR": str(scratch)}
    try:
        return subprocess.Popen([*command, "."], cwd=stage, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
    except OSError as exc:
        raise DetectorError(f"cannot start semgrep ({command[0]}): {exc.strerror}") from None


def _parse(returncode: int, stdout: bytes, stderr: bytes) -> dict[str, Any]:
    try:
        report: dict[str, Any] = json.loads(stdout or b"{}")
    except json.JSONDecodeError:
        report = {}
    if returncode not in (0, 1) or "results" not in report:
        errors = report.get("errors") or [{"message": stderr.decode(errors="replace")}]
        first = str(errors[0].get("message", "unknown error")).strip().splitlines()
        raise DetectorError(f"semgrep failed (exit {returncode}): "
                            f"{first[0] if first else 'no output'}")
    return report


def _error_note(error: dict[str, Any]) -> str:
    where = error.get("path") or "semgrep"
    message = str(error.get("message", "")).strip().splitlines()
    return f"{where}: Semgrep could not analyse this file ({message[0] if message else '?'})"


def _to_finding(ctx: DetectionContext, result: dict[str, Any],
                targets: dict[str, ChangedFile]) -> Finding:
    extra = result.get("extra", {})
    metadata = extra.get("metadata", {}) or {}
    rule_id = str(result.get("check_id", "semgrep")).rsplit(".", 1)[-1]
    violation = str(metadata.get("violation_type", "custom_rule"))
    own_severity = None if violation in ctx.config.severities else \
        _SEVERITY.get(str(extra.get("severity", "")), "medium")
    return ctx.finding(
        rule_id=rule_id, violation_type=violation, detector="semgrep",
        changed=targets[result["path"]], line=int(result.get("start", {}).get("line", 1)),
        message=" ".join(str(extra.get("message", rule_id)).split()),
        suggested_fix=str(metadata.get("fix", "")), severity=own_severity)
