"""Test set-up: Qt offscreen on a 1366×768 screen; the FloatOperation trap on in every thread
and every Python process the tests start, so no float sneaks into money; and, when CI is set,
a skipped test fails the run unless ALLOWED_SKIPS_IN_CI names it with a reason."""

from __future__ import annotations

import decimal
import os

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

# Tests that may be skipped in CI, by node id (without parameters), with the reason. LibreOffice,
# pdffonts and Xvfb are never on this list: `.ci/setup --test` installs them.
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


def _skip_is_a_failure(nodeid: str) -> bool:
    return bool(os.environ.get("CI")) and nodeid.split("[")[0] not in ALLOWED_SKIPS_IN_CI


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skip is a failure (a check that silently vanished), unless allowed above."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and _skip_is_a_failure(item.nodeid):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = (f"skipped in CI, which must run every check: {reason} "
                           "(install what it needs with `bash .ci/setup --test`, or add it "
                           "to ALLOWED_SKIPS_IN_CI in tests/conftest.py with a reason)")


def pytest_collectreport(report):
    """A whole module skipped at collection fails in CI the same way."""
    if report.skipped and _skip_is_a_failure(report.nodeid):
        report.outcome = "failed"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Each test gets its own user data folder; nothing touches the real one."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("WULONG_DESK_HOME", str(home))
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

    def answer(self, caption: str, path: object) -> None:
        self.answers[caption] = path

    def reply(self, kind: str, args: tuple, kwargs: dict) -> str:
        caption = args[1] if len(args) > 1 else kwargs.get("caption", "")
        self.asked.append((kind, caption))
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
