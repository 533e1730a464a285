"""The session agent on a large checkout: idle cost, start-up, and burst-to-queue latency.

    python bench/session_idle.py                       # 50,000 files, 1,000-file burst
    python bench/session_idle.py --files 5000 --idle-seconds 10 --burst 200

Builds a checkout of N small files (500 folders), commits it, and starts
`veroscore session start` as its own process (thresholds set out of reach, so nothing is
delivered and GitHub is never called). It measures:
  * start-up: from the process spawn to its "watching" line (the agent's index built from
    the whole tree, every folder under inotify);
  * idle: CPU (user + system, from /proc through psutil) and RSS over `--idle-seconds`
    with no edit;
  * burst: `--burst` new files written as fast as Python can, then the time from the
    last write to the moment the queue holds a row for every one of them (polling the
    SQLite store every 10 ms), with the number of queue writes it took (from the agent's
    status file). Debounce is the default 2 s and is part of that time.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

CONFIG = ("session:\n  min_files: 1000000\n  min_lines: 100000000\n"
          "  max_wait_seconds: 86400\n")


def build_checkout(root: Path, files: int) -> None:
    root.mkdir(parents=True)
    for i in range(files):
        folder = root / f"pkg{i % 500:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"mod{i:05d}.py").write_text(f"VALUE_{i} = {i}\n")
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}
    for args in (["init", "-q", "-b", "main"], ["config", "gc.auto", "0"], ["add", "-A"],
                 ["commit", "-q", "-m", "big"],
                 ["remote", "add", "origin", "https://github.com/acme/big.git"],
                 ["update-ref", "refs/remotes/origin/main", "HEAD"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env)


def queued_rows(store: Path) -> int:
    try:
        with sqlite3.connect(store, timeout=1) as db:
            return int(db.execute("SELECT count(*) FROM changes_queue").fetchone()[0])
    except sqlite3.Error:
        return -1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--burst", type=int, default=1000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="veroscore-session-bench-"))
    root, store, config = work / "checkout", work / "store.db", work / "veroscore.yml"
    config.write_text(CONFIG)
    started = time.perf_counter()
    build_checkout(root, args.files)
    print(f"checkout of {args.files} files built in {time.perf_counter() - started:.1f} s")
    env = {**os.environ, "GITHUB_TOKEN": "bench-not-a-token",
           "GITHUB_API_URL": "http://127.0.0.1:9"}
    spawn = time.perf_counter()
    agent = subprocess.Popen(
        [sys.executable, "-m", "veroscore.cli", "session", "start", "--repo", str(root),
         "--config", str(config), "--store", f"sqlite:///{store}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert agent.stdout is not None
        for line in agent.stdout:
            if line.startswith("watching"):
                break
        else:
            raise SystemExit(f"the agent did not start (exit {agent.wait()})")
        startup = time.perf_counter() - spawn
        proc = psutil.Process(agent.pid)
        time.sleep(2)  # let the first status write and the start-up garbage settle
        cpu0, wall0 = proc.cpu_times(), time.perf_counter()
        time.sleep(args.idle_seconds)
        cpu1, wall1 = proc.cpu_times(), time.perf_counter()
        idle_cpu = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / (wall1 - wall0)
        rss = proc.memory_info().rss / 1e6
        before = queued_rows(store)
        burst = root / "burst"
        burst.mkdir()
        for i in range(args.burst):
            (burst / f"new{i:04d}.py").write_text(f"NEW_{i} = {i}\n")
        last_edit = time.perf_counter()
        while queued_rows(store) < before + args.burst:
            if time.perf_counter() - last_edit > 120:
                raise SystemExit("the burst never reached the queue")
            time.sleep(0.01)
        latency = time.perf_counter() - last_edit
        time.sleep(1)  # the status file follows within a tick
        status = json.loads((root / ".git/veroscore/status.json").read_text())
        print(f"start-up (spawn → watching): {startup:.2f} s")
        print(f"idle CPU over {args.idle_seconds:.0f} s: {idle_cpu * 100:.2f} % of one core")
        print(f"idle RSS: {rss:.0f} MB")
        print(f"burst of {args.burst} files: last edit → queue holds all {latency:.2f} s "
              f"(debounce 2 s included); queue writes so far: {status['queue_writes']}")
    finally:
        agent.terminate()
        agent.wait(60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
