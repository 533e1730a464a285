"""Run Semgrep once per run over the changed files and turn its JSON into Findings.

The post-change text of every changed file is staged in a temporary folder under its
repository path, so one process scans exactly the change (whatever the git state, and
for patch input too). An empty `.semgrepignore` there stops Semgrep's default ignores
(tests/, node_modules/) from hiding files the change touches. A path that cannot live in
the stage as it is (absolute or with `..`, which `scan` may report) is staged under a
neutral name and mapped back; any other name, however odd, is staged as it is, so rules'
path filters see it.

Nothing Semgrep did not analyse passes as clean: a file it reports an error or time-out
for, or leaves out of its scanned list, is unscanned with the reason; a run that fails
as a whole makes every file it should have seen unscanned (a broken rule file is still a
configuration error).

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

from veroscore.config import SEVERITIES
from veroscore.detect.base import DetectionContext
from veroscore.detect.finding import Finding
from veroscore.detect.rule_languages import semgrep_languages
from veroscore.diff import ChangedFile, Unscanned
from veroscore.errors import DetectorError

_SEVERITY = {"ERROR": "high", "WARNING": "medium", "INFO": "low"}
SHM_DIR = "/dev/shm"
SHM_HEADROOM_BYTES = 64 * 1024 * 1024


_RULE_ERRORS = ("Rule", "InvalidRuleSchema", "Invalid rule", "Invalid YAML", "MissingPlugin")


@dataclass(frozen=True)
class SemgrepOutput:
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]
    ran: bool
    unscanned: tuple[Unscanned, ...] = ()


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
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "" in path.split("/"):
        return None
    return pure


def _stage_names(paths: list[str]) -> dict[str, str]:
    """Staged name -> path: the path itself when it is safe inside the stage, else a
    neutral name under `_outside/` that keeps the folder names and the file name."""
    staged: dict[str, str] = {}
    for index, path in enumerate(paths):
        if _safe_relative(path) is not None and path not in staged:
            staged[path] = path
            continue
        parts = [p if p not in ("", ".", "..", "/") else "_" for p in PurePosixPath(path).parts]
        staged[f"_outside/{index}/" + "/".join(parts).lstrip("/")] = path
    return staged


def rule_languages(rule_dirs: list[Path]) -> frozenset[str]:
    """The languages the run's Semgrep rules cover (our names)."""
    return semgrep_languages(tuple(rule_dirs))


class RunningSemgrep:
    """A Semgrep process scanning a staged copy of the change, started before the Python
    detectors so both run at once; `finish` waits for it and maps its results."""

    def __init__(self, ctx: DetectionContext, rule_dirs: list[Path]) -> None:
        self._ctx = ctx
        files = {f.path: f for f in ctx.files(*rule_languages(rule_dirs)) if f.added_lines}
        self._targets = {staged: files[path] for staged, path in _stage_names(list(files)).items()}
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
        if report is None:
            return SemgrepOutput((), tuple(self._notes), True, _all_unscanned(
                self._targets, self._process.returncode, stdout, stderr))
        results = _without_superseded([r for r in report.get("results", [])
                                       if r.get("path") in self._targets])
        findings = tuple(_to_finding(self._ctx, r, self._targets) for r in results)
        notes = self._notes + [_error_note(e) for e in report.get("errors", [])
                               if str(e.get("path") or "") not in self._targets]
        return SemgrepOutput(findings, tuple(notes), True, _unscanned(report, self._targets))

    def cancel(self) -> None:
        """Stop the process and remove the stage (an error elsewhere ended the run)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.communicate()
        self._stage.cleanup()


def start_semgrep(ctx: DetectionContext, rule_dirs: list[Path]) -> RunningSemgrep | None:
    """Start the one Semgrep process of a run; None when no changed file is for Semgrep."""
    if not any(f.added_lines for f in ctx.files(*rule_languages(rule_dirs))):
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
    for staged, changed in targets.items():
        destination = stage / staged
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(changed.content or "", encoding="utf-8", errors="replace")
    return []


def _start(stage: Path, rule_dirs: list[Path], scratch: Path) -> subprocess.Popen[bytes]:
    command = [semgrep_command(), "scan", "--json", "--quiet", "--metrics=off",
               "--disable-version-check", "--no-git-ignore", "--disable-nosem",
               "--timeout", "30", "--max-target-bytes=0"]
    for rules in rule_dirs:
        command += ["--config", str(rules)]
    env = {**os.environ, "SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0",
           "TMPDIR": str(scratch)}
    try:
        return subprocess.Popen([*command, "."], cwd=stage, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
    except OSError as exc:
        raise DetectorError(f"cannot start semgrep ({command[0]}): {exc.strerror}") from None


def _parse(returncode: int, stdout: bytes, stderr: bytes) -> dict[str, Any] | None:
    """Semgrep's report; None when the run failed as a whole. A rule that does not load
    is the configuration's fault and stops the run with its message."""
    try:
        report: dict[str, Any] = json.loads(stdout or b"{}")
    except json.JSONDecodeError:
        report = {}
    if returncode in (0, 1) and "results" in report:
        return report
    errors = report.get("errors") or []
    for error in errors:
        kind = str(error.get("type", ""))
        if not error.get("path") and any(marker in kind for marker in _RULE_ERRORS):
            first = str(error.get("message", kind)).strip().splitlines()
            raise DetectorError(f"semgrep cannot load the rules (exit {returncode}): "
                                f"{first[0] if first else kind}")
    return None


