"""One typed configuration, built once per run from defaults overlaid by `.github/veroscore.yml`.

The file is validated on load: an unknown key or a value of the wrong type is a `ConfigError`
naming the file and the dotted key, because a silently ignored typo in a governance gate
means a rule the team believes is on is off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from veroscore.errors import ConfigError

DEFAULT_CONFIG_PATH = Path(".github/veroscore.yml")

SEVERITIES = ("critical", "high", "medium", "low", "info")
DECISIONS = ("auto_block", "review_required", "auto_approve")

DEFAULT_WEIGHTS: dict[str, float] = {
    "code_quality": 3,
    "test_coverage": 4,
    "documentation": 2,
    "architecture": 4,
    "security": 5,
    "rule_compliance": 5,
}

DEFAULT_PENALTIES: dict[str, float] = {
    "rls_violation": -100,
    "architecture_drift": -75,
    "hardcoded_secret": -60,
    "hardcoded_tenant_id": -60,
    "hardcoded_date": -60,
    "xss_vulnerability": -50,
    "sql_injection": -50,
    "unstructured_logging": -30,
    "missing_trace_id": -20,
    "missing_tests": -15,
    "poor_error_handling": -10,
}

DEFAULT_SEVERITIES: dict[str, str] = {
    "rls_violation": "critical",
    "architecture_drift": "high",
    "hardcoded_secret": "critical",
    "hardcoded_tenant_id": "critical",
    "hardcoded_date": "high",
    "xss_vulnerability": "critical",
    "sql_injection": "critical",
    "unstructured_logging": "medium",
    "missing_trace_id": "low",
    "missing_tests": "medium",
    "poor_error_handling": "medium",
}

DEFAULT_TEST_PATTERNS = [
    "tests/**", "test/**", "**/tests/**", "**/test/**", "**/__tests__/**",
    "**/test_*.py", "**/*_test.py", "**/*.test.*", "**/*.spec.*", "**/conftest.py",
]

DEFAULT_LABELS: dict[str, list[str]] = {
    "auto_block": ["🚫 auto-blocked", "needs-fixes"],
    "review_required": ["👀 needs-review"],
    "auto_approve": ["✅ auto-approved"],
}


@dataclass(frozen=True)
class ScoreConfig:
    """Every number of the Hybrid Score v2.1 (DESIGN §3)."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    k: float = 15.0
    pipeline_bonus: float = 5.0
    rule_compliance_base: float = 6.0
    rule_compliance_min: float = -1000.0
    rule_compliance_max: float = 10.0
    high_scale: float = 1.8
    high_unit: float = 0.1
    medium_scale: float = 6.0
    medium_unit: float = 50.0
    block_below: float = 0.05
    approve_at: float = 6.0


@dataclass(frozen=True)
class ArchitectureRule:
    """Files in layer `source` must not import from layer `target`."""

    source: str
    target: str


