"""Cost of a score against PR size, side by side with Semgrep alone.

    python bench/run.py                       # sizes 10, 100, 1000; 3 rounds each
    python bench/run.py --sizes 10 100 --runs 5 --markdown bench/results.md

For each synthetic PR (bench/synthetic.py) it measures, on the same files:
  * `veroscore score` end to end (a fresh process: intake, detectors, one Semgrep run,
    scoring, reports);
  * the Python-side work alone (the same pipeline with Semgrep switched off);
  * plain `semgrep scan --config rules/` over the head's files.
The three run interleaved, round after round, and "total ÷ Semgrep" is the median of the
per-round ratios: on a shared machine whose speed drifts by a second within minutes, a
paired ratio is steadier than a ratio of medians. Wall time is the median of the rounds;
CPU time (user + system of the whole process tree) is printed beside it because it
barely moves with the neighbours' load. Peak RSS is the largest of the process tree
(wait4's ru_maxrss, which includes waited-for children such as semgrep-core). Semgrep
processes per `veroscore score` run are counted through a wrapper.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import SyntheticPR, build

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON_SIDE = """
import sys, time
from pathlib import Path
from veroscore.config import Config
from veroscore.diff.git import GitRange, read_git_range
from veroscore.detect.engine import detect
from veroscore.score.engine import score_change
from veroscore.report import RunInfo, render_score
started = time.perf_counter()
config = Config()
pr_range = GitRange(Path(sys.argv[1]), sys.argv[2], sys.argv[3])
changes = read_git_range(pr_range, config.max_file_bytes)
result = score_change(changes, detect(changes, config, use_semgrep=False), config)
for fmt in ("json", "markdown", "sarif", "text"):
    render_score(result, fmt, RunInfo("bench"))
print(time.perf_counter() - started)
"""


@dataclass(frozen=True)
class Measure:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float


def measure(command: list[str], env: dict[str, str] | None = None,
            cwd: Path | None = None) -> tuple[Measure, str]:
    """Run `command` once; wall time, CPU time and peak RSS of its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env=env, cwd=cwd)
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{command[0]} failed with {status}")
    return Measure(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024), output


def median(runs: list[Measure]) -> Measure:
    return Measure(statistics.median(m.seconds for m in runs),
                   statistics.median(m.cpu_seconds for m in runs),
                   max(m.peak_rss_mb for m in runs))


def paired_ratio(numerators: list[Measure], denominators: list[Measure]) -> float:
    """Median of the round-by-round wall-time ratios."""
    return statistics.median(n.seconds / d.seconds
                             for n, d in zip(numerators, denominators, strict=True))


def counting_wrapper(folder: Path) -> tuple[Path, Path]:
    """A semgrep stand-in that logs each start and then runs the real one."""
    log = folder / "semgrep-starts.log"
    wrapper = folder / "semgrep-counting"
    wrapper.write_text(f'#!/bin/sh\necho start >> "{log}"\nexec "{BIN / "semgrep"}" "$@"\n',
                       encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper, log


def bench_size(pr: SyntheticPR, runs: int, work: Path) -> dict[str, object]:
    """One warm-up round, then `runs` rounds of the three measures, interleaved so that
    drift on the machine (page cache, disk writeback of the repository just built) hits
    all three alike instead of whichever happens to run first."""
    wrapper, log = counting_wrapper(work)
    env = {**os.environ, "VEROSCORE_SEMGREP_BIN": str(wrapper), "NO_COLOR": "1"}
    score_cmd = [str(BIN / "veroscore"), "score", "--repo", str(pr.root), "--base", pr.base,
                 "--head", pr.head, "--store", "none", "--format", "json"]
    python_cmd = [sys.executable, "-c", PYTHON_SIDE, str(pr.root), pr.base, pr.head]
    head_tree = work / "head"
    head_tree.mkdir()
    archive = subprocess.run(["git", "-C", str(pr.root), "archive", pr.head],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(head_tree)], input=archive, check=True)
    (head_tree / ".semgrepignore").write_text("", encoding="utf-8")
    semgrep_cmd = [str(BIN / "semgrep"), "scan", "--config", str(REPO / "rules"), "--json",
                   "--quiet", "--metrics=off", "--disable-version-check", "--no-git-ignore",
                   "--timeout", "30", "."]
    totals, python_side, semgrep = [], [], []
    for round_number in range(runs + 1):
        total = measure(score_cmd, env, cwd=pr.root)[0]
        process, out = measure(python_cmd)
        alone = measure(semgrep_cmd, cwd=head_tree)[0]
        if round_number == 0:
            log.unlink(missing_ok=True)
            continue
        totals.append(total)
        python_side.append(Measure(float(out.strip()), process.cpu_seconds,
                                   process.peak_rss_mb))
        semgrep.append(alone)
    starts = log.read_text().count("start") if log.exists() else 0
    return {"files": pr.files, "lines": pr.added_lines, "total": median(totals),
            "python": median(python_side), "semgrep": median(semgrep),
            "ratio": paired_ratio(totals, semgrep), "semgrep_per_run": starts / runs}


def table(rows: list[dict[str, object]]) -> str:
    lines = ["| files | added lines | veroscore score (s) | Python side (s) | Semgrep alone (s) "
             "| total ÷ Semgrep | CPU: score (s) | CPU: Semgrep alone (s) | CPU ÷ "
             "| peak RSS score (MB) | peak RSS Python side (MB) | Semgrep runs per score |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        total, python, semgrep = row["total"], row["python"], row["semgrep"]
        assert isinstance(total, Measure) and isinstance(python, Measure)
        assert isinstance(semgrep, Measure)
        lines.append(f"| {row['files']} | {row['lines']} | {total.seconds:.2f} | "
                     f"{python.seconds:.3f} | {semgrep.seconds:.2f} | {row['ratio']:.2f} | "
                     f"{total.cpu_seconds:.2f} | {semgrep.cpu_seconds:.2f} | "
                     f"{total.cpu_seconds / semgrep.cpu_seconds:.2f} | "
                     f"{total.peak_rss_mb:.0f} | {python.peak_rss_mb:.0f} | "
                     f"{row['semgrep_per_run']:.0f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"veroscore-bench-{size}-") as folder:
            work = Path(folder)
            pr = build(work / "repo", size)
            rows.append(bench_size(pr, args.runs, work))
            print(f"size {size} done", file=sys.stderr)
    output = table(rows)
    print(output, end="")
    if args.markdown:
        args.markdown.write_text(output, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