def _failure(returncode: int, stdout: bytes, stderr: bytes) -> str:
    try:
        errors = json.loads(stdout or b"{}").get("errors") or []
    except (json.JSONDecodeError, AttributeError):
        errors = []
    message = str(errors[0].get("message", "")) if errors and isinstance(errors[0], dict) \
        else stderr.decode(errors="replace")
    lines = message.strip().splitlines()
    return f"Semgrep failed (exit {returncode}: {lines[-1][:200] if lines else 'no output'})"


def _all_unscanned(targets: dict[str, ChangedFile], returncode: int, stdout: bytes,
                   stderr: bytes) -> tuple[Unscanned, ...]:
    reason = _failure(returncode, stdout, stderr) + "; the code rules did not run on it"
    return tuple(Unscanned(changed.path, reason) for changed in targets.values())


def _error_kind(error: dict[str, Any]) -> str:
    kind = error.get("type", "error")
    return str(kind[0] if isinstance(kind, list) and kind else kind)


def _unscanned(report: dict[str, Any], targets: dict[str, ChangedFile]
               ) -> tuple[Unscanned, ...]:
    """Files Semgrep reported an error or time-out for, or did not list as scanned."""
    reasons: dict[str, str] = {}
    for error in report.get("errors", []):
        staged = str(error.get("path") or "")
        if staged in targets and staged not in reasons:
            message = str(error.get("message", "")).strip().splitlines()
            reasons[staged] = (f"Semgrep could not analyse it ({_error_kind(error)}: "
                               f"{message[0][:160] if message else '?'})")
    scanned = (report.get("paths") or {}).get("scanned")
    if isinstance(scanned, list):
        seen = {str(p).removeprefix("./") for p in scanned}
        for staged in targets:
            if staged not in seen:
                reasons.setdefault(staged, "Semgrep did not scan it")
    return tuple(Unscanned(targets[s].path, reason) for s, reason in sorted(reasons.items()))


def _error_note(error: dict[str, Any]) -> str:
    where = error.get("path") or "semgrep"
    message = str(error.get("message", "")).strip().splitlines()
    return f"{where}: Semgrep could not analyse this file ({message[0] if message else '?'})"


def _rule_id(result: dict[str, Any]) -> str:
    return str(result.get("check_id", "semgrep")).rsplit(".", 1)[-1]


def _without_superseded(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop a result whose rule names, in `metadata.superseded_by`, a stronger rule that
    fired on the same line: the tiers of one check (request data reaching a SQL call,
    critical; a value of unknown origin, high) report a line once, at the stronger level."""
    fired = {(_rule_id(r), r.get("path"), r.get("start", {}).get("line")) for r in results}

    def superseded(result: dict[str, Any]) -> bool:
        metadata = result.get("extra", {}).get("metadata", {}) or {}
        stronger = metadata.get("superseded_by") or []
        names = [stronger] if isinstance(stronger, str) else list(stronger)
        where = (result.get("path"), result.get("start", {}).get("line"))
        return any((str(name), *where) in fired for name in names)

    return [r for r in results if not superseded(r)]


def _to_finding(ctx: DetectionContext, result: dict[str, Any],
                targets: dict[str, ChangedFile]) -> Finding:
    extra = result.get("extra", {})
    metadata = extra.get("metadata", {}) or {}
    rule_id = _rule_id(result)
    violation = str(metadata.get("violation_type", "custom_rule"))
    own_severity = _own_severity(metadata, str(extra.get("severity", "")),
                                 violation in ctx.config.severities)
    return ctx.finding(
        rule_id=rule_id, violation_type=violation, detector="semgrep",
        changed=targets[result["path"]], line=int(result.get("start", {}).get("line", 1)),
        message=" ".join(str(extra.get("message", rule_id)).split()),
        suggested_fix=str(metadata.get("fix", "")), severity=own_severity)


def _own_severity(metadata: dict[str, Any], semgrep_level: str, typed: bool) -> str | None:
    """The rule's own level: `metadata.severity` when it names one (a weaker tier of a
    check, such as SQL built from a value of unknown origin); otherwise none for a known
    violation type (its configured level applies) and Semgrep's level for other rules.
    `rules.severity` in the configuration still overrides both."""
    declared = str(metadata.get("severity", "")).lower()
    if declared in SEVERITIES:
        return declared
    return None if typed else _SEVERITY.get(semgrep_level, "medium")
