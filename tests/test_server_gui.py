"""Several people at once, on screen (issue 18, item 4): a save that meets someone else's newer
save shows both versions field by field and saves only what the user chooses; the main window
notices others' changes (on focus and every minute)."""

from __future__ import annotations

import threading

import pytest
from store_helpers import case_form, project_form

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import Case
from wulong_desk.ui.case_editor import CaseEditor
from wulong_desk.ui.versions_dialog import VersionsDialog

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")


@pytest.fixture
def two_people(tmp_path, qapp):
    """One database, two people: `mine` has the editor open, `other` saves meanwhile."""
    path = tmp_path / "office.sqlite"
    mine = open_store(path, "甲")
    project_id = projects.create_project(mine, project_form())
    case_id = cases.save_case(mine, project_id, case_form(case_no="A-001")).case_id
    other = open_store(path, "乙")
    yield mine, other, project_id, case_id
    other.close()
    mine.close()


def answer_login(monkeypatch, pg_url: str, login: str, password: str, *,
                 remember: bool = False) -> None:
    """The server login dialog answers itself as a clerk would fill it in: pg_url's server,
    this login and password (and 记住密码 when remember)."""
    from sqlalchemy.engine import make_url

    from wulong_desk.ui.server_login_dialog import ServerLoginDialog

    url = make_url(pg_url)

    def fill(dialog):
        dialog.host.setText(url.host)
        dialog.port.setValue(url.port)
        dialog.database.setText(url.database)
        dialog.login.setText(login)
        dialog.password.setText(password)
        if remember:
            dialog.remember.setChecked(True)
        return 1

    monkeypatch.setattr(ServerLoginDialog, "exec", fill)


def save_by_other(other, project_id, case_id):
    with other.read() as session:
        form = case_to_form(cases.get_case(session, case_id))
    form["remarks"] = "乙写的备注"
    form["case"]["parts"][0]["decoration_value"] = "6500"
    cases.save_case(other, project_id, form, case_id)


@pytest.mark.parametrize("choice", ["mine", "theirs"])
def test_a_conflicting_save_shows_both_versions_and_keeps_the_chosen_one(qtbot, two_people,
                                                                         monkeypatch, choice):
    mine, other, project_id, case_id = two_people
    editor = CaseEditor(mine, project_id, case_id)
    qtbot.addWidget(editor)
    editor.show()
    save_by_other(other, project_id, case_id)
    editor.ui.remarksEdit.setText("甲写的备注")
    shown = []

    def choose(dialog):
        shown.append({d.field: (d.mine, d.theirs) for d in dialog.differences})
        dialog.choice = choice
        return 1

    monkeypatch.setattr(VersionsDialog, "exec", choose)
    assert editor.save()
    assert shown == [{"「备注」": ("甲写的备注", "乙写的备注"),
                      "房屋第1行「装修评估值」": ("6000", "6500")}]
    with mine.read() as session:
        case = cases.get_case(session, case_id)
        remarks, decoration = case.remarks, str(case.parts[0].decoration_value)
    if choice == "mine":    # kept mine, knowingly over theirs: both saves are in the audit
        assert (remarks, decoration) == ("甲写的备注", "6000")
        changes = [(e.operator, e.new) for e in cases.history(mine, case_id)
                   if e.field == "remarks"]
        assert changes == [("乙", "乙写的备注"), ("甲", "甲写的备注")]
    else:                   # took theirs: nothing of mine saved, the editor shows theirs
        assert (remarks, decoration) == ("乙写的备注", "6500")
        assert editor.ui.remarksEdit.text() == "乙写的备注"
        assert not editor.dirty()


def test_cancelling_the_comparison_saves_nothing(qtbot, two_people, monkeypatch):
    mine, other, project_id, case_id = two_people
    editor = CaseEditor(mine, project_id, case_id)
    qtbot.addWidget(editor)
    save_by_other(other, project_id, case_id)
    editor.ui.remarksEdit.setText("甲写的备注")
    monkeypatch.setattr(VersionsDialog, "exec", lambda dialog: 0)
    assert not editor.save()
    with mine.read() as session:
        assert cases.get_case(session, case_id).remarks == "乙写的备注"
    assert editor.dirty()   # the user's typing is still there


