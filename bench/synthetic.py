"""Deterministic synthetic pull requests, built as real git repositories.

A base commit holds a small project; the head commit adds N files (a realistic mix of
Python, TypeScript/TSX and SQL, about 20 added lines each) and modifies a few existing
ones, with a sprinkling of violations (one file in ten). The same seed gives the same
repository, byte for byte.
"""

from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

LINES_PER_FILE = 20


@dataclass(frozen=True)
class SyntheticPR:
    root: Path
    base: str
    head: str
    files: int
    added_lines: int


def _git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
           "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(root)}
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True, env=env)
    return done.stdout.strip()


def _python_module(rng: random.Random, index: int, violation: bool) -> str:
    name = f"compute_{index}"
    body = [f'"""Module {index} of the synthetic service."""', "", "from decimal import Decimal",
            "", "", f"def {name}(amount: Decimal, rate: Decimal) -> Decimal:",
            f'    """Apply rate {index} to an amount."""',
            f"    factor = Decimal({rng.randint(1, 99)}) / Decimal(100)",
            "    return (amount * rate * factor).quantize(Decimal('0.01'))", "", ""]
    if violation:
        body += ["def lookup(cur, key):",
                 '    cur.execute(f"SELECT * FROM items WHERE key = \'{key}\'")',
                 "    return cur.fetchone()"]
    else:
        body += [f"def describe_{index}(value: int) -> str:",
                 '    """Human-readable form of a value."""',
                 "    return f'value={value}'"]
    return "\n".join(body + [""] * (LINES_PER_FILE - len(body))) + "\n"


def _tsx_component(rng: random.Random, index: int, violation: bool) -> str:
    html = "props.html" if violation else "'<hr/>'"
    lines = [f"// Component {index}", "import React from 'react';", "",
             f"type Props{index} = {{ title: string; html: string; count: number }};", "",
             "/** Renders one card. */",
             f"export function Card{index}(props: Props{index}) {{",
             f"  const total = props.count * {rng.randint(2, 9)};",
             "  return (", "    <section>", "      <h2>{props.title}</h2>",
             f"      <div dangerouslySetInnerHTML={{{{ __html: {html} }}}} />",
             "      <span>{total}</span>", "    </section>", "  );", "}"]
    return "\n".join(lines + [""] * (LINES_PER_FILE - len(lines))) + "\n"


def _ts_module(rng: random.Random, index: int, violation: bool) -> str:
    log = "  console.log('total', total);" if violation else "  logger.info({ total }, 'sum');"
    lines = [f"// Helper {index}", "import { logger } from './logger';", "",
             "/** Sums the values with a fixed offset. */",
             f"export function sum{index}(values: number[]): number {{",
             f"  const offset = {rng.randint(1, 50)};",
             "  const total = values.reduce((a, b) => a + b, offset);", log,
             "  return total;", "}"]
    return "\n".join(lines + [""] * (LINES_PER_FILE - len(lines))) + "\n"


def _sql_migration(index: int, violation: bool) -> str:
    rls = "" if violation else f"alter table public.t{index} enable row level security;"
    lines = [f"-- migration {index}",
             f"create table public.t{index} (id uuid primary key, tenant_id uuid not null,",
             "  created_at timestamptz not null default now());", rls,
             f"create index t{index}_tenant on public.t{index} (tenant_id);"]
    return "\n".join(lines + [""] * (LINES_PER_FILE - len(lines))) + "\n"


def _file_for(rng: random.Random, index: int) -> tuple[str, str]:
    violation = index % 10 == 3
    kind = index % 5
    if kind in (0, 1):
        return f"src/service/mod_{index}.py", _python_module(rng, index, violation)
    if kind == 2:
        return f"web/src/components/Card{index}.tsx", _tsx_component(rng, index, violation)
    if kind == 3:
        return f"web/src/lib/sum{index}.ts", _ts_module(rng, index, violation)
    return f"supabase/migrations/2026{index:08d}_t{index}.sql", _sql_migration(index, violation)


def build(root: Path, files: int, seed: int = 1234) -> SyntheticPR:
    """A repository whose head commit changes `files` files."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    _git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("# synthetic\n", encoding="utf-8")
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "test_smoke.py").write_text("def test_smoke() -> None:\n    assert True\n",
                                                  encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    base = _git(root, "rev-parse", "HEAD")
    added = 0
    for index in range(files):
        path, content = _file_for(rng, index)
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        added += content.count("\n")
    (root / "tests" / "test_smoke.py").write_text(
        "def test_smoke() -> None:\n    assert 1 + 1 == 2\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", f"add {files} files")
    return SyntheticPR(root, base, _git(root, "rev-parse", "HEAD"), files, added)
