"""Which of our languages the Semgrep rules of a run cover, read from the rules themselves.

Coverage is derived, not listed by hand, so adding a rule for a language (a team's own
Go rule in its rule folder) makes that language covered, and nothing drifts. A rule for
`regex`/`generic` covers the languages of the file patterns in its `paths.include`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from veroscore.diff.language import language_of

_SEMGREP_NAMES = {
    "py": "python", "python3": "python", "js": "javascript", "ts": "typescript",
    "golang": "go", "rb": "ruby", "kt": "kotlin", "c++": "cpp", "c#": "csharp", "cs": "csharp",
    "bash": "shell", "sh": "shell", "jsx": "javascript", "tsx": "typescript",
}
_PATTERN_ONLY = ("regex", "generic", "none")
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _rule_files(folder: Path) -> Iterable[Path]:
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))


def _languages_of_rule(rule: dict[str, Any]) -> set[str]:
    names = {str(n).lower() for n in rule.get("languages") or ()}
    covered = {_SEMGREP_NAMES.get(n, n) for n in names if n not in _PATTERN_ONLY}
    if names & set(_PATTERN_ONLY):
        include = (rule.get("paths") or {}).get("include") or ()
        covered |= {language_of(str(p)) for p in include} - {"other"}
    return covered


@lru_cache(maxsize=16)
def semgrep_languages(rule_dirs: tuple[Path, ...]) -> frozenset[str]:
    """Our language names of every rule under `rule_dirs`; unreadable files are left to
    Semgrep, which reports them."""
    covered: set[str] = set()
    for folder in rule_dirs:
        for path in _rule_files(folder):
            try:
                document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            rules = document.get("rules") if isinstance(document, dict) else None
            for rule in rules if isinstance(rules, list) else ():
                if isinstance(rule, dict):
                    covered |= _languages_of_rule(rule)
    return frozenset(covered)
