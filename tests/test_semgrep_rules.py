"""The shipped Semgrep rules pass their own annotated tests, and the runner maps results."""

from __future__ import annotations

import errno
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT, changeset_of
from veroscore.config import Config
from veroscore.detect import semgrep
from veroscore.detect.engine import RunningDetection, detect
from veroscore.detect.semgrep import semgrep_command
from veroscore.errors import DetectorError


def test_semgrep_test_over_rules_passes(tmp_path: Path) -> None:
    done = subprocess.run([semgrep_command(), "--test", "--metrics=off",
                           "--disable-version-check", str(REPO_ROOT / "rules")],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All tests passed" in done.stdout + done.stderr


def test_one_semgrep_run_maps_findings_to_changed_files() -> None:
    files = {
        "src/api/users.py": 'def f(cur, request):\n'
                            '    cur.execute(f"select * from u where id={request.GET[\'id\']}")\n',
        "web/src/Comment.tsx": "export const C = ({b}: {b: string}) => "
                               "<p dangerouslySetInnerHTML={{__html: b}} />;\n",
        "tests/test_users.py": "def test_x():\n    print('debug ok in tests')\n",
        "web/src/log.ts": "export function f() {\n  console.log('x');\n}\n",
    }
    result = detect(changeset_of(files), Config())
    assert result.semgrep_ran
    got = {(f.rule_id, f.path, f.line, f.violation_type, f.severity) for f in result.findings}
    assert got == {
        ("python-sqli-request-data", "src/api/users.py", 2, "sql_injection", "critical"),
        ("react-dangerously-set-inner-html", "web/src/Comment.tsx", 1, "xss_vulnerability",
         "critical"),
        ("js-console-log-in-app-code", "web/src/log.ts", 2, "unstructured_logging", "medium"),
    }


def test_untouched_lines_are_not_reported_in_score_mode() -> None:
    source = ('def f(cur, uid):\n    cur.execute(f"select * from u where id={uid}")\n'
              '    cur.execute(f"delete from u where id={uid}")\n')
    changes = changeset_of({"src/a.py": source, "tests/test_a.py": "assert 1\n"},
                           added={"src/a.py": {3}})
    result = detect(changes, Config())
    assert [(f.rule_id, f.line) for f in result.findings] == [
        ("python-sqli-string-built-query", 3)]
    assert result.outside_diff == 1


def test_user_rule_folder_is_used(tmp_path: Path) -> None:
    folder = tmp_path / "team-rules"
    folder.mkdir()
    (folder / "no-eval.yaml").write_text(
        "rules:\n  - id: team-no-eval\n    languages: [python]\n    severity: ERROR\n"
        "    message: no eval\n    pattern: eval(...)\n", encoding="utf-8")
    changes = changeset_of({"src/a.py": "x = eval(data)\n", "tests/test_a.py": "assert 1\n"})
    result = detect(changes, Config(rule_dirs=(folder,)))
    assert [(f.rule_id, f.violation_type, f.severity) for f in result.findings] == [
        ("team-no-eval", "custom_rule", "high")]


def test_a_run_leaves_nothing_behind_in_tmpdir_or_shm(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Semgrep leaves a rules file per rule in TMPDIR; the run points it into the stage."""
    user_tmp = tmp_path / "tmp"
    user_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(user_tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    shm = tmp_path / "shm"
    shm.mkdir()
    monkeypatch.setattr(semgrep, "SHM_DIR", str(shm))
    changes = changeset_of({"src/a.py": 'def f(c, u):\n    c.execute(f"select {u}")\n',
                            "tests/test_a.py": "assert 1\n"})
    result = detect(changes, Config())
    assert [f.rule_id for f in result.findings] == ["python-sqli-string-built-query"]
    assert list(user_tmp.iterdir()) == []
    assert list(shm.iterdir()) == []


def test_stage_goes_to_shm_only_when_it_has_room(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    small = changeset_of({"src/a.py": "x = 1\n"}).files
    targets = {f.path: f for f in small}
    monkeypatch.setattr(semgrep, "SHM_DIR", str(tmp_path))
    assert semgrep._scratch_parent(targets) == str(tmp_path)
    monkeypatch.setattr(semgrep, "SHM_HEADROOM_BYTES", 1 << 62)
    assert semgrep._scratch_parent(targets) is None
    monkeypatch.setattr(semgrep, "SHM_DIR", str(tmp_path / "absent"))
    monkeypatch.setattr(semgrep, "SHM_HEADROOM_BYTES", 0)
    assert semgrep._scratch_parent(targets) is None


def test_an_error_while_semgrep_runs_stops_it_and_removes_the_stage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(semgrep, "SHM_DIR", str(tmp_path))
    changes = changeset_of({"src/a.py": "x = 1\n", "tests/test_a.py": "assert 1\n"})
    running = RunningDetection(changes, Config())
    assert len(list(tmp_path.iterdir())) == 1
    with pytest.raises(RuntimeError, match="facts failed"), running:
        raise RuntimeError("facts failed")
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_while_staging_is_one_clear_error_and_no_leftovers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(stage: Path, targets: object) -> list[str]:
        stage.mkdir()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(semgrep, "SHM_DIR", str(tmp_path))
    monkeypatch.setattr(semgrep, "_stage", full_disk)
    changes = changeset_of({"src/a.py": "x = 1\n", "tests/test_a.py": "assert 1\n"})
    with pytest.raises(DetectorError, match="No space left on device"):
        detect(changes, Config())
    assert list(tmp_path.iterdir()) == []
