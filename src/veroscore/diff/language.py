"""Map a path to the language name detectors and Semgrep rules key on."""

from pathlib import PurePosixPath

_BY_SUFFIX = {
    ".py": "python", ".pyi": "python",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".tsx": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".vue": "vue", ".html": "html", ".htm": "html", ".jinja": "html", ".j2": "html",
    ".sql": "sql", ".md": "markdown", ".rst": "markdown", ".txt": "text",
    ".yml": "yaml", ".yaml": "yaml", ".json": "json", ".toml": "toml",
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".env": "dotenv",
    ".css": "css", ".scss": "css", ".sass": "css", ".less": "css",
    ".go": "go", ".rb": "ruby", ".dart": "dart", ".java": "java", ".kt": "kotlin",
    ".kts": "kotlin", ".rs": "rust", ".php": "php", ".c": "c", ".h": "c", ".cc": "cpp",
    ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".cs": "csharp", ".swift": "swift",
    ".scala": "scala", ".ex": "elixir", ".exs": "elixir", ".lua": "lua", ".r": "r",
    ".svelte": "svelte", ".astro": "astro", ".m": "objc", ".pl": "perl", ".ps1": "powershell",
}


def language_of(path: str) -> str:
    """The language of `path` by its suffix (`.env*` files are dotenv), else "other"."""
    name = PurePosixPath(path).name
    if name.startswith(".env"):
        return "dotenv"
    return _BY_SUFFIX.get(PurePosixPath(path).suffix.lower(), "other")


CODE_LANGUAGES = frozenset({"python", "javascript", "typescript", "vue", "sql"})

PROGRAMMING_LANGUAGES = frozenset({
    "python", "javascript", "typescript", "vue", "html", "sql", "shell", "go", "ruby", "dart",
    "java", "kotlin", "rust", "php", "c", "cpp", "csharp", "swift", "scala", "elixir", "lua",
    "r", "svelte", "astro", "objc", "perl", "powershell",
})
"""Languages whose files are code: when no rule covers one, the report says so. Docs,
config and data (Markdown, YAML, JSON, TOML, dotenv, CSS, text) are not listed: secrets
are the rules that matter there, and they are searched in every file."""
