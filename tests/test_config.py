from __future__ import annotations

from pathlib import Path

import pytest

from veroscore.config import Config, load_config, parse_config
from veroscore.errors import ConfigError


def test_defaults_without_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(None) == Config()


def test_every_number_is_configurable() -> None:
    config = parse_config("""
score:
  weights: {security: 7}
  k: 20
  approve_at: 7.5
  block_below: 1
  pipeline_bonus: 3
  rule_compliance_min: -50
penalties: {hardcoded_date: -5}
severities: {hardcoded_date: medium}
rules: {severity: {python-print-in-app-code: low}, disabled: [js-console-log-in-app-code]}
paths: {exclude: ["vendor/**"], tests: ["spec/**"]}
tenant: {columns: [org_uuid]}
labels: {auto_block: [blocked]}
fail_on: review_required
""", "cfg.yml")
    assert config.score.weights["security"] == 7 and config.score.weights["code_quality"] == 3
    assert (config.score.k, config.score.approve_at, config.score.block_below) == (20, 7.5, 1)
    assert config.penalty_for("hardcoded_date") == -5
    assert config.severity_for("any", "hardcoded_date") == "medium"
    assert config.severity_for("python-print-in-app-code", "unstructured_logging") == "low"
    assert config.tenant_columns == ("org_uuid",)
    assert config.labels["auto_block"] == ["blocked"]
    assert config.labels["auto_approve"] == ["✅ auto-approved"]
    assert config.fail_on == "review_required"


@pytest.mark.parametrize(("text", "message"), [
    ("scoer: {}", "cfg.yml: unknown key 'scoer'"),
    ("score: {wieghts: {}}", "cfg.yml: unknown key 'score.wieghts'"),
    ("score: {weights: {speed: 1}}", "cfg.yml: unknown key 'score.weights.speed'"),
    ("score: {k: fast}", "cfg.yml: key 'score.k' must be a number, got str"),
    ("score: {k: 0}", "cfg.yml: key 'score.k' must be greater than 0"),
    ("penalties: {rls_violation: true}",
     "cfg.yml: key 'penalties.rls_violation' must be a number, got bool"),
    ("paths: {exclude: vendor}", "cfg.yml: key 'paths.exclude' must be a list, got str"),
    ("severities: {sql_injection: severe}",
     "cfg.yml: key 'severities.sql_injection' must be one of"),
    ("fail_on: sometimes", "cfg.yml: key 'fail_on' must be one of"),
    ("- a list", "cfg.yml: key '<top level>' must be a mapping, got list"),
    ("score: [1, 2", "cfg.yml: invalid YAML at line 1"),
    ("rules: {dirs: [../team-rules]}",
     "cfg.yml: key 'rules.dirs' must be a folder inside the repository, got '../team-rules'"),
    ("rules: {dirs: [/etc/rules]}", "cfg.yml: key 'rules.dirs' must be a folder inside"),
    ("architecture: {layers: {a: [x]}, forbidden: [{from: a, too: b}]}",
     "cfg.yml: unknown key 'architecture.forbidden[0].too' (allowed: from, to)"),
    ("architecture: {layers: {a: [x]}, forbidden: [{from: a}]}",
     "cfg.yml: key 'architecture.forbidden[0].to' is required"),
    ("architecture: {layers: {a: [x]}, forbidden: [{from: a, to: b}]}",
     "cfg.yml: key 'architecture.forbidden' names layer 'b'"),
    ("limits: {max_file_bytes: 0}", "cfg.yml: key 'limits.max_file_bytes' must be greater than 0"),
    ("labels: {auto_block: [1]}", "cfg.yml: key 'labels.auto_block[0]' must be a string, got int"),
    ("auto_merge: 1", "cfg.yml: key 'auto_merge' must be true or false, got int"),
    ("penalties: {sql_injection: '-50'}",
     "cfg.yml: key 'penalties.sql_injection' must be a number, got str"),
])
def test_invalid_config_names_file_and_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "cfg.yml")
    assert str(raised.value).startswith(message)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yml")


def test_empty_sections_read_as_absent() -> None:
    config = parse_config("rules:\npaths:\nlabels:\n", "cfg.yml")
    assert config == Config(source="cfg.yml")


def test_rule_folders_resolve_against_the_repository_root(tmp_path: Path) -> None:
    config = parse_config("rules: {dirs: [team-rules, ./more]}", "cfg.yml",
                          base_dir=tmp_path / ".github")
    assert config.rule_dirs == (tmp_path / "team-rules", tmp_path / "more")
    assert config.rule_dir_names == ("team-rules", "./more")


def test_the_unknown_key_message_lists_every_section() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config("scoer: {}", "cfg.yml")
    for section in ("score", "rules", "paths", "labels", "fail_on"):
        assert section in str(raised.value)
