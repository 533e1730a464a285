"""Patterns that see PR-controlled text, fed pathological input: they must give the right
answer (timing is bench/regex_linearity.py's job; these would hang on the old patterns)."""

from __future__ import annotations

from tests.helpers import changeset_of
from veroscore.config import Config
from veroscore.detect.detectors.supabase_client import is_client_side
from veroscore.detect.engine import detect
from veroscore.detect.secret_patterns import JWT, TOKEN_PATTERNS, redact
from veroscore.session_ref import session_id_of

HUNDRED_K = 100_000


def test_session_line_after_a_long_run_of_blank_lines() -> None:
    """`^\\s*` spanned newlines: 8k blank lines took seconds, 100k would take minutes."""
    description = "\n" * HUNDRED_K + "Session: `abc-123`\n"
    assert session_id_of("feature/x", description) == "abc-123"
    assert session_id_of("feature/x", " \n" * HUNDRED_K) is None


def test_use_client_directive_after_a_long_run_of_blank_lines() -> None:
    files = changeset_of({"src/server/a.ts": "\n" * HUNDRED_K + "'use client';\nexport {};\n",
                          "src/server/b.ts": " \n" * HUNDRED_K + "export {};\n"}).files
    assert [is_client_side(f) for f in files] == [True, False]


def test_token_patterns_on_long_runs_of_their_own_prefixes() -> None:
    """`sk-`, `sb_secret_` and `eyJ` runs: a start only where a token can start."""
    by_rule = {p.rule_id: p.regex for p in TOKEN_PATTERNS}
    for prefix, rule in (("sk-", "secret-openai-key"),
                         ("sb_secret_", "secret-supabase-secret-key")):
        line = prefix * (HUNDRED_K // len(prefix)) + "-!"
        assert [m.start() for m in by_rule[rule].finditer(line)] == [0]
    for prefix in ("eyJ-", "eyJ.", "eyJ"):
        assert JWT.search(prefix * (HUNDRED_K // len(prefix)) + "!") is None
    assert redact("x = " + "token" * 20_000 + " = 'abc'") == "x = " + "token" * 20_000 + \
        " = 'abc'"


def test_a_100k_character_line_of_every_detector_shape_scans_clean() -> None:
    shapes = [" " * HUNDRED_K, "a=" * (HUNDRED_K // 2), "user_id" * (HUNDRED_K // 7),
              '"' * HUNDRED_K, "due" * (HUNDRED_K // 3), "<" + " " * HUNDRED_K,
              "-" * HUNDRED_K, "token: " * (HUNDRED_K // 7)]
    files = {f"src/shape_{i}.py": text + "\n" for i, text in enumerate(shapes)}
    files.update({f"config/shape_{i}.yml": text + "\n" for i, text in enumerate(shapes)})
    result = detect(changeset_of(files), Config(), use_semgrep=False, change_level=False)
    assert [f for f in result.findings if f.violation_type != "missing_tests"] == []


def test_parameterised_sql_signal_is_linear_on_a_run_of_placeholders() -> None:
    """`execute("` and 100,000 `?`: the old pattern read the run both as text before the
    placeholder and after it (quadratic: minutes); the answer must still be right."""
    from veroscore.score.signals import _PARAM_SQL

    run = "?" * 100_000
    assert _PARAM_SQL.search('cur.execute("' + run) is None
    assert _PARAM_SQL.search('cur.execute("' + run + '", args)') is not None
    assert _PARAM_SQL.search('cur.execute("' + "%" * 100_000 + '", args)') is None