@dataclass(frozen=True)
class Config:
    """The validated configuration of one run."""

    source: str = "<defaults>"
    score: ScoreConfig = field(default_factory=ScoreConfig)
    penalties: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_PENALTIES))
    severities: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SEVERITIES))
    rule_severity: dict[str, str] = field(default_factory=dict)
    disabled_rules: tuple[str, ...] = ()
    rule_dirs: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    test_patterns: tuple[str, ...] = tuple(DEFAULT_TEST_PATTERNS)
    scan_tests: bool = False
    tenant_columns: tuple[str, ...] = ("tenant_id", "org_id", "organization_id", "account_id")
    tenant_tables: tuple[str, ...] = ()
    exposed_schemas: tuple[str, ...] = ("public",)
    layers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    forbidden_imports: tuple[ArchitectureRule, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    reviewers: tuple[str, ...] = ()
    fail_on: str = "auto_block"
    auto_merge: bool = False
    merge_method: str = "squash"
    max_file_bytes: int = 1024 * 1024

    def severity_for(self, rule_id: str, violation_type: str) -> str:
        """Per-rule override first, then the violation type's severity."""
        return self.rule_severity.get(rule_id, self.severities.get(violation_type, "medium"))

    def penalty_for(self, violation_type: str) -> float:
        """Penalty of a violation type; types outside the table cost nothing."""
        return self.penalties.get(violation_type, 0.0)


def load_config(path: Path | None) -> Config:
    """Load `path`, or the default file if present, or the built-in defaults."""
    if path is None:
        if not DEFAULT_CONFIG_PATH.is_file():
            return Config()
        path = DEFAULT_CONFIG_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from None
    return parse_config(text, str(path), base_dir=path.parent)


def parse_config(text: str, source: str, base_dir: Path = Path(".")) -> Config:
    """Validate YAML text and build a `Config`; `source` names the file in errors."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None)
        raise ConfigError(f"{source}: invalid YAML{where}" + (f" ({problem})" if problem else "")
                          ) from None
    if data is None:
        return Config(source=source)
    reader = _Reader(source)
    root = reader.mapping(data, "")
    reader.check_keys(root, "", _TOP_LEVEL_KEYS)
    return _build(reader, root, source, base_dir)


_TOP_LEVEL_KEYS = {
    "version", "score", "penalties", "severities", "rules", "paths", "tenant",
    "supabase", "architecture", "labels", "reviewers", "fail_on", "limits", "auto_merge",
    "merge_method",
}


def _build(r: _Reader, root: Mapping[str, Any], source: str, base_dir: Path) -> Config:
    defaults = Config()
    rules = r.section(root, "rules", {"severity", "disabled", "dirs"})
    paths = r.section(root, "paths", {"exclude", "tests", "scan_tests"})
    tenant = r.section(root, "tenant", {"columns", "tables"})
    supabase = r.section(root, "supabase", {"exposed_schemas"})
    limits = r.section(root, "limits", {"max_file_bytes"})
    layers, forbidden, aliases = _architecture(
        r, r.section(root, "architecture", {"layers", "forbidden", "aliases"}))
    return Config(
        source=source,
        score=_score_config(r, r.section(root, "score", _SCORE_KEYS)),
        penalties={**defaults.penalties, **r.number_map(root.get("penalties"), "penalties")},
        severities={**defaults.severities, **r.severity_map(root.get("severities"), "severities")},
        rule_severity=r.severity_map(rules.get("severity"), "rules.severity"),
        disabled_rules=tuple(r.strings(rules.get("disabled", []), "rules.disabled")),
        rule_dirs=tuple(_repo_root(base_dir) / d
                        for d in r.strings(rules.get("dirs", []), "rules.dirs")),
        exclude=tuple(r.strings(paths.get("exclude", []), "paths.exclude")),
        test_patterns=tuple(r.strings(paths.get("tests", defaults.test_patterns), "paths.tests")),
        scan_tests=r.boolean(paths.get("scan_tests", False), "paths.scan_tests"),
        tenant_columns=tuple(
            r.strings(tenant.get("columns", defaults.tenant_columns), "tenant.columns")),
        tenant_tables=tuple(r.strings(tenant.get("tables", []), "tenant.tables")),
        exposed_schemas=tuple(r.strings(supabase.get("exposed_schemas", defaults.exposed_schemas),
                                        "supabase.exposed_schemas")),
        layers=layers,
        forbidden_imports=forbidden,
        aliases=aliases,
        labels=_labels(r, root.get("labels")),
        reviewers=tuple(r.strings(root.get("reviewers", []), "reviewers")),
        fail_on=r.choice(root.get("fail_on", "auto_block"), "fail_on", (*DECISIONS, "never")),
        auto_merge=r.boolean(root.get("auto_merge", False), "auto_merge"),
        merge_method=r.choice(root.get("merge_method", "squash"), "merge_method",
                              ("merge", "squash", "rebase")),
        max_file_bytes=int(r.number(limits.get("max_file_bytes", defaults.max_file_bytes),
                                    "limits.max_file_bytes")),
    )


def _repo_root(config_dir: Path) -> Path:
    """Rule folders are relative to the repository: the parent of `.github/`."""
    return config_dir.parent if config_dir.name == ".github" else config_dir


def _architecture(r: _Reader, arch: Mapping[str, Any]
                  ) -> tuple[dict[str, tuple[str, ...]], tuple[ArchitectureRule, ...],
                             dict[str, str]]:
    layers = {name: tuple(r.strings(globs, f"architecture.layers.{name}"))
              for name, globs in r.mapping(arch.get("layers", {}), "architecture.layers").items()}
    aliases = {k: r.string(v, f"architecture.aliases.{k}")
               for k, v in r.mapping(arch.get("aliases", {}), "architecture.aliases").items()}
    forbidden = _forbidden(r, arch.get("forbidden", []))
    for rule in forbidden:
        for layer in (rule.source, rule.target):
            if layer not in layers:
                raise ConfigError(f"{r.source}: key 'architecture.forbidden' names layer "
                                  f"'{layer}', which 'architecture.layers' does not define")
    return layers, forbidden, aliases


_SCORE_KEYS = {
    "weights", "k", "pipeline_bonus", "rule_compliance_base", "rule_compliance_min",
    "rule_compliance_max", "block_below", "approve_at",
    "high_scale", "high_unit", "medium_scale", "medium_unit",
}


def _score_config(r: _Reader, raw: Mapping[str, Any]) -> ScoreConfig:
    base = ScoreConfig()
    weights = r.number_map(raw.get("weights"), "score.weights")
    r.check_keys(weights, "score.weights", set(DEFAULT_WEIGHTS))
    numbers = {key: r.number(raw[key], f"score.{key}") for key in _SCORE_KEYS - {"weights"}
               if key in raw}
    for key in ("k", "high_unit", "medium_unit"):
        if key in numbers and numbers[key] <= 0:
            raise ConfigError(f"{r.source}: key 'score.{key}' must be greater than 0")
    return ScoreConfig(weights={**base.weights, **weights}, **numbers)


def _forbidden(r: _Reader, raw: Any) -> tuple[ArchitectureRule, ...]:
    rules = []
    for index, item in enumerate(r.sequence(raw, "architecture.forbidden")):
        key = f"architecture.forbidden[{index}]"
        entry = r.mapping(item, key)
        r.check_keys(entry, key, {"from", "to"})
        rules.append(ArchitectureRule(source=r.string(entry.get("from"), f"{key}.from"),
                                      target=r.string(entry.get("to"), f"{key}.to")))
    return tuple(rules)


def _labels(r: _Reader, raw: Any) -> dict[str, list[str]]:
    labels = dict(DEFAULT_LABELS)
    given = r.mapping(raw or {}, "labels")
    r.check_keys(given, "labels", set(DECISIONS))
    for decision, names in given.items():
        labels[decision] = r.strings(names, f"labels.{decision}")
    return labels


class _Reader:
    """Type checks that name the file and the dotted key of the offending value."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, expected: str, value: Any) -> ConfigError:
        return ConfigError(
            f"{self.source}: key '{key}' must be {expected}, got {type(value).__name__}")

    def check_keys(self, data: Mapping[str, Any], prefix: str, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                dotted = f"{prefix}.{key}" if prefix else str(key)
                raise ConfigError(f"{self.source}: unknown key '{dotted}' "
                                  f"(allowed: {', '.join(sorted(allowed))})")

    def mapping(self, value: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key or "<top level>", "a mapping", value)
        return value

    def section(self, root: Mapping[str, Any], key: str, allowed: set[str]) -> Mapping[str, Any]:
        data = self.mapping(root.get(key) or {}, key)
        self.check_keys(data, key, allowed)
        return data

    def sequence(self, value: Any, key: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(key, "a list", value)
        return value

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str):
            raise self.fail(key, "a string", value)
        return value

    def strings(self, value: Any, key: str) -> list[str]:
        items = list(value) if isinstance(value, tuple) else self.sequence(value, key)
        return [self.string(item, f"{key}[{i}]") for i, item in enumerate(items)]

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, "true or false", value)
        return value

    def number(self, value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "a number", value)
        return float(value)

    def number_map(self, value: Any, key: str) -> dict[str, float]:
        data = self.mapping(value or {}, key)
        return {str(k): self.number(v, f"{key}.{k}") for k, v in data.items()}

    def choice(self, value: Any, key: str, allowed: tuple[str, ...]) -> str:
        text = self.string(value, key)
        if text not in allowed:
            raise ConfigError(f"{self.source}: key '{key}' must be one of "
                              f"{', '.join(allowed)}, got '{text}'")
        return text

    def severity_map(self, value: Any, key: str) -> dict[str, str]:
        data = self.mapping(value or {}, key)
        return {str(k): self.choice(v, f"{key}.{k}", SEVERITIES) for k, v in data.items()}
