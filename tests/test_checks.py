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

# tests a run may hold, each a way for a check to vanish
VANISHING = {
    "a skipif marker": '''
import pytest

@pytest.mark.skipif(True, reason="soffice is not installed")
def test_needs_libreoffice():
    pass
''',
    "a module-level skip": '''
import pytest

pytest.skip("no LibreOffice on this machine", allow_module_level=True)

def test_never_collected():
    pass
''',
    "an importorskip of a missing module": '''
import pytest

missing = pytest.importorskip("a_module_nobody_installed_anywhere")

def test_never_collected():
    pass
''',
    "an xfail": '''
import pytest

@pytest.mark.xfail(reason="the ledger total is wrong, to be fixed")
def test_known_broken():
    assert 1 + 1 == 3
''',
}
PLAIN = '''
def test_plain():
    pass
'''


def _run_inner(tmp_path: Path, ci: str | None, files: dict[str, str]
               ) -> subprocess.CompletedProcess[str]:
    """A pytest run in a subprocess on `files` (paths under a project folder of their own)
    with this suite's conftest.py beside them."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # the root of node ids
    (tmp_path / "tests").mkdir()
    shutil.copy(HERE / "conftest.py", tmp_path / "tests" / "conftest.py")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:randomly", "tests"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("way", VANISHING)
def test_a_check_that_vanished_fails_a_ci_run(tmp_path, way):
    proc = _run_inner(tmp_path, "1", {"tests/test_inner.py": VANISHING[way],
                                      "tests/test_plain.py": PLAIN})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout and " failed" not in proc.stdout  # (the rule failed it)
    kind = "xfailed" if way == "an xfail" else "skipped"
    assert f"{kind} in CI, which must run every check: tests/test_inner.py" in proc.stdout


@pytest.mark.parametrize("way", VANISHING)
def test_outside_ci_a_skip_is_only_a_skip(tmp_path, way):
    proc = _run_inner(tmp_path, None, {"tests/test_inner.py": VANISHING[way],
                                       "tests/test_plain.py": PLAIN})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "must run every check" not in proc.stdout


def test_a_skip_on_the_allow_list_passes_a_ci_run(tmp_path):
    from conftest import ALLOWED_SKIPS_IN_CI

    nodeid = next(iter(ALLOWED_SKIPS_IN_CI))
    path, name = nodeid.split("::")
    allowed = f'''
import pytest

@pytest.mark.skipif(True, reason="SIGKILL is POSIX")
def {name}():
    pass
'''
    proc = _run_inner(tmp_path, "1", {path: allowed, "tests/test_plain.py": PLAIN})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed, 1 skipped" in proc.stdout


def test_readme_quotes_the_allow_list():
    """The one allow-list is quoted in README's Tests section: every entry, nothing else."""
    import re

    from conftest import ALLOWED_SKIPS_IN_CI

    readme = (HERE.parent / "README.md").read_text(encoding="utf-8")
    quoted = readme[readme.index("Checks cannot vanish."):]
    quoted = quoted[:quoted.index("\n\n")]
    assert set(re.findall(r"`(tests/[^`]+::[^`]+)`", quoted)) == set(ALLOWED_SKIPS_IN_CI)
    for reason in ALLOWED_SKIPS_IN_CI.values():
        assert reason in quoted


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