# ---- the main window on the office server

@pytest.fixture
def clerk_window(pg_url, qapp, qtbot, monkeypatch):
    """The main window logged in to the office server as a clerk."""
    from sqlalchemy.engine import make_url

    from wulong_desk.store.server import add_user
    from wulong_desk.ui.main_window import MainWindow

    owner = open_store(pg_url, "")
    project_id = projects.create_project(owner, project_form())
    cases.save_case(owner, project_id, case_form(case_no="A-001"))
    add_user(pg_url, "clerk_zhao", "clerk", "clerk-password-2")
    monkeypatch.setenv("PGPASSWORD", "clerk-password-2")
    clerk = open_store(make_url(pg_url).set(username="clerk_zhao").render_as_string(False), "")
    window = MainWindow(clerk)
    qtbot.addWidget(window)
    yield window, owner, project_id
    clerk.close()
    owner.close()


def test_a_clerk_sees_why_project_settings_are_not_theirs(clerk_window, no_blocking_boxes):
    window, _owner, _project_id = clerk_window
    assert window.store.role == "clerk"
    assert "clerk_zhao" in window.windowTitle()
    for action in (window.new_project_action, window.edit_project_action):
        assert not action.isEnabled()
        assert "只能由审核人员操作" in action.toolTip()
    assert window.new_case_action.isEnabled()     # a clerk's own work stays open
    assert not window.recalc_action.isEnabled()
    assert "只能由审核人员操作" in window.recalc_action.toolTip()
    window.table.selectRow(0)
    editor = window.open_case(window.model.case_id(0))
    combo = editor.ui.statusCombo
    reviewed = combo.model().item(combo.findData("reviewed"))
    assert not reviewed.isEnabled() and "只能由审核人员操作" in reviewed.toolTip()
    assert combo.model().item(combo.findData("assessed")).isEnabled()
    editor.close()
    window.housekeeping.backup_now()
    assert any("pg_dump" in shown for shown in no_blocking_boxes)
    from PySide6.QtWidgets import QLabel

    from wulong_desk.ui.data_dialog import DataDialog

    dialog = DataDialog(None, None, window, server=window.store.server)
    shown = [label.text() for label in dialog.findChildren(QLabel)]
    assert window.store.server in shown and "（内存数据库）" not in shown
    assert "password" not in window.store.server and "@127.0.0.1:" in window.store.server


