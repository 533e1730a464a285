"""Map a path to the language name detectors and Semgrep rules key on."""

from pathlib import PurePosixPath

_BY_SUFFIX = {
    ".py": "python", ".pyi": "python",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".tsx": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".vue": "vue", ".html": "html", ".htm": "html", ".jinja": "html", ".j2": "html",
    ".sql": "sql", ".md": "markdown", ".rst": "markdown", ".txt": "text",
    ".yml": "yaml", ".yaml": "yaml", ".json": "json", ".toml": "toml",
    ".sh": "shell", ".bash": "shell", ".env": "dotenv",
}


def language_of(path: str) -> str:
    """The language of `path` by its suffix (`.env*` files are dotenv), else "other"."""
    name = PurePosixPath(path).name
    if name.startswith(".env"):
        return "dotenv"
    return _BY_SUFFIX.get(PurePosixPath(path).suffix.lower(), "other")


CODE_LANGUAGES = frozenset({"python", "javascript", "typescript", "vue", "sql"})
