from __future__ import annotations

import pytest

from veroscore.pipeline import REQUIRED_CHECKS, parse_pipeline
from veroscore.report.render import render_template

SEED_FORMAT = """## Enforcement Pipeline Compliance

**Step 1: Search & Discovery** — Completed
→ Searched files: src/app.py

**Step 2: Pattern Analysis** — Completed
→ Imports compliant: Yes

**Step 3: Compliance Check** — Completed
→ RLS/tenant isolation: Pass
→ Architecture boundaries: Pass
→ No hardcoded values: Pass
→ Structured logging + traceId: Pass
→ Error resilience (no silent failures): Pass
→ Design system usage: N/A

**Step 4: Implementation Plan** — Completed
**Step 5: Post-Implementation Audit** — Completed
"""


def complete_section() -> str:
    return render_template("pipeline_section.md.j2", status="Completed",
                           checks=REQUIRED_CHECKS, check_status="Pass")


def test_seed_format_is_complete() -> None:
    status = parse_pipeline("Intro text\n\n" + SEED_FORMAT + "\n## Notes\nmore", 5)
    assert (status.present, status.complete, status.bonus, status.missing) == (True, True, 5, ())


def test_rendered_template_round_trips() -> None:
    assert parse_pipeline(complete_section(), 5).complete


def test_empty_template_lists_every_gap() -> None:
    empty = render_template("pipeline_section.md.j2", status="Pending", checks=REQUIRED_CHECKS,
                            check_status="Pending")
    status = parse_pipeline(empty, 5)
    assert status.present and not status.complete and status.bonus == 0
    assert len(status.missing) == 10
    assert "Step 3: Compliance Check is not marked Completed (found 'pending')" in status.missing


def test_missing_section() -> None:
    status = parse_pipeline("Fixes the login page.", 5)
    assert not status.present
    assert status.missing == ('the "Enforcement Pipeline Compliance" section is missing '
                              "from the description",)


@pytest.mark.parametrize("check", REQUIRED_CHECKS)
def test_a_failing_check_is_named(check: str) -> None:
    text = SEED_FORMAT.replace(f"→ {check}", f"→ {check}: Fail\n→ ignored")
    status = parse_pipeline(text, 5)
    assert not status.complete
    assert any(check in m and "fail" in m for m in status.missing)


def test_missing_step_and_check_are_named() -> None:
    text = SEED_FORMAT.replace("**Step 4: Implementation Plan** — Completed\n", "").replace(
        "→ No hardcoded values: Pass\n", "")
    status = parse_pipeline(text, 5)
    assert status.missing == ("Step 4: Implementation Plan is missing",
                              "required check 'No hardcoded values' is missing")


def test_fail_anywhere_in_section_is_reported() -> None:
    status = parse_pipeline(SEED_FORMAT + "→ Design system usage: Fail\n", 5)
    assert not status.complete
    assert status.missing[0].startswith("'Fail' reported")


def test_repository_pr_template_carries_the_rendered_section() -> None:
    from tests.helpers import REPO_ROOT
    committed = (REPO_ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    empty = render_template("pipeline_section.md.j2", checks=REQUIRED_CHECKS)
    assert committed.endswith(empty)
    assert not parse_pipeline(committed, 5).complete


# --- hostile descriptions: results on pathological input (time is measured in bench/) ---

def test_heading_with_a_long_run_of_spaces_is_parsed() -> None:
    """`# a<100k spaces>b` made the old heading regex backtrack cubically."""
    text = "# a" + " " * 100_000 + "b\n\n" + SEED_FORMAT
    assert parse_pipeline(text, 5).complete
    title = "## Enforcement Pipeline Compliance" + " " * 100_000 + "##\n"
    assert parse_pipeline(SEED_FORMAT.replace("## Enforcement Pipeline Compliance\n", title),
                          5).complete


def test_a_one_megabyte_description_of_repeated_separators_is_judged() -> None:
    noise = "Step 1" + ": a" * 350_000 + "!\n"
    status = parse_pipeline("## Enforcement Pipeline Compliance\n" + noise, 5)
    assert status.present and not status.complete
    assert "Step 1: Search & Discovery is missing" in status.missing


@pytest.mark.parametrize("noise", [
    " \n" * 500_000,
    "- a" + " " * 1_000_000 + "b\n",
    "(" * 1_000_000 + ": pass\n",
    "→ RLS/tenant isolation" + " " * 100_000 + "\n",
    "**" * 500_000 + "\n",
])
def test_pathological_noise_inside_a_complete_section_changes_nothing(noise: str) -> None:
    text = SEED_FORMAT.replace("**Step 4:", noise + "**Step 4:")
    status = parse_pipeline(text, 5)
    assert (status.complete, status.missing) == (True, ())


def test_step_status_is_the_text_after_the_last_separator_before_a_parenthesis() -> None:
    text = SEED_FORMAT.replace("**Step 2: Pattern Analysis** — Completed",
                               "Step 2 - Pattern Analysis: done (see notes: all - fine)")
    assert parse_pipeline(text, 5).complete
    text = SEED_FORMAT.replace("**Step 2: Pattern Analysis** — Completed",
                               "Step 2: Pattern Analysis — In progress (50%)")
    assert "Step 2: Pattern Analysis is not marked Completed (found 'in progress')" in \
        parse_pipeline(text, 5).missing


def test_check_names_drop_parenthesised_notes_even_unclosed_ones() -> None:
    text = SEED_FORMAT.replace("→ Error resilience (no silent failures): Pass",
                               "→ Error resilience (no silent (failures): Pass")
    assert parse_pipeline(text, 5).complete