def test_a_clerk_is_asked_no_reason_to_skip_a_stage(clerk_window, qtbot, no_blocking_boxes):
    """On the server going back or over a stage is a reviewer's: the editor says so when the
    clerk presses 保存, asks for no reason and writes nothing."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    window, owner, _project_id = clerk_window
    window.table.selectRow(0)
    editor = window.open_case(window.model.case_id(0))
    asked = []
    editor.ask_reason = lambda title, prompt: asked.append(prompt) or "评估审核已在线下完成"
    combo = editor.ui.statusCombo
    combo.setCurrentIndex(combo.findData("signed"))   # 调查登记 → 已签约: over three stages
    save = editor.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
    qtbot.waitUntil(save.isEnabled)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert asked == []
    assert any("退回或跳过阶段只能由审核人员操作" in shown for shown in no_blocking_boxes)
    with owner.read() as session:
        case = cases.get_case(session, window.model.case_id(0))
        assert (case.status, case.version) == ("surveyed", 1)
    editor.ui.statusCombo.setCurrentIndex(combo.findData("assessed"))   # a plain step: saved
    qtbot.waitUntil(save.isEnabled)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    with owner.read() as session:
        assert cases.get_case(session, window.model.case_id(0)).status == "assessed"
    assert asked == []
    editor.close()


def test_the_window_notices_what_others_saved(clerk_window):
    window, owner, project_id = clerk_window
    window.wait_for_totals()
    assert window.model.total_count == 1
    assert window._others_timer.isActive() and window._others_timer.interval() == 60_000
    cases.save_case(owner, project_id, case_form(case_no="A-002"))
    window.notice_others()          # just read: a focus this soon does not read again
    window.wait_for_totals()
    assert window.model.total_count == 1
    window._others_timer.timeout.emit()   # the minute is up: read again
    window.wait_for_totals()
    assert window.model.total_count == 2


def test_connecting_keeps_the_password_out_of_the_settings(pg_url, qapp, qtbot, tmp_path,
                                                           monkeypatch, isolated_home):
    import keyring
    from sqlalchemy.engine import make_url

    from wulong_desk.store.server import add_user
    from wulong_desk.ui.main_window import MainWindow

    add_user(pg_url, "reviewer_qian", "reviewer", "reviewer-password-3")
    monkeypatch.delenv("PGPASSWORD")
    kept = {}
    monkeypatch.setattr(keyring, "set_password", lambda service, who, pw: kept.update(
        {(service, who): pw}))
    monkeypatch.setattr(keyring, "get_password", lambda service, who: None)
    url = make_url(pg_url)
    answer_login(monkeypatch, pg_url, "reviewer_qian", "reviewer-password-3", remember=True)
    local = open_store(tmp_path / "local.sqlite", "本机")
    window = MainWindow(local)
    qtbot.addWidget(window)
    job = window.server_actions.connect_server()
    assert job is not None
    qtbot.waitUntil(lambda: window.store is not None and window.store.server is not None,
                    timeout=15_000)
    assert window.store.role == "reviewer" and window.store.operator == "reviewer_qian"
    assert window.new_project_action.isEnabled()   # a reviewer may start a project
    address = f"postgresql://reviewer_qian@{url.host}:{url.port}/{url.database}"
    assert kept == {("wulong-desk", address): "reviewer-password-3"}
    written = b"".join(p.read_bytes() for p in isolated_home.rglob("*") if p.is_file())
    assert b"reviewer-password-3" not in written     # not in settings.ini, not in a log
    window.store.close()


def test_sync_from_the_menu_settles_a_conflict_with_the_two_versions(pg_url, qapp, qtbot,
                                                                      tmp_path, monkeypatch,
                                                                      no_blocking_boxes):
    import keyring
    from pg_cluster import OWNER_PASSWORD
    from sqlalchemy.engine import make_url

    from wulong_desk.ui.main_window import MainWindow

    monkeypatch.setattr(keyring, "get_password", lambda service, who: None)
    answer_login(monkeypatch, pg_url, make_url(pg_url).username, OWNER_PASSWORD)
    laptop = open_store(tmp_path / "laptop.sqlite", "外业")
    project_id = projects.create_project(laptop, project_form())
    case_id = cases.save_case(laptop, project_id, case_form(case_no="A-001")).case_id
    window = MainWindow(laptop)
    qtbot.addWidget(window)

    def synced(times):
        qtbot.waitUntil(lambda: sum("同步完成" in m for m in no_blocking_boxes) == times,
                        timeout=20_000)
        return [m for m in no_blocking_boxes if "同步完成" in m][-1]

    window.server_actions.sync_now()
    assert "已推送 1 户，已取回 0 户" in synced(1)
    server = open_store(pg_url, "")
    try:
        with server.read() as session:
            server_case = session.query(Case).one()
            server_project = server_case.project_id
            server_id = server_case.id
        form = case_form(case_no="A-001")
        form["remarks"] = "办公室改的"
        cases.save_case(server, server_project, form, server_id)
        form["remarks"] = "外业改的"
        cases.save_case(laptop, project_id, form, case_id)
        seen = []

        def choose(dialog):
            seen.append({d.field: (d.mine, d.theirs) for d in dialog.differences})
            dialog.choice = "theirs"
            return 1

        monkeypatch.setattr(VersionsDialog, "exec", choose)
        window.server_actions.sync_now()
        assert "A-001" in synced(2)
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
        assert seen == [{"「备注」": ("外业改的", "办公室改的")}]
        with laptop.read() as session:
            assert cases.get_case(session, case_id).remarks == "办公室改的"
    finally:
        server.close()
        laptop.close()


# ---- starting on the office server, and the server going away while the window is open

def _this_window(login: str):
    """The main window a start-up made (shown, titled with the login), or None."""
    from PySide6.QtWidgets import QApplication

    from wulong_desk.ui.main_window import MainWindow

    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)
                 and w.isVisible() and w.windowTitle().endswith(f"— {login}")), None)


def _splash_saying() -> str | None:
    """What the start-up's small window says while the store opens, if it is on screen."""
    from PySide6.QtWidgets import QApplication, QLabel

    return next((w.text().split("\n")[-1] for w in QApplication.topLevelWidgets()
                 if isinstance(w, QLabel) and w.objectName() == "openingNote"
                 and w.isVisible()), None)


