"""SARIF 2.1.0 for `github/codeql-action/upload-sarif` (code scanning alerts)."""

from __future__ import annotations

from typing import Any

from veroscore import __version__
from veroscore.detect.finding import Finding
from veroscore.diff.model import Unscanned

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
_SECURITY_SEVERITY = {"critical": "9.5", "high": "7.5", "medium": "5.0", "low": "2.0",
                      "info": "0.0"}


def _rule(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.rule_id,
        "name": finding.rule_id,
        "shortDescription": {"text": finding.violation_type.replace("_", " ")},
        "fullDescription": {"text": finding.message},
        "help": {"text": finding.suggested_fix or finding.message},
        "defaultConfiguration": {"level": _LEVEL.get(finding.severity, "warning")},
        "properties": {
            "tags": ["veroscore", finding.violation_type],
            "security-severity": _SECURITY_SEVERITY.get(finding.severity, "5.0"),
        },
    }


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVEL.get(finding.severity, "warning"),
        "message": {"text": f"{finding.message} Fix: {finding.suggested_fix}".strip()},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": finding.path},
            "region": {"startLine": finding.line or 1},
        }}],
        "partialFingerprints": {"veroscore/v1": finding.fingerprint},
        "properties": {"severity": finding.severity, "violation_type": finding.violation_type,
                       "detector": finding.detector, "penalty": finding.penalty},
    }
    if finding.suppressed:
        result["suppressions"] = [{"kind": "inSource",
                                   "justification": finding.suppression_reason}]
    return result


def _invocation(unscanned: tuple[Unscanned, ...]) -> dict[str, Any]:
    """Unscanned files as tool notifications: SARIF's place for "this was not analysed"."""
    return {"executionSuccessful": True, "toolExecutionNotifications": [
        {"level": "warning", "descriptor": {"id": "veroscore/unscanned"},
         "message": {"text": f"Not scanned: {u.path}: {u.reason}"},
         **({} if u.path.startswith("<") else  # "<N more file(s)>" is not a file
            {"locations": [{"physicalLocation": {"artifactLocation": {"uri": u.path}}}]})}
        for u in unscanned]}


def sarif_document(findings: tuple[Finding, ...], unscanned: tuple[Unscanned, ...] = ()
                   ) -> dict[str, Any]:
    """One run with one rule entry per distinct rule id, in order of first appearance;
    unscanned files, when any, as notifications of the run's invocation."""
    rules: dict[str, int] = {}
    rule_list: list[dict[str, Any]] = []
    results = []
    for finding in findings:
        if finding.rule_id not in rules:
            rules[finding.rule_id] = len(rule_list)
            rule_list.append(_rule(finding))
        results.append(_result(finding, rules[finding.rule_id]))
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "VeroScore", "version": __version__,
                                "semanticVersion": __version__,
                                "informationUri": "https://github.com/veroscore/veroscore",
                                "rules": rule_list}},
            "results": results,
            "columnKind": "utf16CodeUnits",
            **({"invocations": [_invocation(unscanned)]} if unscanned else {}),
        }],
    }
