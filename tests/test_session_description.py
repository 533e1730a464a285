"""The session PR description, golden-tested (practice 10), hostile file names included.

Regenerate after an intended template change:
    VEROSCORE_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_session_description.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from veroscore.pipeline import parse_pipeline
from veroscore.session.describe import Description, render_description
from veroscore.session.snapshot import FileChange
from veroscore.session_ref import session_id_of

GOLDEN = Path(__file__).parent / "session_golden" / "session-pr.md"


def _description() -> Description:
    files = (
        FileChange("src/app.py", "modified", None, 12, 3, "1" * 40),
        FileChange("tests/test_app.py", "added", None, 30, 0, "2" * 40),
        FileChange("docs/<img src=x onerror=alert(1)>.md", "added", None, 1, 0, "3" * 40),
        FileChange("src/`rm -rf`|@admin #1.py", "renamed", "src/old\u202e.py", 2, 2, "4" * 40),
    )
    return Description("20261203-081501-a1b2c3", "9be04d7c2a11f00d" + "0" * 24,
                       "threshold min_files met", 7.42, "review_required",
                       "The Enforcement Pipeline Compliance section is incomplete",
                       "2584718f4f1e..9be04d7c2a11", files, ("tests/test_app.py",),
                       "1 medium", "medium")


def test_description_matches_golden() -> None:
    rendered = render_description(_description())
    if os.environ.get("VEROSCORE_REGEN_GOLDEN"):
        GOLDEN.write_text(rendered, encoding="utf-8")
    assert rendered == GOLDEN.read_text(encoding="utf-8")


def test_description_links_the_session_and_marks_nothing_for_the_author() -> None:
    rendered = render_description(_description())
    assert session_id_of("feature/x", rendered) == "20261203-081501-a1b2c3"
    status = parse_pipeline(rendered, 5.0)
    assert status.present and not status.complete and status.bonus == 0
    assert len([m for m in status.missing if "not marked Completed" in m]) == 5
    for hostile in ("<img", "`rm", "@admin", "\u202e"):
        assert hostile not in rendered
    assert not re.search(r"(?<!&)#1\b", rendered)  # no issue reference, only entities
