"""The data-flow rules run for real through Semgrep: a real injection blocks, look-alikes
(HTTP clients, Map.get, constants, sanitiser output) do not."""

from __future__ import annotations

from tests.helpers import changeset_of
from veroscore.config import Config
from veroscore.detect.engine import detect

FILES = {
    "web/src/comments.js": (
        "export function show(el, comment) {\n"
        "  el.innerHTML = comment.body;\n"                          # 2: critical
        "  const clean = DOMPurify.sanitize(comment.body);\n"
        "  el.innerHTML = clean;\n"                                 # 4: clean
        "}\n"),
    "web/src/api.ts": (
        "export async function load(http: any, cache: Map<string, string>, id: string) {\n"
        "  await http.get(`/api/users/${id}`);\n"                   # 2: not SQL
        "  return cache.get(`user:${id}`);\n"                       # 3: not SQL
        "}\n"),
    "server/repo.ts": (
        "export async function find(pool: any, req: any) {\n"
        "  const q = `SELECT * FROM users WHERE name = '${req.query.name}'`;\n"
        "  return pool.query(q);\n"                                 # 3: critical
        "}\n"),
    "app/db.py": (
        "LIMIT = 50\n"
        "def page(cur, n):\n"
        "    cur.execute(f'SELECT * FROM t LIMIT {LIMIT} OFFSET {int(n)}')\n"  # 3: clean
        "def find(cur, name):\n"
        "    cur.execute(f\"SELECT * FROM t WHERE name = '{name}'\")\n"      # 5: critical
    ),
}


def test_taint_rules_block_real_flows_and_ignore_look_alikes() -> None:
    result = detect(changeset_of({**FILES, "tests/test_x.py": "assert 1\n"}), Config())
    got = {(f.path, f.line, f.violation_type, f.severity) for f in result.findings
           if f.violation_type in ("xss_vulnerability", "sql_injection")}
    assert got == {
        ("web/src/comments.js", 2, "xss_vulnerability", "critical"),
        ("server/repo.ts", 3, "sql_injection", "critical"),
        ("app/db.py", 5, "sql_injection", "critical"),
    }
