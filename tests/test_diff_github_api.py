"""REST-API intake: per-file patches from `pulls/{n}/files` become a ChangeSet."""

from __future__ import annotations

from veroscore.config import Config
from veroscore.detect.engine import detect
from veroscore.diff import FileStatus
from veroscore.diff.github_api import read_pull_request
from veroscore.github.client import PullFile
from veroscore.github.event import PullRequestInfo

PR = PullRequestInfo(number=7, head_sha="h" * 40, base_sha="b" * 40, head_ref="feature",
                     base_ref="main", author="dev", title="t", body="", draft=False,
                     head_repo="acme/app")


def test_a_file_name_holding_diff_headers_is_scored_under_its_own_name() -> None:
    """A name with a newline must not rewrite the per-file diff (it used to fail the run)."""
    hostile = "src/x.py\n+++ b/src/decoy.md"
    token = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    files = [
        PullFile(hostile, "added", None, f'@@ -0,0 +1,1 @@\n+STRIPE = "{token}"', 1, 0),
        PullFile("n.py", "renamed", "o.py", "@@ -1,1 +1,1 @@\n-a = 1\n+a = 2", 1, 1),
        PullFile("gone.py", "removed", None, None, 0, 1),
    ]
    changes = read_pull_request(PR, files, "acme/app", lambda path: None, 1024 * 1024)
    by_path = {f.path: f for f in changes.files}
    assert set(by_path) == {hostile, "n.py", "gone.py"}
    assert by_path[hostile].added_lines == {1: f'STRIPE = "{token}"'}
    assert (by_path["n.py"].status, by_path["n.py"].old_path) == (FileStatus.RENAMED, "o.py")
    assert by_path["gone.py"].status is FileStatus.DELETED
    found = [f for f in detect(changes, Config(), use_semgrep=False).findings
             if f.violation_type == "hardcoded_secret"]
    assert [f.path for f in found] == [hostile]
    assert token not in found[0].snippet
