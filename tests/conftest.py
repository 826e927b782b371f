"""Test set-up: Qt offscreen; the FloatOperation trap on in every thread and every Python
process the tests start, so no float sneaks into money; and, when CI is set, a run in which a
test was skipped or xfailed fails, unless ALLOWED_SKIPS_IN_CI names it with a reason."""

from __future__ import annotations

import decimal
import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# read by wulong_desk/__init__.py: a Python process the tests start (the command line, the app,
# a script run with -c) traps floats too, once it imports the package
os.environ["WULONG_DESK_TRAP_FLOATS"] = "1"

import pytest

# The one allow-list: the tests that may be skipped (or xfailed) in CI, by node id (without
# parameters), with the reason; README's Tests section quotes it. LibreOffice, pdffonts, Xvfb
# and PostgreSQL are never on it: `.ci/setup --test` installs them.
ALLOWED_SKIPS_IN_CI = {
    "tests/test_crash.py::test_sigkill_mid_write_loses_no_committed_case":
        "SIGKILL exists on POSIX only (a Windows CI machine skips it)",
    "tests/test_sync.py::test_a_killed_sync_leaves_both_sides_consistent_and_the_next_completes_it":
        "SIGKILL exists on POSIX only (a Windows CI machine skips it)",
}


def _trap_floats() -> None:
    """On the default context (every thread started from now on copies it) and this thread's."""
    decimal.DefaultContext.traps[decimal.FloatOperation] = True
    decimal.getcontext().traps[decimal.FloatOperation] = True


_trap_floats()


@pytest.fixture(autouse=True)
def float_trap():
    _trap_floats()
    yield


# ---- the CI rule: checks cannot vanish. Every skip and xfail of the run (a test's, or a whole
# module's at collection: pytest.skip(allow_module_level=True), pytest.importorskip) is noted;
# at the end of the run, with CI set, any not on the allow-list fails it.

_vanished: list[tuple[str, str, str]] = []  # (node id, "skipped" | "xfailed", reason)
_offending: list[tuple[str, str, str]] = []  # those of them not on the allow-list, under CI


def _reason(report: pytest.CollectReport | pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return str(report.wasxfail)
    longrepr = report.longrepr
    return str(longrepr[2] if isinstance(longrepr, tuple) else longrepr)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _vanished.append((report.nodeid,
                          "xfailed" if hasattr(report, "wasxfail") else "skipped",
                          _reason(report)))


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.skipped:
        _vanished.append((report.nodeid, "skipped", _reason(report)))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The run fails (unless it failed already) when, with CI set, a check vanished."""
    if not os.environ.get("CI"):
        return
    _offending.extend((nodeid, kind, reason) for nodeid, kind, reason in _vanished
                      if nodeid.split("[")[0] not in ALLOWED_SKIPS_IN_CI)
    if _offending and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    """Which checks vanished, and why (printed after pytest_sessionfinish has decided)."""
    if not _offending:
        return
    terminalreporter.section("checks that vanished in CI", red=True)
    for nodeid, kind, reason in _offending:
        terminalreporter.write_line(f"{kind} in CI, which must run every check: {nodeid}: "
                                    f"{reason}")
    terminalreporter.write_line("(install what it needs with `bash .ci/setup --test`, or add "
                                "it to ALLOWED_SKIPS_IN_CI in tests/conftest.py with a reason)")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Each test gets its own user data folder; nothing touches the real one."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("WULONG_DESK_HOME", str(home))
    # an export points the process's temporary files at its private folder (in this home): put
    # back after the test
    monkeypatch.setattr(tempfile, "tempdir", tempfile.tempdir)
    return home


class Shown(list):
    """Message boxes a GUI test caused, as "title: text"; `answer` is what questions get."""

    answer: object = None


@pytest.fixture
def no_blocking_boxes(monkeypatch):
    """Message boxes never block a GUI test: they are recorded, and questions get `answer`
    (Discard unless the test sets another)."""
    from PySide6.QtWidgets import QMessageBox

    shown = Shown()
    shown.answer = QMessageBox.StandardButton.Discard

    def record(answer):
        def box(parent, title, text, *args, **kwargs):
            shown.append(f"{title}: {text}")
            return shown.answer if answer is None else answer
        return staticmethod(box)

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, record(QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", record(None))
    return shown


# ---- the office server: a throw-away PostgreSQL cluster for the whole run (tests/pg_cluster.py)

@pytest.fixture(scope="session")
def pg_cluster():
    """Started once, stopped at the end. Skipped only when PostgreSQL is not installed (and in
    CI that skip fails the run: `.ci/setup --test` installs it)."""
    from pg_cluster import SUPERUSER_PASSWORD, Cluster, find_binaries

    binaries = find_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed")
    cluster = Cluster(binaries)
    cluster.start()
    try:
        os.environ["PGPASSWORD"] = SUPERUSER_PASSWORD
        from wulong_desk.store.server import init_server

        cluster.admin_sql("CREATE DATABASE wulong_template")
        init_server(cluster.url(database="wulong_template"))
        yield cluster
    finally:
        cluster.stop()


_databases = iter(range(1, 1_000_000))


@pytest.fixture
def pg_url(pg_cluster, monkeypatch):
    """A fresh, migrated office database (roles and guards installed), logged in as its owner
    through PGPASSWORD, as the command line is."""
    from pg_cluster import SUPERUSER_PASSWORD

    name = f"wulong_test_{next(_databases)}"
    pg_cluster.admin_sql(f"CREATE DATABASE {name} TEMPLATE wulong_template")
    monkeypatch.setenv("PGPASSWORD", SUPERUSER_PASSWORD)
    yield pg_cluster.url(database=name)
    pg_cluster.admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    """Run a store test on both databases: the URL or path `open_store` takes (the PostgreSQL
    half needs the cluster, started on first use)."""
    if request.param == "sqlite":
        return request.getfixturevalue("tmp_path") / "cases.sqlite"
    return request.getfixturevalue("pg_url")