class HeldConnection:
    """Stands in for the start-up's open_server: records the thread it runs on and holds a
    worker thread until `go_on` (never the GUI thread: the start-up would hang there)."""

    def __init__(self, monkeypatch):
        from wulong_desk.ui import app as app_module

        self.real = app_module.open_server
        self.threads: list[threading.Thread] = []
        self.go_on = threading.Event()
        monkeypatch.setattr(app_module, "open_server", self)

    def __call__(self, address, operator="", *, password=None):
        self.threads.append(threading.current_thread())
        if threading.current_thread() is not threading.main_thread():
            self.go_on.wait(timeout=30)
        return self.real(address, operator, password=password)


def _run_app_on(qapp, address: str, look) -> int:
    """ui.app's start on the server, `look()` called from its event loops every 10 ms (it ends
    the main loop with qapp.exit); a loop left running ends after 30 s with 99."""
    import argparse

    from PySide6.QtCore import QTimer

    from wulong_desk.ui import app as app_module

    timer, limit = QTimer(), QTimer()
    timer.timeout.connect(look)
    timer.start(10)
    limit.setSingleShot(True)
    limit.timeout.connect(lambda: qapp.exit(99))
    limit.start(30_000)
    try:
        return app_module._run(qapp, argparse.Namespace(db=address))
    finally:
        timer.stop()
        limit.stop()   # (left running, it would end some later test's event loop)


def test_starting_on_the_office_server_connects_on_a_worker_thread_then_shows_the_window(
        pg_url, qapp, monkeypatch, no_blocking_boxes):
    import keyring
    from sqlalchemy.engine import make_url

    owner = open_store(pg_url, "")
    project_id = projects.create_project(owner, project_form())
    cases.save_case(owner, project_id, case_form(case_no="A-001"))
    owner.close()
    monkeypatch.setattr(keyring, "get_password", lambda service, who: None)  # PGPASSWORD
    held = HeldConnection(monkeypatch)
    login = make_url(pg_url).username
    seen: dict[str, object] = {}

    def look() -> None:
        window = _this_window(login)
        if window is None and "connecting" not in seen and _splash_saying() is not None:
            # the GUI's event loop runs (this is called from it) while the worker connects
            seen["connecting"] = _splash_saying()
            held.go_on.set()
        elif window is not None:
            seen["connected"] = (window.store.server, window.store.operator,
                                 [row.case_no for row in window.model.rows],
                                 window.new_case_action.isEnabled(), _splash_saying())
            qapp.exit(0)

    assert _run_app_on(qapp, pg_url, look) == 0
    assert held.threads and all(t is not threading.main_thread() for t in held.threads), \
        "the start-up connected on the GUI thread"
    assert seen["connecting"] == "正在连接办公室服务器…"
    server, operator, rows, alive, splash = seen["connected"]
    assert server == pg_url and operator == login and rows == ["A-001"] and alive
    assert splash is None  # gone once the window is there
    assert no_blocking_boxes == []


def test_a_start_when_the_office_server_does_not_answer_says_so_plainly(
        qapp, monkeypatch, no_blocking_boxes):
    import socket

    import keyring

    monkeypatch.setattr(keyring, "get_password", lambda service, who: None)
    with socket.socket() as s:     # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"postgresql://wang@127.0.0.1:{port}/wulong"
    held = HeldConnection(monkeypatch)
    shown: list[str] = []

    def look() -> None:
        if _splash_saying() is not None and not shown:
            shown.append(_splash_saying())
            held.go_on.set()

    assert _run_app_on(qapp, address, look) == 1
    assert shown == ["正在连接办公室服务器…"]
    assert held.threads and held.threads[0] is not threading.main_thread()
    assert _this_window("wang") is None and _splash_saying() is None
    assert no_blocking_boxes == [
        f"无法连接办公室服务器: 无法连接办公室服务器（postgresql://wang@127.0.0.1:{port}/wulong）："
        "服务器没有响应或地址不对。本机的数据没有任何改动；请检查网络和地址后重试"]


