"""Action set-up cost: install VeroScore into a fresh virtualenv with pip, then with uv.

    python bench/install.py

Each installer starts from an empty virtualenv and installs this checkout (not editable),
as the action's install step does. Both use their own download caches as they are on this
machine; run twice to see the warm-cache numbers. A cache hit in the action skips this
step entirely (the virtualenv is restored by actions/cache).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def with_pip(folder: Path) -> float:
    venv = folder / "pip-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return timed([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(REPO)])


def with_uv(folder: Path) -> float | None:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(uv).exists():
        return None
    venv = folder / "uv-venv"
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    return timed([uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
                  str(REPO)])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="veroscore-install-") as folder:
        pip_seconds = with_pip(Path(folder))
        uv_seconds = with_uv(Path(folder))
    print(f"pip install: {pip_seconds:.1f} s")
    print(f"uv pip install: {uv_seconds:.1f} s" if uv_seconds is not None
          else "uv not installed (pip install uv to compare)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
