"""The data-flow rules run for real through Semgrep: request data reaching SQL blocks, SQL
built from a value of unknown origin is sent to review, look-alikes
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
        "    cur.execute(f\"SELECT * FROM t WHERE name = '{name}'\")\n"      # 5: high
        "def view(cur, request):\n"
        "    cur.execute(f\"SELECT * FROM t WHERE name = '{request.GET['n']}'\")\n"  # 7: critical
    ),
    "scripts/eval.ts": (
        "export async function run(pool: any, opts: any) {\n"
        "  await pool.query(`SET LOCAL statement_timeout = '${opts.timeoutMs}ms'`);\n"  # 2: high
        "}\n"),
}


def test_taint_rules_block_real_flows_and_ignore_look_alikes() -> None:
    result = detect(changeset_of({**FILES, "tests/test_x.py": "assert 1\n"}), Config())
    got = [(f.path, f.line, f.rule_id, f.severity) for f in result.findings
           if f.violation_type in ("xss_vulnerability", "sql_injection")]
    assert sorted(got) == sorted([
        ("web/src/comments.js", 2, "dom-html-sink", "critical"),
        ("server/repo.ts", 3, "js-sqli-request-data", "critical"),
        ("app/db.py", 5, "python-sqli-string-built-query", "high"),
        ("app/db.py", 7, "python-sqli-request-data", "critical"),
        ("scripts/eval.ts", 2, "js-sqli-string-built-query", "high"),
    ])  # one finding per line: the unknown-origin tier yields to the request-data tier


def test_a_team_can_raise_the_unknown_origin_tier_by_rule_id() -> None:
    """`rules.severity` in the base config still overrides a rule's own level."""
    config = Config(rule_severity={"python-sqli-string-built-query": "critical"})
    result = detect(changeset_of({"app/db.py": FILES["app/db.py"],
                                  "tests/test_x.py": "assert 1\n"}), config)
    assert {(f.line, f.severity) for f in result.findings
            if f.violation_type == "sql_injection"} == {(5, "critical"), (7, "critical")}


def test_rules_that_see_no_data_flow_send_to_review_not_block() -> None:
    files = {
        "app/templates/post.html": "<article>{{ post.body|safe }}</article>\n",
        "web/components/Post.vue": '<template><div v-html="post.body"></div></template>\n',
        "app/mail.py": "import jinja2\nenv = jinja2.Environment(autoescape=False)\n",
        "tests/test_x.py": "assert 1\n",
    }
    result = detect(changeset_of(files), Config())
    assert sorted((f.rule_id, f.severity) for f in result.findings
                  if f.violation_type == "xss_vulnerability") == [
        ("python-jinja-autoescape-off", "high"),
        ("template-unescaped-output", "high"),
        ("vue-v-html", "high"),
    ]
