"""The Action with a store that is down and a spool that cannot be written: the PR is still
enforced and the run exits by fail-on; the record reaches the job log and step summary."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.github_fake import FakeGitHub, file_entry
from tests.helpers import run_cli
from tests.test_github_action import (  # noqa: F401  (fixtures)
    H1,
    REPO,
    actions_env,
    fake,
    hunk,
    outputs,
    push,
)
from veroscore.store import spool as spool_module

SECRET = "Zq8-pw.xYzz"
DOWN = f"postgresql+psycopg://veroscore:{SECRET}@127.0.0.1:1/veroscore?sslmode=disable"


@pytest.mark.parametrize("fault", ["folder-is-a-file", "disk-full"])
def test_unwritable_spool_still_enforces_and_logs_the_record(
        capsys: pytest.CaptureFixture[str], fake: FakeGitHub,  # noqa: F811
        actions_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
        fault: str) -> None:
    monkeypatch.setenv("DATABASE_URL", DOWN)
    if fault == "folder-is-a-file":
        (actions_env["temp"] / "veroscore").mkdir()
        (actions_env["temp"] / "veroscore" / "spool").write_text("in the way")
    else:
        def full(*args: Any) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        monkeypatch.setattr(spool_module.os, "write", full)
    leaked = f'DATABASE_URL = "postgres://app:{SECRET}@db.example.com/app"'
    push(fake, actions_env, H1, [file_entry("deploy/settings.txt", hunk([leaked]))],
         action="opened")
    run = run_cli(capsys, "action")
    assert run.code == 1  # blocked (a hard-coded database password) and fail-on auto_block
    assert fake.statuses[0]["state"] == "failure"
    assert ("POST", f"{REPO}/pulls/7/reviews") in fake.writes()
    assert outputs(actions_env["output"])["spool-file"] == ""
    logged = [line for line in run.err.splitlines() if line.startswith("veroscore-record: ")]
    assert len(logged) == 1
    record = json.loads(logged[0].removeprefix("veroscore-record: "))
    assert (record["pr_number"], record["head_sha"]) == (7, H1)
    assert "cannot write the spool file" in run.err
    assert str(actions_env["temp"] / "veroscore" / "spool") in run.err
    summary = actions_env["summary"].read_text()
    assert "Score record not stored" in summary and logged[0].split(": ", 1)[1] in summary
    everything = run.out + run.err + summary + json.dumps(fake.comments)
    assert SECRET not in everything
