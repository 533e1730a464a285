"""hardcoded_date: sample data is not a finding, a literal that gates behaviour is."""

from __future__ import annotations

import pytest

from tests.helpers import changeset_of
from veroscore.config import Config
from veroscore.detect.detectors.dates import date_rule, is_data_path
from veroscore.detect.engine import detect

RECORD = "  createdAt: new Date('2024-03-01T10:00:00Z'),\n"


def date_findings(files: dict[str, str]) -> set[tuple[str, int | None, str]]:
    result = detect(changeset_of(files), Config(), use_semgrep=False)
    return {(f.path, f.line, f.rule_id) for f in result.findings
            if f.violation_type == "hardcoded_date"}


@pytest.mark.parametrize("path", [
    "src/components/Card.stories.tsx", "src/__mocks__/api.ts", "src/mocks/handlers.ts",
    "fixtures/users.ts", "test/fixtures/orders.py", "prisma/seed.ts", "db/seeds/001_users.js",
    "src/api/user.mock.ts", "scripts/seed_data.py", "src/data/orders.fixture.ts",
])
def test_dates_in_stories_mocks_fixtures_and_seeds_are_data(path: str) -> None:
    assert is_data_path(path)
    source = f"export const order = {{\n{RECORD}  expiresAt: new Date('2026-01-01'),\n}};\n"
    assert date_findings({path: source}) == set()


@pytest.mark.parametrize("path", ["src/app/page.tsx", "src/mockingbird/view.ts",
                                  "src/seedling.py", "src/lib/stories_api.ts"])
def test_application_paths_are_not_data(path: str) -> None:
    assert not is_data_path(path)


def test_a_record_property_in_app_code_is_data_but_a_gate_is_not() -> None:
    source = ("const row = {\n" + RECORD + "};\n"
              "if (order.createdAt < new Date('2025-01-01')) legacy();\n"
              "const trialEnds = new Date('2026-06-30');\n"
              "const flags = { newCheckout: Date.now() > Date.parse('2026-02-01') };\n")
    assert date_findings({"src/orders.ts": source}) == {
        ("src/orders.ts", 4, "date-constructor-literal"),
        ("src/orders.ts", 5, "date-constructor-literal"),
        ("src/orders.ts", 6, "date-constructor-literal"),
    }


@pytest.mark.parametrize(("line", "rule"), [
    ('if today > "2025-03-31":', "date-literal-comparison"),
    ("    return today < date(2026, 12, 31)", "date-constructor-literal"),
    ("SALE_START = datetime(2026, 11, 27)", "date-constructor-literal"),
    ('expires_at = datetime.fromisoformat("2026-01-01")', "date-literal-deadline"),
    ("  expiresAt: new Date('2026-01-01'),", "date-literal-deadline"),
    ("    make_order(created=datetime(2024, 1, 2), total=3)", None),
    ('API_VERSION = "2024-06-20"', None),
    ("# shipped 2025-03-31", None),
    (RECORD.rstrip("\n"), None),
])
def test_date_rule(line: str, rule: str | None) -> None:
    assert date_rule(line) == rule


def test_pathological_lines_finish_and_find_nothing() -> None:
    assert date_rule("due" * 40_000 + " = 1") is None
    assert date_rule("<" + " " * 100_000 + "x") is None
    assert date_rule("new Date(" * 20_000) is None
