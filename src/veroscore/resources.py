"""Locate the `rules/` and `templates/` folders shipped with the package.

A wheel carries them inside the package (`veroscore/rules`); an editable install of a
checkout does not, so fall back to the repository's top-level folders.
"""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


_CHECKOUT_PATHS = {"migrations": "supabase/migrations"}


def resource_dir(name: str) -> Path:
    """Return the folder `name` ("rules", "templates" or "migrations"), installed or from
    the checkout."""
    checkout = _PACKAGE_DIR.parent.parent / _CHECKOUT_PATHS.get(name, name)
    for candidate in (_PACKAGE_DIR / name, checkout):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"veroscore installation is incomplete: no {name}/ folder")
