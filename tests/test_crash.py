"""A writer killed with SIGKILL mid-loop loses nothing whose commit had returned."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

WRITER = r"""
import sys
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
sys.path.insert(0, sys.argv[2])
from store_helpers import case_form, project_form

store = open_store(sys.argv[1], "crash")
project_id = projects.create_project(store, project_form())
print("project", project_id, flush=True)
n = 0
while True:
    n += 1
    saved = cases.save_case(store, project_id, case_form(case_no=f"K-{n:05d}"))
    print("committed", saved.uuid, flush=True)
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_mid_write_loses_no_committed_case(tmp_path):
    db = tmp_path / "crash.sqlite"
    tests_dir = os.path.dirname(__file__)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), tests_dir],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": tests_dir})
    committed: list[str] = []
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while len(committed) < 25 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("committed"):
            committed.append(line.split()[1])
    proc.send_signal(signal.SIGKILL)  # no clean-up, no atexit, mid-transaction
    proc.wait(timeout=30)
    assert len(committed) >= 25, proc.stderr.read() if proc.stderr else ""

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    stored = {row[0] for row in conn.execute("SELECT uuid FROM cases")}
    conn.close()
    assert set(committed) <= stored

    from wulong_desk.store import open_store

    open_store(db, "after").close()  # and the app opens it normally
