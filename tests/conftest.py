"""Test set-up: Qt offscreen on a 1366×768 screen; the FloatOperation trap on in every thread
and every Python process the tests start, so no float sneaks into money; and, when CI is set, a
run in which a test was skipped or xfailed fails, unless ALLOWED_SKIPS_IN_CI names it with a
reason."""

from __future__ import annotations

import decimal
import os
import tempfile

import pytest

# a clerk's laptop: every window test runs on a 1366×768 screen (Qt's offscreen platform,
# tests/fixtures/laptop-screen.json), so what does not fit there fails here
LAPTOP_SCREEN = os.path.join(os.path.dirname(__file__), "fixtures", "laptop-screen.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = ("offscreen" if ":" in LAPTOP_SCREEN   # (a drive letter)
                                     else f"offscreen:configfile={LAPTOP_SCREEN}")
# read by wulong_desk/__init__.py: a Python process the tests start (the command line, the app,
# a script run with -c) traps floats too, once it imports the package
os.environ["WULONG_DESK_TRAP_FLOATS"] = "1"

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
    CI that skip fails the run: `.ci/setup --test` installs it). Its databases belong to a
    login that is not a superuser, as on an office server (docs/server.md)."""
    from pg_cluster import OWNER_PASSWORD, Cluster, find_binaries

    binaries = find_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed")
    cluster = Cluster(binaries)
    cluster.start()
    try:
        os.environ["PGPASSWORD"] = OWNER_PASSWORD
        from wulong_desk.store.server import make_engine, upgrade

        engine = make_engine(cluster.create_database("wulong_template"))
        with engine.begin() as conn:   # the tables; each database's groups come with it
            upgrade(conn)
        engine.dispose()
        yield cluster
    finally:
        cluster.stop()


_databases = iter(range(1, 1_000_000))


@pytest.fixture
def pg_url(pg_cluster, monkeypatch):
    """A fresh office database set up by `server init` (its groups, guards, events and grants),
    logged in as its owner through PGPASSWORD, as the command line is."""
    from pg_cluster import OWNER_PASSWORD

    from wulong_desk.store.server import init_server

    name = f"wulong_test_{next(_databases)}"
    monkeypatch.setenv("PGPASSWORD", OWNER_PASSWORD)
    url = pg_cluster.create_database(name, template="wulong_template")
    init_server(url)
    yield url
    pg_cluster.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    """Run a store test on both databases: the URL or path `open_store` takes (the PostgreSQL
    half needs the cluster, started on first use)."""
    if request.param == "sqlite":
        return request.getfixturevalue("tmp_path") / "cases.sqlite"
    return request.getfixturevalue("pg_url")


class FileDialogs:
    """The app's file dialogs, answered as a clerk would: `answer(caption, path)` gives the
    path the next dialog of that title returns (unanswered: the clerk cancels). Every question
    is recorded in `asked` as (kind, caption)."""

    def __init__(self) -> None:
        self.answers: dict[str, object] = {}
        self.asked: list[tuple[str, str]] = []
        self.started: dict[str, str] = {}   # caption → the folder or file the dialog opens at

    def answer(self, caption: str, path: object) -> None:
        self.answers[caption] = path

    def reply(self, kind: str, args: tuple, kwargs: dict) -> str:
        caption = args[1] if len(args) > 1 else kwargs.get("caption", "")
        self.asked.append((kind, caption))
        self.started[caption] = str(args[2] if len(args) > 2 else kwargs.get("dir", ""))
        path = self.answers.pop(caption, None)
        return "" if path is None else str(path)


@pytest.fixture
def file_dialogs(monkeypatch):
    """QFileDialog's open, save and folder dialogs answered by the test (see FileDialogs)."""
    from PySide6.QtWidgets import QFileDialog

    dialogs = FileDialogs()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(
        lambda *args, **kwargs: (dialogs.reply("open", args, kwargs), "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *args, **kwargs: (dialogs.reply("save", args, kwargs), "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(
        lambda *args, **kwargs: dialogs.reply("folder", args, kwargs)))
    return dialogs
