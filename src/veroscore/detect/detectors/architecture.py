"""architecture_drift: an added import that crosses a forbidden layer boundary.

Layers are globs in the config (`architecture.layers`), boundaries are `from`/`to` pairs
(`architecture.forbidden`), and JS/TS path aliases (`@/` → `src/`) are resolved first.
With no layers configured this detector has nothing to check and reports nothing.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from veroscore.config import Config
from veroscore.detect.base import DetectionContext, matches_any
from veroscore.detect.finding import Finding
from veroscore.diff import ChangedFile

_PY_IMPORT = re.compile(r"^\s*(?:from\s+(?P<from>[\w.]+)\s+import\b|import\s+(?P<mod>[\w.]+))")
_JS_IMPORT = re.compile(
    r"""(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\(\s*)["'](?P<spec>[^"']+)["']""")
_CANDIDATE_SUFFIXES = ("", ".py", "/__init__.py", ".ts", ".tsx", ".js", ".jsx",
                       "/index.ts", "/index.tsx", "/index.js")


def resolve_import(changed: ChangedFile, spec: str, config: Config) -> str | None:
    """The repository path an import refers to, or None for third-party packages."""
    if changed.language == "python":
        if spec.startswith("."):
            depth = len(spec) - len(spec.lstrip("."))
            base = posixpath.dirname(changed.path)
            for _ in range(depth - 1):
                base = posixpath.dirname(base)
            return posixpath.join(base, spec.lstrip(".").replace(".", "/"))
        return spec.replace(".", "/")
    for alias, target in sorted(config.aliases.items(), key=lambda kv: -len(kv[0])):
        if spec.startswith(alias):
            return posixpath.normpath(target.rstrip("/") + "/" + spec[len(alias):].lstrip("/"))
    if spec.startswith("."):
        return posixpath.normpath(posixpath.join(posixpath.dirname(changed.path), spec))
    return None


def layer_of(path: str, config: Config) -> str | None:
    """The first configured layer whose globs match `path` (with common suffixes tried)."""
    for name, globs in config.layers.items():
        if any(matches_any(path + suffix, globs) for suffix in _CANDIDATE_SUFFIXES):
            return name
    return None


def _imports(changed: ChangedFile, text: str) -> list[str]:
    if changed.language == "python":
        match = _PY_IMPORT.match(text)
        return [match.group("from") or match.group("mod")] if match else []
    return [m.group("spec") for m in _JS_IMPORT.finditer(text)]


class ArchitectureDetector:
    """Checks added imports against the configured layer boundaries."""

    name = "architecture"

    def detect(self, ctx: DetectionContext) -> Iterator[Finding]:
        config = ctx.config
        if not config.layers or not config.forbidden_imports:
            return
        forbidden = {(rule.source, rule.target) for rule in config.forbidden_imports}
        for changed in ctx.files("python", "javascript", "typescript", "vue"):
            source_layer = layer_of(changed.path, config)
            if source_layer is None:
                continue
            for line_no, text in changed.added_lines.items():
                for spec in _imports(changed, text):
                    target = resolve_import(changed, spec, config)
                    target_layer = layer_of(target, config) if target else None
                    if target_layer and (source_layer, target_layer) in forbidden:
                        yield ctx.finding(
                            rule_id="architecture-forbidden-import",
                            violation_type="architecture_drift", detector=self.name,
                            changed=changed, line=line_no,
                            message=f"Layer '{source_layer}' imports '{spec}' from layer "
                                    f"'{target_layer}', which the architecture forbids.",
                            suggested_fix=f"Go through the layer between '{source_layer}' "
                                          f"and '{target_layer}' instead of importing directly.")
