"""action.yml and the workflows: schema-valid, inputs only through env, actions pinned."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import REPO_ROOT

ACTION = REPO_ROOT / "action.yml"
WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict[str, Any]:
    # PyYAML reads the key `on` as True; the schema check below reads it correctly.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps_of(path: Path) -> list[dict[str, Any]]:
    data = load(path)
    if "runs" in data:
        return list(data["runs"]["steps"])
    return [step for job in data["jobs"].values() for step in job["steps"]]


def check_jsonschema() -> str:
    return str(Path(sys.executable).parent / "check-jsonschema")


@pytest.mark.parametrize(("schema", "files"), [
    ("vendor.github-actions", [ACTION]),
    ("vendor.github-workflows", WORKFLOWS),
])
def test_schema_valid(schema: str, files: list[Path]) -> None:
    done = subprocess.run([check_jsonschema(), "--builtin-schema", schema,
                           *map(str, files)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda p: p.name)
def test_no_expression_inside_run_scripts(path: Path) -> None:
    for step in steps_of(path):
        assert "${{" not in step.get("run", ""), f"{path.name}: {step.get('name')}"


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda p: p.name)
def test_third_party_actions_are_pinned(path: Path) -> None:
    for step in steps_of(path):
        uses = step.get("uses")
        if uses and not uses.startswith("./"):
            assert PINNED.match(uses), uses


def test_every_action_input_reaches_the_cli() -> None:
    action = load(ACTION)
    score_step = next(s for s in action["runs"]["steps"] if s.get("id") == "score")
    passed = " ".join(score_step["env"].values())
    for name in action["inputs"]:
        if name != "python-version":
            assert f"inputs.{name} }}" in passed, name
    assert set(action["outputs"]) == {"score", "raw-score", "decision", "findings", "critical",
                                      "report-json", "sarif", "spool-file", "cli"}
    composite = [s for s in action["runs"]["steps"] if "run" in s]
    assert all(s.get("shell") == "bash" for s in composite)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_declare_minimal_permissions_and_concurrency(path: Path) -> None:
    data = load(path)
    assert "permissions" in data and data["permissions"].get("contents") == "read"
    assert "write-all" not in str(data["permissions"])
    assert "concurrency" in data
    for step in steps_of(path):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_pr_workflow_scores_the_right_events() -> None:
    data = load(REPO_ROOT / ".github" / "workflows" / "veroscore.yml")
    triggers = data[True]
    assert triggers["pull_request"]["types"] == ["opened", "synchronize", "reopened", "edited",
                                                 "ready_for_review"]
    assert "pr-number" in triggers["workflow_dispatch"]["inputs"]
    assert "pull_request.number" in data["concurrency"]["group"]


def _locked() -> dict[str, tuple[str, int]]:
    """action.lock as {normalised name: (version, number of hashes)}."""
    from packaging.utils import canonicalize_name

    entries: dict[str, tuple[str, int]] = {}
    name = ""
    for line in (REPO_ROOT / "action.lock").read_text(encoding="utf-8").splitlines():
        pin = re.match(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^ ;\\]+)", line)
        if pin:
            name = str(canonicalize_name(pin.group(1)))
            entries[name] = (pin.group(2), 0)
        elif "--hash=sha256:" in line and name:
            version, hashes = entries[name]
            entries[name] = (version, hashes + 1)
    return entries


def test_action_lock_pins_every_dependency_with_hashes() -> None:
    """A dependency added to pyproject.toml without `scripts/lock` would fail --require-hashes."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    locked = _locked()
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for spec in project["project"]["dependencies"]:
        requirement = Requirement(spec)
        name = str(canonicalize_name(requirement.name))
        assert name in locked, f"{name} is not in action.lock: run scripts/lock"
        version, _ = locked[name]
        assert requirement.specifier.contains(version), f"{name}=={version} vs {spec}"
    assert all(hashes > 0 for _, hashes in locked.values())


def test_action_installs_from_the_lock_and_caches_even_when_blocked() -> None:
    steps = {s.get("id"): s for s in load(ACTION)["runs"]["steps"] if s.get("id")}
    assert "--require-hashes" in steps["install"]["run"]
    assert steps["cache"]["uses"].startswith("actions/cache/restore@")
    save = next(s for s in load(ACTION)["runs"]["steps"]
                if str(s.get("uses", "")).startswith("actions/cache/save@"))
    assert save["if"].startswith("always()")
    key = save["with"]["key"]
    assert key == steps["cache"]["with"]["key"]
    for part in ("runner.os", "runner.arch", "python-version", "outputs.deps"):
        assert part in key, part
    assert "action.lock" in steps["hash"]["run"]
