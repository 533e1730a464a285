"""Score real commits of public applications with the defaults and summarise the outcome.

    python bench/realworld.py run --corpus /work/corpus --jobs 2 [--results FILE]
    python bench/realworld.py rescore FILE --corpus /work/corpus   # new score, same findings
    python bench/realworld.py report FILE [FILE]      # summary of one run, or before/after
    python bench/realworld.py select --corpus /work/corpus   # rewrite bench/realworld.json

The corpus (issue 12) is a list of public application repositories — Next.js + Supabase
apps with migrations, Django, Flask, FastAPI and Node/TypeScript servers — with the exact
commits scored, in `bench/realworld.json`. Only that list is committed: the repositories
themselves stay outside this checkout. Bring them with the project's `fetch` tool
(`github:OWNER/NAME`, which leaves a bare git directory in `/work/.mirror/OWNER+NAME/repo`)
and clone each one next to the others, named as in the list:

    git clone --bare /work/.mirror/OWNER+NAME/repo CORPUS/NAME

This script cannot fetch by itself. `run` checks that every listed commit is present
(the snapshot commit recorded in the list must be an ancestor of, or equal to, the
clone's HEAD) and says which are missing.

Every commit C is scored as `veroscore score --repo CORPUS/NAME --base C^1 --head C
--format json --store none` — for a merge commit (a merged pull request) that is the
whole pull request against its target branch. The run uses the defaults: an empty
config file is passed with `--config`, and the process runs in an empty folder, so
neither this checkout's nor the scored repository's `.github/veroscore.yml` is read.
`--src DIR` scores with another checkout's `src/` (for "before" runs).

The run prints the decisions, the histogram of stabilised scores (bins of 1.0 and an
exact 0.00 bin), every critical/high finding (repo, commit, rule, path:line, message)
and every auto_block with its reason, and writes every result to a JSON file outside the
repository (default: the system temporary folder), which `report` reads again and
compares with another run; results are also appended, as they come, to a `.partial.jsonl`
file beside it, which `report` and `rescore` read too. `rescore` applies the installed
score engine to the findings an earlier run recorded (no Semgrep, seconds for the whole
corpus): valid while detection is unchanged, for comparing calibrations.

Fetch list used for bench/realworld.json (`fetch` each, then clone as above):
mckaywrigley/chatbot-ui, vercel/nextjs-subscription-payments, midday-ai/midday,
QuivrHQ/quivr, healthchecks/healthchecks, CTFd/CTFd, fastapi/full-stack-fastapi-template,
mealie-recipes/mealie, outline/outline.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LIST_FILE = Path(__file__).resolve().parent / "realworld.json"
DEFAULT_RESULTS = Path(tempfile.gettempdir()) / "veroscore-realworld.json"
TIMEOUT_S = 600
_ENTRY = "import sys; from veroscore.cli import main; sys.exit(main())"


@dataclass(frozen=True)
class Selection:
    """How `select` picks the commits of one repository: the newest `recent` commits on
    the first-parent line of `tip` (merge commits included, as pull requests), plus up to
    `touching` commits of that line that change files under `paths` (migrations)."""

    name: str
    source: str
    kind: str
    tip: str = "HEAD"
    recent: int = 30
    touching: int = 0
    paths: tuple[str, ...] = ()


SELECTIONS = (
    Selection("chatbot-ui", "github:mckaywrigley/chatbot-ui", "Next.js + Supabase",
              recent=30, touching=15, paths=("supabase/migrations",)),
    Selection("nextjs-subscription-payments", "github:vercel/nextjs-subscription-payments",
              "Next.js + Supabase", recent=25, touching=5, paths=("supabase/migrations",)),
    Selection("midday", "github:midday-ai/midday", "Next.js + Supabase (monorepo)",
              recent=35, touching=16, paths=("packages/supabase/migrations",
                                              "apps/api/supabase/migrations",
                                              "packages/db/migrations")),
    Selection("quivr", "github:QuivrHQ/quivr", "Next.js + FastAPI + Supabase",
              tip="7acb52a96", recent=30, touching=20,
              paths=("supabase/migrations", "backend/supabase/migrations")),
    Selection("healthchecks", "github:healthchecks/healthchecks", "Django", recent=40),
    Selection("CTFd", "github:CTFd/CTFd", "Flask", recent=40),
    Selection("full-stack-fastapi-template", "github:fastapi/full-stack-fastapi-template",
              "FastAPI + React", recent=30),
    Selection("mealie", "github:mealie-recipes/mealie", "FastAPI + Nuxt", recent=40),
    Selection("outline", "github:outline/outline", "Node/TypeScript server (Koa, Sequelize)",
              recent=40),
)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True,
                          capture_output=True, text=True).stdout


def _repo_dir(corpus: Path, name: str) -> Path:
    path = corpus / name
    if not path.is_dir():
        raise SystemExit(f"realworld: {path} is missing; see the docstring for how to fetch it")
    return Path(_git(path, "rev-parse", "--absolute-git-dir").strip())


def select(corpus: Path) -> dict[str, Any]:
    """Pick the commits of every repository of SELECTIONS; deterministic for a snapshot."""
    repos = []
    for sel in SELECTIONS:
        repo = _repo_dir(corpus, sel.name)
        snapshot = _git(repo, "rev-parse", "HEAD").strip()
        tip = _git(repo, "rev-parse", sel.tip).strip()
        line = _git(repo, "rev-list", "--first-parent", "--parents", tip).splitlines()
        with_parent = [row.split()[0] for row in line if len(row.split()) > 1]
        chosen = with_parent[:sel.recent]
        if sel.touching:
            touching = _git(repo, "rev-list", "--first-parent", tip, "--", *sel.paths).split()
            extra = [c for c in touching if c in set(with_parent) and c not in chosen]
            chosen += extra[:sel.touching]
        repos.append({"name": sel.name, "source": sel.source, "kind": sel.kind,
                      "snapshot": snapshot, "tip": tip, "commits": chosen})
    return {"description": "Commits scored by bench/realworld.py (issue 12); each is scored "
                           "as --base C^1 --head C with the default configuration.",
            "repositories": repos}


def _score_one(corpus: Path, repo_name: str, commit: str, src: Path | None, empty: Path,
               cwd: Path) -> dict[str, Any]:
    repo = corpus / repo_name
    cmd = [sys.executable, "-c", _ENTRY, "score", "--repo", str(repo), "--base", f"{commit}^1",
           "--head", commit, "--format", "json", "--store", "none", "--config", str(empty),
           "--fail-on", "never"]
    env = dict(os.environ)
    env.pop("GITHUB_ACTIONS", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env,
                              timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return {"repo": repo_name, "commit": commit, "error": f"timeout after {TIMEOUT_S}s"}
    seconds = round(time.monotonic() - started, 2)
    if proc.returncode not in (0, 1):
        return {"repo": repo_name, "commit": commit, "seconds": seconds,
                "error": (proc.stderr.strip().splitlines() or ["no output"])[-1]}
    return _summarise(repo_name, commit, seconds, json.loads(proc.stdout))


def _finding(item: dict[str, Any]) -> dict[str, Any]:
    return {key: item.get(key) for key in ("rule_id", "violation_type", "severity", "path",
                                           "line", "message", "snippet")}


def _summarise(repo: str, commit: str, seconds: float, data: dict[str, Any]
               ) -> dict[str, Any]:
    """Keep what a comparison needs (the full JSON of 300 changes is tens of MB)."""
    findings = data.get("findings", []) + data.get("warnings", [])
    return {
        "repo": repo, "commit": commit, "seconds": seconds,
        "score": data["stabilized_score"], "raw": data["raw_score"],
        "decision": data["decision"], "reason": data["decision_reason"],
        "categories": {c["name"]: c["raw"] for c in data["categories"]},
        "contributions": data.get("contributions", []),
        "severities": dict(Counter(f["severity"] for f in findings)),
        "blocking": [_finding(f) for f in data.get("findings", [])],
        "stats": data.get("stats", {}),
        "unscanned": data.get("unscanned", []),
        "notes": data.get("notes", []),
        "all_findings": [{k: v for k, v in f.items() if k != "fingerprint"}
                         for key in ("findings", "warnings", "suppressed")
                         for f in data.get(key, [])],
    }


def run(corpus: Path, listing: dict[str, Any], jobs: int, src: Path | None,
        only: Sequence[str], partial: Path) -> list[dict[str, Any]]:
    """Score every listed commit, `jobs` at a time; each result is also appended to
    `partial` (JSON lines) as soon as it is known."""
    work: list[list[tuple[str, str]]] = []
    for repo in listing["repositories"]:
        if only and repo["name"] not in only:
            continue
        path = _repo_dir(corpus, repo["name"])
        head = _git(path, "rev-parse", "HEAD").strip()
        if subprocess.run(["git", "--git-dir", str(path), "merge-base", "--is-ancestor",
                           repo["snapshot"], head], check=False).returncode != 0:
            raise SystemExit(f"realworld: {path} does not contain snapshot {repo['snapshot']}")
        work.append([(repo["name"], commit) for commit in repo["commits"]])
    # Round-robin over the repositories, so that an interrupted run (its partial file
    # keeps every result so far) still covers every kind of application.
    order = [item for group in itertools.zip_longest(*work) for item in group if item]
    with tempfile.TemporaryDirectory(prefix="realworld-") as tmp:
        cwd = Path(tmp)
        empty = cwd / "empty.yml"
        empty.write_text("", encoding="utf-8")
        done = 0
        lock = threading.Lock()
        partial.write_text("", encoding="utf-8")

        def task(item: tuple[str, str]) -> dict[str, Any]:
            nonlocal done
            result = _score_one(corpus.resolve(), item[0], item[1], src, empty, cwd)
            with lock:
                done += 1
                with partial.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(result) + "\n")
            print(f"[{done}/{len(order)}] {item[0]} {item[1][:10]} "
                  f"{result.get('decision', 'ERROR')} {result.get('score', '')} "
                  f"{result.get('seconds', '')}s", file=sys.stderr, flush=True)
            return result

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(task, order))


def rescore(corpus: Path, earlier: list[dict[str, Any]], jobs: int) -> list[dict[str, Any]]:
    """Score again, in this process and with the installed engine, the changes of an
    earlier run from the findings that run recorded: Semgrep and the detectors are not run
    again, so a new calibration of `score/` is compared on the whole corpus in seconds.
    Valid only while detection is unchanged between the two engines; `run` is the real
    measurement."""
    from veroscore.config import Config
    from veroscore.detect.engine import DetectionResult
    from veroscore.detect.finding import Finding
    from veroscore.diff.git import GitRange, read_git_range
    from veroscore.score.engine import score_change

    config = Config()
    names = {f.name for f in dataclasses.fields(Finding)}

    def task(old: dict[str, Any]) -> dict[str, Any]:
        if "error" in old:
            return old
        repo = corpus.resolve() / old["repo"]
        started = time.monotonic()
        changes = read_git_range(GitRange(repo, f"{old['commit']}^1", old["commit"]),
                                 config.max_file_bytes)
        findings = tuple(Finding(**{k: v for k, v in f.items() if k in names})
                         for f in old["all_findings"])
        detection = DetectionResult(
            findings=findings, outside_diff=old["stats"].get("findings_outside_diff", 0),
            files_scanned=old["stats"].get("files_analysed", 0),
            notes=tuple(n for n in old.get("notes", []) if n not in changes.notes),
            semgrep_ran=True)
        result = score_change(changes, detection, config)
        return _summarise(old["repo"], old["commit"], round(time.monotonic() - started, 2),
                          result.to_dict())

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(task, earlier))


def histogram(scores: Iterable[float]) -> dict[str, int]:
    """Bins of width 1.0 ([0,1) … [9,10]) plus an exact 0.00 bin, all listed."""
    bins = {"0.00": 0, **{f"{i}-{i + 1}": 0 for i in range(10)}}
    for score in scores:
        if score == 0:
            bins["0.00"] += 1
        else:
            bins[f"{min(9, int(score))}-{min(9, int(score)) + 1}"] += 1
    return bins


def _scored(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in results if "error" not in r]


def summary_lines(results: list[dict[str, Any]]) -> list[str]:
    """Decisions, histogram, every critical/high finding and every block of one run."""
    scored = _scored(results)
    lines = [f"changes: {len(results)} scored: {len(scored)} "
             f"errors: {len(results) - len(scored)}"]
    lines += [f"  error {r['repo']} {r['commit'][:10]}: {r['error']}"
              for r in results if "error" in r]
    lines.append("decisions: " + ", ".join(
        f"{d} {n}" for d, n in sorted(Counter(r["decision"] for r in scored).items())))
    lines.append("histogram:")
    bins = histogram(r["score"] for r in scored)
    lines += [f"  {b:>6} {n:4d} {'#' * n}" for b, n in bins.items()]
    lines.append("critical/high findings:")
    for r in scored:
        for f in r["blocking"]:
            message = " ".join(str(f["message"]).split())[:140]
            lines.append(f"  {r['repo']} {r['commit'][:10]} {f['severity']} {f['rule_id']} "
                         f"{f['path']}:{f['line']} {message}")
    lines.append("auto_block:")
    lines += [f"  {r['repo']} {r['commit'][:10]} score {r['score']:.2f}: {r['reason']}"
              for r in scored if r["decision"] == "auto_block"]
    return lines


def comparison_lines(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    """Histogram and decisions side by side, and the changes whose decision moved."""
    b, a = _scored(before), _scored(after)
    hb, ha = histogram(r["score"] for r in b), histogram(r["score"] for r in a)
    lines = ["| bin | before | after |", "|---|---:|---:|"]
    lines += [f"| {k} | {hb[k]} | {ha[k]} |" for k in hb]
    db, da = Counter(r["decision"] for r in b), Counter(r["decision"] for r in a)
    lines += ["", "| decision | before | after |", "|---|---:|---:|"]
    lines += [f"| {d} | {db[d]} | {da[d]} |"
              for d in ("auto_approve", "review_required", "auto_block")]
    old = {(r["repo"], r["commit"]): r for r in b}
    moved = [(old[(r["repo"], r["commit"])], r) for r in a
             if (r["repo"], r["commit"]) in old
             and old[(r["repo"], r["commit"])]["decision"] != r["decision"]]
    lines += ["", f"decision changed for {len(moved)} change(s):"]
    lines += [f"  {x['repo']} {x['commit'][:10]} {x['decision']} {x['score']:.2f} -> "
              f"{y['decision']} {y['score']:.2f}" for x, y in moved]
    return lines


def load_results(path: Path) -> list[dict[str, Any]]:
    """The results of a finished run (JSON) or of an interrupted one (its JSON lines)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    results: list[dict[str, Any]] = json.loads(text)["results"]
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="score every listed commit")
    p_run.add_argument("--corpus", type=Path, required=True, help="folder of the clones")
    p_run.add_argument("--jobs", type=int, default=2)
    p_run.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    p_run.add_argument("--list", type=Path, default=LIST_FILE)
    p_run.add_argument("--src", type=Path, help="score with this checkout's src/ instead")
    p_run.add_argument("--only", nargs="*", default=[], help="repository names to score")
    p_again = sub.add_parser("rescore", help="score an earlier run's findings again")
    p_again.add_argument("earlier", type=Path, help="results file of an earlier `run`")
    p_again.add_argument("--corpus", type=Path, required=True)
    p_again.add_argument("--jobs", type=int, default=2)
    p_again.add_argument("--results", type=Path,
                         default=DEFAULT_RESULTS.with_name("veroscore-realworld-rescored.json"))
    p_report = sub.add_parser("report", help="summarise a results file, or compare two")
    p_report.add_argument("results", type=Path, nargs="+")
    p_select = sub.add_parser("select", help="rewrite the commit list from the clones")
    p_select.add_argument("--corpus", type=Path, required=True)
    p_select.add_argument("--list", type=Path, default=LIST_FILE)
    args = parser.parse_args()
    if args.command == "select":
        args.list.write_text(json.dumps(select(args.corpus), indent=1) + "\n", encoding="utf-8")
        return 0
    if args.command == "report":
        runs = [load_results(p) for p in args.results]
        lines = summary_lines(runs[-1]) if len(runs) == 1 else comparison_lines(runs[0], runs[1])
        print("\n".join(lines))
        return 0
    if args.command == "rescore":
        earlier = load_results(args.earlier)
        results = rescore(args.corpus, earlier, args.jobs)
        source = f"rescored from {args.earlier}"
    else:
        listing = json.loads(args.list.read_text(encoding="utf-8"))
        results = run(args.corpus, listing, args.jobs, args.src, args.only,
                      args.results.with_suffix(".partial.jsonl"))
        source = str(args.src or "installed")
    args.results.write_text(json.dumps({"src": source,
                                        "results": results}, indent=1) + "\n",
                            encoding="utf-8")
    print("\n".join(summary_lines(results)))
    print(f"results: {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
