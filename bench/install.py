"""Action set-up cost: the Action's install step, cold and warm, with pip and with uv.

    python bench/install.py [--rounds 1]

Each measure starts from an empty virtualenv and does what action.yml does on a cache
miss: install the hash-locked dependencies (`action.lock`, `--require-hashes`), then this
checkout without dependencies. "cold" gives the installer an empty download cache (a new
runner); "warm" reuses the cache the cold run filled (a self-hosted runner). A cache hit
in the Action skips the step entirely: the virtualenv is restored by actions/cache.
uv is taken from PATH or from the running interpreter's folder (`pip install uv`).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "action.lock"


def timed(commands: list[list[str]], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def with_pip(folder: Path, cache: Path | None) -> float:
    venv = folder / "pip-venv"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
           "--disable-pip-version-check"]
    pip += ["--cache-dir", str(cache)] if cache else ["--no-cache-dir"]
    return timed([[*pip, "--require-hashes", "-r", str(LOCK)], [*pip, "--no-deps", str(REPO)]])


def with_uv(uv: str, folder: Path, cache: Path) -> float:
    venv = folder / "uv-venv"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    install = [uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
               "--cache-dir", str(cache)]
    return timed([[*install, "--require-hashes", "-r", str(LOCK)],
                  [*install, "--no-deps", str(REPO)]])


def find_uv() -> str | None:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    return uv if Path(uv).exists() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    rounds = parser.parse_args().rounds
    uv = find_uv()
    results: dict[str, list[float]] = {}
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="veroscore-install-") as name:
            folder = Path(name)
            results.setdefault("pip cold", []).append(with_pip(folder, None))
            if uv:
                results.setdefault("uv cold", []).append(with_uv(uv, folder, folder / "uvc"))
                results.setdefault("uv warm", []).append(with_uv(uv, folder, folder / "uvc"))
    print(f"{sum(1 for line in LOCK.read_text().splitlines() if line[:1].isalnum())} "
          f"locked packages, {rounds} round(s), median seconds")
    for label, seconds in results.items():
        print(f"{label:>9}: {statistics.median(seconds):6.1f} s")
    if not uv:
        print("uv not installed (pip install uv to compare)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
