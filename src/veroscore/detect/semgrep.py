"""Run Semgrep once per run over the changed files and turn its JSON into Findings.

The post-change text of every changed file is staged in a temporary folder under its
repository path, so one process scans exactly the change (whatever the git state, and
for patch input too). An empty `.semgrepignore` there stops Semgrep's default ignores
(tests/, node_modules/) from hiding files the change touches.
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


@dataclass(frozen=True)
class SemgrepOutput:
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]
    ran: bool


def semgrep_command() -> str:
    """The semgrep next to this interpreter (a venv install), else the one on PATH."""
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


def run_semgrep(ctx: DetectionContext, rule_dirs: list[Path]) -> SemgrepOutput:
    """Scan the changed files with every rule folder; one Semgrep process."""
    targets = {f.path: f for f in ctx.files(*SEMGREP_LANGUAGES) if f.added_lines}
    if not targets:
        return SemgrepOutput((), (), ran=False)
    with tempfile.TemporaryDirectory(prefix="veroscore-semgrep-") as stage:
        notes = _stage(Path(stage), targets)
        report = _invoke(Path(stage), rule_dirs)
    findings = tuple(_to_finding(ctx, r, targets) for r in report.get("results", [])
                     if r.get("path") in targets)
    notes += [_error_note(e) for e in report.get("errors", [])]
    return SemgrepOutput(findings, tuple(notes), ran=True)


def _stage(stage: Path, targets: dict[str, ChangedFile]) -> list[str]:
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


def _invoke(stage: Path, rule_dirs: list[Path]) -> dict[str, Any]:
    command = [semgrep_command(), "scan", "--json", "--quiet", "--metrics=off",
               "--disable-version-check", "--no-git-ignore", "--timeout", "30"]
    for rules in rule_dirs:
        command += ["--config", str(rules)]
    env = {**os.environ, "SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    done = subprocess.run([*command, "."], cwd=stage, capture_output=True, env=env, check=False)
    try:
        report: dict[str, Any] = json.loads(done.stdout or b"{}")
    except json.JSONDecodeError:
        report = {}
    if done.returncode not in (0, 1) or "results" not in report:
        errors = report.get("errors") or [{"message": done.stderr.decode(errors="replace")}]
        first = str(errors[0].get("message", "unknown error")).strip().splitlines()
        raise DetectorError(f"semgrep failed (exit {done.returncode}): "
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
