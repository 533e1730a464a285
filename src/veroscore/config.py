"""One typed configuration, built once per run from defaults overlaid by `.github/veroscore.yml`.

The file is validated by pydantic on load: an unknown key or a value of the wrong type is a
`ConfigError` naming the file, the dotted key and the expected value, because a silently
ignored typo in a governance gate means a rule the team believes is on is off.

Adding a section (`session:`, `dashboard:`, `suppressions:` …): define a frozen pydantic
model with `extra="forbid"` in your own module and add ONE field to `Config` whose name is
the YAML key and whose type is that model, with a default instance. The file schema is
derived from `Config`'s model-typed fields, so nothing else is needed here.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from veroscore.dashboard.settings import DashboardConfig
from veroscore.detect.suppression_policy import SuppressionPolicy
from veroscore.errors import ConfigError
from veroscore.session.settings import SessionSettings

DEFAULT_CONFIG_PATH = Path(".github/veroscore.yml")

SEVERITIES = ("critical", "high", "medium", "low", "info")
DECISIONS = ("auto_block", "review_required", "auto_approve")

Severity = Literal["critical", "high", "medium", "low", "info"]
FailOn = Literal["auto_block", "review_required", "auto_approve", "never"]
MergeMethod = Literal["merge", "squash", "rebase"]

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

SECTION = ConfigDict(extra="forbid", frozen=True, strict=True)
"""The model config every section uses: unknown keys are errors, values are not coerced
(`"3"` is not a number, `1` is not `true`)."""


class ScoreConfig(BaseModel):
    """Every number of the Hybrid Score v2.1 (DESIGN §3); the `score:` section."""

    model_config = SECTION

    weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    k: float = Field(default=15.0, gt=0)
    pipeline_bonus: float = 5.0
    rule_compliance_base: float = 6.0
    rule_compliance_min: float = -1000.0
    rule_compliance_max: float = 10.0
    high_scale: float = 1.8
    high_unit: float = Field(default=0.1, gt=0)
    medium_scale: float = 6.0
    medium_unit: float = Field(default=50.0, gt=0)
    block_below: float = 0.05
    approve_at: float = 6.0

    @field_validator("weights")
    @classmethod
    def _known_categories(cls, value: dict[str, float]) -> dict[str, float]:
        """Only the six categories exist; a weight given for one keeps the others."""
        for key in value:
            if key not in DEFAULT_WEIGHTS:
                raise PydanticCustomError("unknown_key", "unknown key", {"key": key})
        return {**DEFAULT_WEIGHTS, **value}


@dataclass(frozen=True)
class ArchitectureRule:
    """Files in layer `source` must not import from layer `target`."""

    source: str
    target: str


@dataclass(frozen=True)
class Config:
    """The validated configuration of one run.

    Fields typed as a pydantic model are sections of the file under the field's name
    (see the module docstring); the flat fields are read from the legacy sections below.
    """

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
    rule_dir_names: tuple[str, ...] = ()
    """`rules.dirs` as written in the file (repository-relative, POSIX): the action reads
    these folders at the base commit instead of trusting the checkout."""
    session: SessionSettings = field(default_factory=SessionSettings)
    suppressions: SuppressionPolicy = field(default_factory=SuppressionPolicy)
    dashboard: DashboardConfig = field(default_factory=DashboardConfig)

    def severity_for(self, rule_id: str, violation_type: str) -> str:
        """Per-rule override first, then the violation type's severity."""
        return self.rule_severity.get(rule_id, self.severities.get(violation_type, "medium"))

    def penalty_for(self, violation_type: str) -> float:
        """Penalty of a violation type; types outside the table cost nothing."""
        return self.penalties.get(violation_type, 0.0)


# --- the file schema ---------------------------------------------------------------------