@pytest.fixture
def server_window(pg_url, pg_cluster, qapp, qtbot):
    """The main window on the office server, and `cut(bool)`: the server stops (or starts
    again) taking this database's connections, the open ones cut off, as when the office
    network goes down."""
    from sqlalchemy.engine import make_url

    from wulong_desk.ui.main_window import MainWindow

    store = open_store(pg_url, "")
    project_id = projects.create_project(store, project_form())
    cases.save_case(store, project_id, case_form(case_no="A-001"))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.wait_for_totals()
    name = make_url(pg_url).database

    def cut(off: bool) -> None:
        allow = "false" if off else "true"
        pg_cluster.admin_sql(f"ALTER DATABASE {name} ALLOW_CONNECTIONS {allow}")
        if off:
            pg_cluster.admin_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 f"WHERE datname = '{name}'")

    yield window, store, cut
    cut(False)
    store.close()


def test_the_server_gone_at_a_refresh_is_said_once_plainly_and_the_window_keeps_its_rows(
        server_window, no_blocking_boxes):
    window, store, cut = server_window
    assert [row.case_no for row in window.model.rows] == ["A-001"]
    cut(True)
    window._others_timer.timeout.emit()     # the minute is up: read again — the server is gone
    window._others_timer.timeout.emit()     # and a minute later, still gone
    window.notice_others()                  # (the focus, too)
    assert len(no_blocking_boxes) == 1, no_blocking_boxes      # said once, not every minute
    title, text = no_blocking_boxes[0].split(": ", 1)
    assert title == "连不上办公室服务器"
    assert text.startswith(f"无法连接办公室服务器（{store.server}）：服务器没有响应")
    assert "窗口保持打开" in text and "Traceback" not in text and "Error" not in text
    assert window.isVisible()
    assert [row.case_no for row in window.model.rows] == ["A-001"]   # what was read last
    assert window.statusBar().currentMessage().startswith("暂时连不上办公室服务器")
    cut(False)                              # the network is back
    window._others_timer.timeout.emit()
    window.wait_for_totals()
    assert window.statusBar().currentMessage() == "已重新连上办公室服务器，列表已刷新"
    assert window.model.total_count == 1 and len(no_blocking_boxes) == 1


def test_the_server_gone_at_any_other_read_shows_the_plain_message_not_the_crash_dialog(
        server_window, qtbot):
    from wulong_desk.ui.crash_handler import CrashHandler

    window, store, cut = server_window
    handler = CrashHandler(show_dialog=True)
    handler.install()
    try:
        cut(True)
        window.search.setText("A-0")   # the search reads when the typing pauses
        qtbot.waitUntil(lambda: bool(getattr(handler, "notices", None) or handler.dialogs))
    finally:
        handler.uninstall()
    assert handler.dialogs == [] and handler.reports == []
    box = handler.notices[0]
    assert box.windowTitle() == "操作未完成"
    assert box.text().startswith(f"无法连接办公室服务器（{store.server}）：服务器没有响应")
    assert window.isVisible() and [row.case_no for row in window.model.rows] == ["A-001"]
    box.close()


def test_a_window_neither_polls_a_closed_store_nor_keeps_its_timer_once_closed(clerk_window):
    # a store closed under the window (a restore, the end of a test) is never read again by
    # the minute's refresh, and a closed window stops its timer
    window, _owner, _project_id = clerk_window
    window.wait_for_totals()
    read = []
    window.apply_filter = lambda: read.append("read")
    window.store.close()
    window._others_timer.timeout.emit()
    assert read == []
    window.close()
    assert not window._others_timer.isActive()
