"""Time against input size of everything that runs regular expressions on PR-authored text.

    python bench/regex_linearity.py                          # 10k, 100k, 1M characters
    python bench/regex_linearity.py --sizes 10000 100000 --timeout 30
    python bench/regex_linearity.py --components pipeline secrets --shapes spaces

A pull request's author controls its description and every byte of its files, so a
pattern that backtracks super-linearly lets one PR stall the gate. Each component (the
description parser, every Python detector, the redactor, the session-line reader, the
Markdown escaper) is fed inputs of several pathological shapes (long runs of spaces,
blank lines, repeated separators, long words made of trigger words, quote and
parenthesis runs, token-prefix runs, ordinary code lines) at growing sizes. Each cell
runs in a fresh process with a time limit, so a pattern that explodes shows as
`>LIMIT` instead of hanging the run. The table gives seconds per size and the growth
from the second-largest to the largest size: linear work grows by the size ratio (10
for 100k -> 1M); a quadratic pattern grows by its square (100).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

SHAPES: dict[str, Callable[[int], str]] = {
    "spaces": lambda n: "# a" + " " * n + "b\n",
    "blank-lines": lambda n: " \n" * (n // 2),
    "separators": lambda n: "Step 1" + ": a" * (n // 3) + "!\n",
    "assignments": lambda n: "token: " * (n // 7) + "\n",
    "trigger-word": lambda n: "user_id_token_due" * (n // 17) + " = 'x'\n",
    "quotes": lambda n: '"' * n + "\n",
    "parentheses": lambda n: "(" * n + ": pass\n",
    "token-prefixes": lambda n: "sk-eyJ-sb_secret_" * (n // 17) + "!\n",
    "sql-keywords": lambda n: "create function f grant execute on function to " * (n // 48),
    "code-lines": lambda n: 'const x = { createdAt: new Date("2024-01-01") };\n' * (n // 50),
}
"""Each shape at about `n` characters."""

DETECTOR_PATHS = ("src/app/page.tsx", "src/server/jobs.py", "supabase/migrations/1_x.sql",
                  "config/app.yml", ".env")
"""One file per language family, each holding the shape, so every detector sees it."""


def _detector(name: str) -> Callable[[str], Callable[[], object]]:
    from veroscore.config import Config
    from veroscore.detect.base import DetectionContext
    from veroscore.detect.registry import python_detectors
    from veroscore.diff import ChangedFile, ChangeSet, FileStatus
    from veroscore.diff.language import language_of

    detector = next(d for d in python_detectors() if d.name == name)

    def prepare(text: str) -> Callable[[], object]:
        files = tuple(ChangedFile(path=path, status=FileStatus.ADDED,
                                  language=language_of(path),
                                  added_lines=dict(enumerate(text.splitlines(), start=1)),
                                  content=text) for path in DETECTOR_PATHS)
        changes = ChangeSet(files=files, repository="bench")
        return lambda: list(detector.detect(DetectionContext(changes, Config())))

    return prepare


def _component(name: str) -> Callable[[str], Callable[[], object]]:
    """For component `name`: given the text, the call to time (the input is built first,
    outside the timing)."""
    if name == "pipeline":
        from veroscore.pipeline import parse_pipeline
        return lambda text: lambda: parse_pipeline(
            "## Enforcement Pipeline Compliance\n" + text, 5)
    if name == "redact":
        from veroscore.detect.secret_patterns import redact
        return lambda text: lambda: redact(text)
    if name == "session":
        from veroscore.session_ref import session_id_of
        return lambda text: lambda: session_id_of("feature/x", text)
    if name == "markdown-escape":
        from veroscore.report.escape import markdown_code, markdown_text
        return lambda text: lambda: (markdown_text(text), markdown_code(text))
    return _detector(name)


COMPONENTS = ("pipeline", "secrets", "tenant_ids", "dates", "rls_sql", "supabase_client",
              "architecture", "redact", "session", "markdown-escape")


def run_cell(component: str, shape: str, size: int) -> float:
    """Seconds `component` takes on `shape` at `size` characters (best of two)."""
    call = _component(component)(SHAPES[shape](size))
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def measure(component: str, shape: str, size: int, timeout: float) -> float | None:
    """The cell's time from a fresh process; None when it passes `timeout`."""
    command = [sys.executable, __file__, "--cell", component, shape, str(size)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=True, cwd=Path(__file__).resolve().parent.parent)
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--components", nargs="+", default=list(COMPONENTS),
                        choices=COMPONENTS)
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--cell", nargs=3, metavar=("COMPONENT", "SHAPE", "SIZE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cell:
        print(f"{run_cell(args.cell[0], args.cell[1], int(args.cell[2])):.6f}")
        return 0
    sizes = sorted(args.sizes)
    header = "".join(f"{size:>12,}" for size in sizes)
    print(f"{'component':<16} {'shape':<15}{header} {'growth':>8} {'of size':>8}")
    slow = 0
    for component in args.components:
        for shape in args.shapes:
            times = [measure(component, shape, size, args.timeout) for size in sizes]
            cells = "".join(f"{t:>11.4f}s" if t is not None else f"{'>' + str(args.timeout):>12}"
                            for t in times)
            growth, expected = "", ""
            if len(sizes) > 1:
                expected = f"{sizes[-1] / sizes[-2]:.0f}x"
                last, before = times[-1], times[-2]
                if last is None:
                    growth = "timeout"
                elif before:
                    growth = f"{last / max(before, 1e-4):.1f}x"
                if last is None or (before and last / max(before, 1e-4) >
                                    3 * sizes[-1] / sizes[-2] and last > 0.5):
                    slow += 1
            print(f"{component:<16} {shape:<15}{cells} {growth:>8} {expected:>8}", flush=True)
    print(f"\n{slow} cell(s) grow faster than linear (more than 3x the size ratio, or a "
          f"timeout)." if slow else "\nEvery cell grows about linearly with input size.")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
