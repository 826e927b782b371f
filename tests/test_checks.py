"""The checks themselves cannot vanish: a skip fails a CI run, and the FloatOperation trap is on
in every thread and in every Python process the tests start."""

from __future__ import annotations

import decimal
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

INNER_TESTS = '''
import pytest

@pytest.mark.skipif(True, reason="soffice is not installed")
def test_needs_libreoffice():
    pass

def test_plain():
    pass
'''


def _run_inner(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    shutil.copy(HERE / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_inner.py").write_text(INNER_TESTS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:randomly", str(tmp_path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_skipped_test_fails_a_ci_run(tmp_path):
    proc = _run_inner(tmp_path, ci="1")
    assert proc.returncode == 1, proc.stdout
    assert "1 passed, 1 error" in proc.stdout  # (a skipif skips in set-up: an error there)
    assert "skipped in CI, which must run every check" in proc.stdout
    assert "soffice is not installed" in proc.stdout


def test_outside_ci_a_skip_is_only_a_skip(tmp_path):
    proc = _run_inner(tmp_path, ci=None)
    assert proc.returncode == 0, proc.stdout
    assert "1 passed, 1 skipped" in proc.stdout


def test_the_allow_list_never_holds_the_tools_ci_installs():
    from conftest import ALLOWED_SKIPS_IN_CI

    for nodeid, reason in ALLOWED_SKIPS_IN_CI.items():
        assert reason.strip()
        text = (nodeid + reason).lower()
        assert not any(tool in text for tool in ("soffice", "libreoffice", "pdffonts",
                                                 "poppler", "xvfb", "postgres"))


def test_a_new_thread_traps_floats():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(
        decimal.getcontext().traps[decimal.FloatOperation]))
    thread.start()
    thread.join()
    assert seen == [True]
    with pytest.raises(decimal.FloatOperation):
        decimal.Decimal("1.5") < 1.5  # noqa: B015


def test_a_python_process_the_tests_start_traps_floats_in_every_thread():
    script = ("import decimal, threading, wulong_desk\n"
              "def check():\n"
              "    try:\n"
              "        decimal.Decimal(0.1)\n"
              "    except decimal.FloatOperation:\n"
              "        print('trapped')\n"
              "check()\n"
              "thread = threading.Thread(target=check)\n"
              "thread.start()\n"
              "thread.join()\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert proc.stdout.split() == ["trapped", "trapped"], proc.stderr