class _Rules(BaseModel):
    model_config = SECTION
    severity: dict[str, Severity] = {}
    disabled: list[str] = []
    dirs: list[str] = []

    @field_validator("dirs")
    @classmethod
    def _inside_repository(cls, value: list[str]) -> list[str]:
        """Rule folders are repository-relative: an absolute path or `..` could point the
        gate at rules nobody reviewed."""
        for name in value:
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if not name.strip() or name.startswith(("/", "\\")) or ".." in parts \
                    or (len(name) > 1 and name[1] == ":"):
                raise PydanticCustomError(
                    "inside_repository", "must be a folder inside the repository, got '{name}'",
                    {"name": name[:80]})
        return value


class _Paths(BaseModel):
    model_config = SECTION
    exclude: list[str] = []
    tests: list[str] = Field(default_factory=lambda: list(DEFAULT_TEST_PATTERNS))
    scan_tests: bool = False


class _Tenant(BaseModel):
    model_config = SECTION
    columns: list[str] = Field(
        default_factory=lambda: ["tenant_id", "org_id", "organization_id", "account_id"])
    tables: list[str] = []


class _Supabase(BaseModel):
    model_config = SECTION
    exposed_schemas: list[str] = Field(default_factory=lambda: ["public"])


class _Limits(BaseModel):
    model_config = SECTION
    max_file_bytes: int = Field(default=1024 * 1024, gt=0)


class _Forbidden(BaseModel):
    model_config = SECTION
    source: str = Field(alias="from")
    target: str = Field(alias="to")


class _Architecture(BaseModel):
    model_config = SECTION
    layers: dict[str, list[str]] = {}
    forbidden: list[_Forbidden] = []
    aliases: dict[str, str] = {}


class _Labels(BaseModel):
    model_config = SECTION
    auto_block: list[str] = Field(default_factory=lambda: list(DEFAULT_LABELS["auto_block"]))
    review_required: list[str] = Field(
        default_factory=lambda: list(DEFAULT_LABELS["review_required"]))
    auto_approve: list[str] = Field(default_factory=lambda: list(DEFAULT_LABELS["auto_approve"]))


_LEGACY_SECTIONS: dict[str, Any] = {
    "version": (int | str | None, None),
    "penalties": (dict[str, float], {}),
    "severities": (dict[str, Severity], {}),
    "rules": (_Rules, _Rules()),
    "paths": (_Paths, _Paths()),
    "tenant": (_Tenant, _Tenant()),
    "supabase": (_Supabase, _Supabase()),
    "architecture": (_Architecture, _Architecture()),
    "labels": (_Labels, _Labels()),
    "reviewers": (list[str], []),
    "fail_on": (FailOn, "auto_block"),
    "limits": (_Limits, _Limits()),
    "auto_merge": (bool, False),
    "merge_method": (MergeMethod, "squash"),
}


def _section_fields() -> dict[str, type[BaseModel]]:
    """`Config` fields typed as a pydantic model: each is a file section of that name."""
    hints = typing.get_type_hints(Config)
    return {f.name: hints[f.name] for f in dataclasses.fields(Config)
            if isinstance(hints[f.name], type) and issubclass(hints[f.name], BaseModel)}


@cache
def _file_model() -> type[BaseModel]:
    """The schema of the whole file: the legacy sections plus one per model field."""
    fields: dict[str, Any] = dict(_LEGACY_SECTIONS)
    fields.update({name: (model, model()) for name, model in _section_fields().items()})
    return create_model("ConfigFile", __config__=SECTION, **fields)


# --- loading -----------------------------------------------------------------------------

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
    """Validate YAML text and build a `Config`; `source` names the file in errors.

    `base_dir` is the folder holding the file; rule folders resolve against the
    repository root above it (the parent of `.github/`).
    """
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
    if isinstance(data, dict):
        data = {key: value for key, value in data.items()
                if not (value is None and key in _NULL_MEANS_ABSENT)}
    try:
        parsed = _file_model().model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {_describe(_first(exc.errors()))}") from None
    return _build(parsed, source, base_dir)


_NULL_MEANS_ABSENT = {"penalties", "severities", "rules", "paths", "tenant", "supabase",
                      "architecture", "labels", "limits", "score"}
"""An empty section (`rules:` with nothing under it) reads as YAML null: treat it as absent."""


