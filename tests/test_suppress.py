"""Inline suppressions under the base's `suppressions:` policy (issue 11: a PR must not waive
its own critical findings), for Python-detector and Semgrep findings, in every intake."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import GitRepo, changeset_of, run_cli
from veroscore.config import Config, parse_config
from veroscore.detect.engine import detect
from veroscore.detect.finding import Finding
from veroscore.detect.suppress import ADDED_IN_PR, WILDCARD
from veroscore.detect.suppression_policy import SuppressionPolicy
from veroscore.diff import ChangeSet
from veroscore.diff.github_api import read_pull_request
from veroscore.diff.patch import parse_patch
from veroscore.errors import ConfigError
from veroscore.github.client import PullFile
from veroscore.github.event import PullRequestInfo

UUID = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"
TENANT = f'TENANT_ID = "{UUID}"'
TESTS = {"tests/test_a.py": "assert True\n"}


def tenant_findings(source: str, added: set[int], config: Config | None = None,
                    *, pr_mode: bool = True) -> list[Finding]:
    changes = changeset_of({"src/a.py": source, **TESTS}, added={"src/a.py": added})
    result = detect(changes, config or Config(), use_semgrep=False, change_level=pr_mode)
    return [f for f in result.findings if f.rule_id == "hardcoded-tenant-id"]


def state(found: list[Finding]) -> list[tuple[bool, str, str]]:
    return [(f.suppressed, f.suppression_reason, f.suppression_note) for f in found]


def test_a_suppression_the_pr_adds_does_not_waive_a_critical_finding() -> None:
    source = f"# veroscore: ignore[hardcoded-tenant-id] sandbox tenant\n{TENANT}\n"
    found = tenant_findings(source, added={1, 2})
    assert found[0].severity == "critical"
    assert state(found) == [(False, "", f"{ADDED_IN_PR} (line 1: sandbox tenant)")]
    assert ADDED_IN_PR in found[0].message


def _high(source: str, added: set[int], policy: SuppressionPolicy | None = None
          ) -> list[tuple[str, bool, str]]:
    config = Config(suppressions=policy) if policy else Config()
    changes = changeset_of({"src/settings.py": source, **TESTS},
                           added={"src/settings.py": added})
    return [(f.violation_type, f.suppressed, f.suppression_note[:len(ADDED_IN_PR)])
            for f in detect(changes, config, use_semgrep=False).findings
            if f.severity == "high"]


SECRET = 'db_password = "Zq7!vR2#kP9w"'
DEADLINE = 'if today > "2025-03-31":\n    expire()'


def test_a_pr_cannot_waive_its_own_high_security_finding_but_may_waive_others() -> None:
    """SQL of unknown origin, generic credentials and the RLS warnings are high: a PR's own
    comment must not turn them into an approval. Other high findings stay waivable."""
    assert _high(f"# veroscore: ignore[hardcoded_secret] local only\n{SECRET}\n",
                 added={1, 2}) == [("hardcoded_secret", False, ADDED_IN_PR)]
    assert _high(f"# veroscore: ignore[hardcoded_secret] local only\n{SECRET}\n",
                 added={2}) == [("hardcoded_secret", True, "")]
    assert _high(f"# veroscore: ignore[hardcoded_date] launch flag\n{DEADLINE}\n",
                 added={1, 2, 3}) == [("hardcoded_date", True, "")]


def test_the_base_may_let_prs_waive_high_security_findings() -> None:
    policy = SuppressionPolicy(security_types=[])
    assert _high(f"# veroscore: ignore[hardcoded_secret] local only\n{SECRET}\n",
                 added={1, 2}, policy=policy) == [("hardcoded_secret", True, "")]


def test_a_suppression_already_on_the_base_applies() -> None:
    source = f"# veroscore: ignore[hardcoded-tenant-id] sandbox tenant\n{TENANT}\n"
    assert state(tenant_findings(source, added={2})) == [(True, "sandbox tenant", "")]


def test_a_same_line_suppression_added_with_the_code_is_refused() -> None:
    source = f"{TENANT}  # veroscore: ignore[hardcoded-tenant-id] demo\n"
    assert state(tenant_findings(source, added={1}))[0][0] is False


@pytest.mark.parametrize("comment", [
    "# veroscore: ignore[*] whatever", "# veroscore: ignore[all]",
    "# veroscore: ignore everything here", "# VeroScore: Ignore[ALL] shouting"])
def test_wildcards_never_waive_a_critical_finding_even_from_the_base(comment: str) -> None:
    found = tenant_findings(f"{comment}\n{TENANT}\n", added={2})
    assert found[0].suppressed is False
    assert found[0].suppression_note.startswith(WILDCARD)


def test_wildcards_still_waive_findings_below_critical() -> None:
    source = "# veroscore: ignore[*] release date is fixed by contract\nif d > '2025-01-01': pass\n"
    changes = changeset_of({"src/p.py": source, **TESTS}, added={"src/p.py": {2}})
    found = detect(changes, Config(), use_semgrep=False).findings
    assert [(f.severity, f.suppressed) for f in found] == [("high", True)]


def test_prose_that_merely_mentions_ignoring_is_not_a_suppression() -> None:
    source = f"# veroscore: ignored paths are listed in the config\n{TENANT}\n"
    assert state(tenant_findings(source, added={2})) == [(False, "", "")]


def test_the_base_policy_can_allow_both() -> None:
    lenient = Config(suppressions=SuppressionPolicy(allow_added_in_pr_for_critical=True,
                                                    allow_wildcards_for_critical=True))
    added = f"# veroscore: ignore[hardcoded-tenant-id] sandbox\n{TENANT}\n"
    wildcard = f"# veroscore: ignore[*] sandbox\n{TENANT}\n"
    assert state(tenant_findings(added, added={1, 2}, config=lenient))[0][0] is True
    assert state(tenant_findings(wildcard, added={2}, config=lenient))[0][0] is True
    assert state(tenant_findings(wildcard, added={1, 2}, config=lenient))[0][0] is True


def test_scan_treats_suppressions_as_existing() -> None:
    source = f"# veroscore: ignore[hardcoded-tenant-id] sandbox\n{TENANT}\n"
    assert state(tenant_findings(source, added={1, 2}, pr_mode=False)) == [
        (True, "sandbox", "")]
    wildcard = f"# veroscore: ignore[*] sandbox\n{TENANT}\n"
    assert state(tenant_findings(wildcard, added={1, 2}, pr_mode=False))[0][0] is False


def test_legacy_rls_exempt_added_in_the_pr_is_refused_on_a_critical_rls_finding() -> None:
    sql = "-- RLS-exempt: lookup table\ncreate table public.countries (code text);\n"
    changes = changeset_of({"supabase/migrations/1_c.sql": sql})
    found = detect(changes, Config(), use_semgrep=False).findings
    assert [(f.rule_id, f.suppressed, f.suppression_note) for f in found] == [
        ("supabase-rls-disabled-in-public", False, f"{ADDED_IN_PR} (line 1: lookup table)")]


# --- Semgrep findings (Semgrep really runs) --------------------------------------------

SQLI = ('from flask import request\ndef get(cur):\n    {comment}\n'
        '    cur.execute(f"SELECT * FROM users WHERE id = {{request.args[\'id\']}}")\n')


def semgrep_findings(comment: str, added: set[int]) -> list[Finding]:
    source = SQLI.format(comment=comment)
    changes = changeset_of({"app/q.py": source, "tests/test_q.py": "assert True\n"},
                           added={"app/q.py": added})
    return [f for f in detect(changes, Config()).findings if f.violation_type == "sql_injection"]


@pytest.mark.slow
def test_nosemgrep_cannot_hide_a_critical_semgrep_finding() -> None:
    found = semgrep_findings("# nosemgrep", added={1, 2, 3, 4})
    assert [(f.severity, f.suppressed) for f in found] == [("critical", False)]
    assert found[0].suppression_note.startswith(WILDCARD)


@pytest.mark.slow
def test_semgrep_findings_follow_the_same_policy() -> None:
    rule_id = semgrep_findings("pass", added={4})[0].rule_id
    comment = f"# veroscore: ignore[{rule_id}] ids are ints, checked upstream"
    assert [f.suppression_note[:len(ADDED_IN_PR)]
            for f in semgrep_findings(comment, added={3, 4})] == [ADDED_IN_PR]
    assert [(f.suppressed, f.suppression_reason)
            for f in semgrep_findings(comment, added={4})] == [
        (True, "ids are ints, checked upstream")]


# --- both intakes: added lines come from the diff ---------------------------------------

PR = PullRequestInfo(number=3, head_sha="h" * 40, base_sha="b" * 40, head_ref="f",
                     base_ref="main", author="dev", title="t", body="", draft=False,
                     head_repo="acme/app")


def test_rest_intake_context_line_suppression_applies_added_one_does_not() -> None:
    base_waiver = "@@ -1,1 +1,2 @@\n # veroscore: ignore[hardcoded-tenant-id] sandbox\n" \
                  f"+{TENANT}"
    own_waiver = "@@ -0,0 +1,2 @@\n+# veroscore: ignore[hardcoded-tenant-id] sandbox\n" \
                 f"+{TENANT}"
    files = [PullFile("src/a.py", "modified", None, base_waiver, 1, 0),
             PullFile("src/b.py", "added", None, own_waiver, 2, 0),
             PullFile("tests/test_a.py", "added", None, "@@ -0,0 +1,1 @@\n+assert 1", 1, 0)]
    changes = read_pull_request(PR, files, "acme/app", lambda _: None, 1024 * 1024)
    found = {f.path: f for f in detect(changes, Config(), use_semgrep=False).findings
             if f.rule_id == "hardcoded-tenant-id"}
    assert (found["src/a.py"].suppressed, found["src/b.py"].suppressed) == (True, False)
    assert found["src/b.py"].suppression_note.startswith(ADDED_IN_PR)


def test_patch_intake_marks_the_added_waiver() -> None:
    patch = ("diff --git a/src/a.py b/src/a.py\nnew file mode 100644\nindex 0000000..1111111\n"
             "--- /dev/null\n+++ b/src/a.py\n@@ -0,0 +1,2 @@\n"
             f"+# veroscore: ignore[hardcoded-tenant-id] sandbox\n+{TENANT}\n")
    changes = ChangeSet(files=tuple(parse_patch(patch, "x.patch", 1024 * 1024)))
    found = detect(changes, Config(), use_semgrep=False).findings
    assert [(f.rule_id, f.suppressed) for f in found if f.violation_type != "missing_tests"] == [
        ("hardcoded-tenant-id", False)]


def test_git_intake_scores_an_own_waiver_as_a_block(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("supabase/migrations/1_init.sql",
               "-- veroscore: ignore[supabase-rls-disabled-in-public] static lookup\n"
               "create table public.countries (code text);\n")
    repo.commit("base")
    repo.write("supabase/migrations/2_more.sql",
               "-- veroscore: ignore[supabase-rls-disabled-in-public] trust me\n"
               "create table public.payments (id bigint, user_id uuid);\n")
    repo.write("supabase/migrations/1_init.sql",
               "-- veroscore: ignore[supabase-rls-disabled-in-public] static lookup\n"
               "create table public.countries (code text, name text);\n")
    repo.commit("pr")
    run = run_cli(capsys, "score", "--repo", str(repo.root), "--base", "HEAD~1",
                  "--format", "json", "--store", "none")
    result = run.json()
    assert result["decision"] == "auto_block"
    blocking = [(f["path"], f["suppression_note"][:len(ADDED_IN_PR)])
                for f in result["findings"] if f["severity"] == "critical"]
    assert blocking == [("supabase/migrations/2_more.sql", ADDED_IN_PR)]
    assert [f["path"] for f in result["suppressed"]] == ["supabase/migrations/1_init.sql"]


# --- configuration ---------------------------------------------------------------------

def test_suppressions_config_section() -> None:
    config = parse_config("suppressions:\n  allow_added_in_pr_for_critical: true\n", "c.yml")
    assert config.suppressions == SuppressionPolicy(allow_added_in_pr_for_critical=True)
    assert Config().suppressions == SuppressionPolicy()
    narrowed = parse_config("suppressions:\n  security_types: [sql_injection]\n", "c.yml")
    assert narrowed.suppressions.security_types == ["sql_injection"]
    assert Config().suppressions.security_types == [
        "sql_injection", "xss_vulnerability", "rls_violation", "hardcoded_secret"]


@pytest.mark.parametrize(("text", "message"), [
    ("suppressions:\n  allow_everything: true\n",
     "c.yml: unknown key 'suppressions.allow_everything'"),
    ("suppressions:\n  allow_wildcards_for_critical: 'yes'\n",
     "c.yml: key 'suppressions.allow_wildcards_for_critical' must be true or false, got str"),
    ("suppressions: [1]\n", "c.yml: key 'suppressions' must be a mapping, got list"),
])
def test_suppressions_config_errors_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text, "c.yml")
    assert str(error.value).startswith(message)
