"""Locate the `rules/` and `templates/` folders shipped with the package.

A wheel carries them inside the package (`veroscore/rules`); an editable install of a
checkout does not, so fall back to the repository's top-level folders.
"""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder `name` ("rules" or "templates"), installed or from the checkout."""
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"veroscore installation is incomplete: no {name}/ folder")