def _build(parsed: BaseModel, source: str, base_dir: Path) -> Config:
    file: Any = parsed
    rules, paths, arch = file.rules, file.paths, file.architecture
    layers = {name: tuple(globs) for name, globs in arch.layers.items()}
    forbidden = tuple(ArchitectureRule(f.source, f.target) for f in arch.forbidden)
    for rule in forbidden:
        for layer in (rule.source, rule.target):
            if layer not in layers:
                raise ConfigError(f"{source}: key 'architecture.forbidden' names layer "
                                  f"'{layer}', which 'architecture.layers' does not define")
    root = _repo_root(base_dir)
    return Config(
        source=source,
        penalties={**DEFAULT_PENALTIES, **file.penalties},
        severities={**DEFAULT_SEVERITIES, **file.severities},
        rule_severity=dict(rules.severity),
        disabled_rules=tuple(rules.disabled),
        rule_dirs=tuple(root / name for name in rules.dirs),
        rule_dir_names=tuple(rules.dirs),
        exclude=tuple(paths.exclude),
        test_patterns=tuple(paths.tests),
        scan_tests=paths.scan_tests,
        tenant_columns=tuple(file.tenant.columns),
        tenant_tables=tuple(file.tenant.tables),
        exposed_schemas=tuple(file.supabase.exposed_schemas),
        layers=layers,
        forbidden_imports=forbidden,
        aliases=dict(arch.aliases),
        labels={decision: list(getattr(file.labels, decision)) for decision in DECISIONS},
        reviewers=tuple(file.reviewers),
        fail_on=file.fail_on,
        auto_merge=file.auto_merge,
        merge_method=file.merge_method,
        max_file_bytes=file.limits.max_file_bytes,
        **{name: getattr(file, name) for name in _section_fields()},
    )


def _repo_root(config_dir: Path) -> Path:
    """Rule folders are relative to the repository: the parent of `.github/`."""
    return config_dir.parent if config_dir.name == ".github" else config_dir


# --- error messages ----------------------------------------------------------------------

_EXPECTED = {
    "float_type": "a number", "float_parsing": "a number", "int_type": "an integer",
    "int_parsing": "an integer", "int_from_float": "an integer", "string_type": "a string",
    "bool_type": "true or false", "bool_parsing": "true or false", "list_type": "a list",
    "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
    "missing": "given",
}


def _first(errors: list[ErrorDetails]) -> ErrorDetails:
    """A misspelt key shows up as both unknown and missing: name the typo."""
    typos = [e for e in errors if e["type"] in ("extra_forbidden", "unknown_key")]
    return (typos or errors)[0]


def _dotted(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<top level>"


def _describe(error: ErrorDetails) -> str:
    """One line naming the dotted key and the expected value, from pydantic's first error."""
    loc = tuple(part for part in error["loc"] if part != "[key]")
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = f" (allowed: {', '.join(sorted(allowed))})" if allowed else ""
        return f"unknown key '{_dotted(loc)}'{hint}"
    if kind == "unknown_key":
        return f"unknown key '{_dotted((*loc, str(ctx.get('key'))))}'"
    key = f"key '{_dotted(loc)}'"
    if kind == "missing":
        return f"{key} is required"
    if kind == "literal_error":
        return f"{key} must be one of {ctx.get('expected')}, got {_short(value)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "")
        words = {"greater_than": "greater than", "greater_than_equal": "at least",
                 "less_than": "less than", "less_than_equal": "at most"}[kind]
        return f"{key} must be {words} {bound}"
    if kind in _EXPECTED:
        return f"{key} must be {_EXPECTED[kind]}, got {type(value).__name__}"
    return f"{key} {error['msg']}"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    """The keys the model at `loc` accepts, for the unknown-key message."""
    model: Any = _file_model()
    for part in loc:
        if isinstance(part, int):
            continue
        info = next((f for name, f in model.model_fields.items()
                     if (f.alias or name) == part), None)
        if info is None:
            return []
        annotation = info.annotation
        args = typing.get_args(annotation)
        candidates = [annotation, *args]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)),
                     None)
        if model is None:
            return []
    return [f.alias or name for name, f in model.model_fields.items()]
