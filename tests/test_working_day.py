"""A day's work in the app (pytest-qt, offscreen): the dashboard, exports with progress and
cancel, a locked target, the PDF preview and printing, the crash dialog, one instance per
database, drafts that survive a crash, operator, backup and restore."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.drafts import list_drafts
from wulong_desk.services.documents.verify import verify_ledger
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.services.projects.summary import project_summary
from wulong_desk.store import open_store
from wulong_desk.ui.export_dialog import LEDGER, PUBLIC, ExportDialog, ExportRequest
from wulong_desk.ui.fonts import register_fonts
from wulong_desk.ui.instance_lock import acquire
from wulong_desk.ui.labels import money_text
from wulong_desk.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")
PERSONAL = ("11010519491231002X", "13912345678")


@pytest.fixture
def demo(tmp_path, qapp):
    register_fonts(qapp)
    store = open_store(tmp_path / "day.sqlite", "甲")
    project_id = create_demo(store)
    yield store, project_id
    store.close()


@pytest.fixture
def window(qtbot, demo):
    store, project_id = demo
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.select_project(project_id)
    win.show()
    win.wait_for_totals()
    return win


def case_id_of(store, case_no: str) -> int:
    from sqlalchemy import select

    from wulong_desk.store.models import Case

    with store.read() as session:
        return session.execute(select(Case.id).where(Case.case_no == case_no)).scalar_one()


def close_done_box(window) -> str:
    box = window.exports.done_box
    text = box.text()
    box.close()
    return text


# ---- dashboard
def test_dashboard_figures_equal_the_project_summary(qtbot, window, demo):
    store, project_id = demo
    window.tabs.setCurrentWidget(window.dashboard)
    window.dashboard.wait()
    with store.read() as session:
        summary = project_summary(session, project_id)
    board = window.dashboard
    assert board.summary == summary
    text = board.progress_label.text()
    assert f"已签约 {summary.signed_households} / {summary.households} 户" in text
    assert money_text(summary.total) in text
    for status, count in summary.by_status.items():
        assert board.status_labels[status].text() == str(count)
    amounts = [board.lines_table.item(row, 1).text() for row in range(15)]
    assert amounts == [money_text(v) for v in summary.lines.values()] + [money_text(summary.total)]
    assert "武隆府发〔2023〕5号" in board.standard_label.text()
    assert board.progress_chart.chart().series()  # the chart was drawn from the same figures
    # the case with a missing input is listed first; activating it opens that case
    assert board.problems_table.item(0, 0).text() == "FR-0036"
    assert "缺少或有误" in board.problems_table.item(0, 2).text()
    board.problems_table.cellActivated.emit(0, 0)
    assert window.editors[-1].case_id == case_id_of(store, "FR-0036")
    window.editors[-1].close()


def test_dashboard_shows_the_presign_threshold_for_old_town_projects(qtbot, window, demo):
    from wulong_desk.services.projects import project as projects

    store, project_id = demo
    with store.read() as session:
        project = projects.project_to_dict(cases.get_project(session, project_id))
    project.update(old_town=True, presign_threshold="0.90")
    projects.update_project(store, project_id, project)
    window.tabs.setCurrentWidget(window.dashboard)
    window.dashboard.wait()
    assert "预签比例须达到 90.00%（办法第二十三条）" in window.dashboard.progress_label.text()
    names = [series.name() for series in window.dashboard.progress_chart.chart().series()]
    assert "预签门槛" in names


# ---- exports
def test_ledger_export_with_progress_completes_and_is_valid(qtbot, window, demo, tmp_path):
    store, _ = demo
    out = tmp_path / "导出" / "台账.xlsx"
    out.parent.mkdir()
    job = window.exports.start(ExportRequest(LEDGER, None, out))
    assert job is not None and job.wait() == "succeeded"
    assert load_workbook(out).sheetnames[0] == "汇总"
    with store.read() as session:
        assert verify_ledger(session, out).matches
    text = close_done_box(window)
    assert "35 户" in text and "FR-0036" in text  # the incomplete case is named, not hidden


def test_public_notice_and_documents_for_selected_cases(qtbot, window, tmp_path):
    window.table.selectRow(0)
    selected = window.selected_case_ids()
    assert len(selected) == 1
    dialog = ExportDialog(window.project_name(), 36, selected, window)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("settlement"))
    dialog.target_edit.setText(str(tmp_path / "结算单"))
    request = dialog.request()
    assert request.case_ids == selected and not request.spreadsheet
    job = window.exports.start(request)
    assert job.wait() == "succeeded"
    [pdf] = list((tmp_path / "结算单").iterdir())
    assert pdf.name.endswith("-结算单.pdf") and len(PdfReader(pdf).pages) >= 1
    close_done_box(window)
    public = window.exports.start(ExportRequest(PUBLIC, None, tmp_path / "公示.xlsx"))
    assert public.wait() == "succeeded"
    sheet = load_workbook(tmp_path / "公示.xlsx").worksheets[0]
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "分户补偿情况公示" in cells and "*" in cells


def test_cancel_leaves_no_file(qtbot, window, tmp_path):
    out = tmp_path / "台账.xlsx"
    job = window.exports.start(ExportRequest(LEDGER, None, out))
    job.dialog.findChild(QPushButton).click()  # the progress dialog's Cancel button
    assert job.wait() == "cancelled"
    assert not out.exists() and list(tmp_path.glob(".*")) == []
    assert "没有留下任何文件" in window.statusBar().currentMessage()
    folder = tmp_path / "协议"
    job = window.exports.start(ExportRequest("agreement", None, folder))
    job.cancel()
    assert job.wait() == "cancelled"
    assert not folder.exists() and list(tmp_path.glob(".*")) == []


def test_a_locked_target_shows_the_message(qtbot, window, tmp_path, monkeypatch,
                                           no_blocking_boxes):
    from wulong_desk.services.documents import output

    out = tmp_path / "台账.xlsx"
    out.write_bytes(b"open in Excel")

    def locked(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output, "open", locked, raising=False)
    assert window.exports.start(ExportRequest(LEDGER, None, out)) is None
    assert "Excel、WPS" in no_blocking_boxes[-1] and no_blocking_boxes[-1].startswith("不能导出")
    assert out.read_bytes() == b"open in Excel"


def test_progress_dialog_waits_half_a_second(qtbot, window, tmp_path):
    job = window.exports.start(ExportRequest(LEDGER, None, tmp_path / "a.xlsx"))
    assert job.dialog.minimumDuration() == 500 and not job.dialog.isVisible()
    job.wait()


# ---- preview and print
def test_preview_shows_the_agreement_and_prints_it(qtbot, window, tmp_path):
    window.table.selectRow(0)
    preview = window.exports.preview_selected()
    assert preview.job.wait() == "succeeded"
    pages = preview.document.pageCount()
    assert pages >= 2 and preview.print_button.isEnabled()
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert preview.print_to(printer) == pages
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == pages
    assert preview.save_to(tmp_path / "saved.pdf")
    assert (tmp_path / "saved.pdf").read_bytes() == preview.data
    first = preview.job
    # switched quickly, the two documents build at the same time (jobs run two at a time): each
    # must come out whole (they once failed with a KeyError: tests/test_pdf_one_at_a_time.py)
    # (a signed case has no 预签协议 any more: its own agreement and its 结算单 are switched)
    preview.kind_combo.setCurrentIndex(preview.kind_combo.findData("settlement"))
    second = preview.job
    preview.kind_combo.setCurrentIndex(preview.kind_combo.findData("agreement"))
    third = preview.job
    preview.kind_combo.setCurrentIndex(preview.kind_combo.findData("settlement"))
    assert preview.job.wait() == "succeeded"
    assert second.wait() == "succeeded" and third.wait() == "succeeded"
    assert first is not second and preview.name.endswith("-结算单.pdf")  # newest wins
    preview.close()


def test_preview_of_an_incomplete_case_says_why(qtbot, window, demo, no_blocking_boxes):
    store, _ = demo
    preview = window.exports.preview(case_id_of(store, "FR-0036"))
    assert preview.job.wait() == "failed"
    assert "计算还不完整" in no_blocking_boxes[-1] and not preview.print_button.isEnabled()
    preview.close()


# ---- robustness
def test_crash_dialog_copies_a_report_without_personal_data(qtbot, qapp):
    from wulong_desk.logs import log_file, setup_logging
    from wulong_desk.ui.crash_handler import CrashHandler

    setup_logging()
    handler = CrashHandler(show_dialog=True)
    try:
        raise ValueError(f"户主 {PERSONAL[0]} 电话 {PERSONAL[1]}")
    except ValueError as exc:
        handler.handle(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: bool(handler.dialogs))
    dialog = handler.dialogs[0]
    dialog.copy_report()
    copied = QApplication.clipboard().text()
    assert copied == dialog.report and "ValueError" in copied
    assert not any(p in copied for p in PERSONAL)
    logged = log_file().read_text(encoding="utf-8")
    assert "ValueError" in logged and not any(p in logged for p in PERSONAL)
    dialog.close()


def test_no_crash_dialog_writes_the_report_to_stderr(qtbot, capsys):
    from wulong_desk.ui.crash_handler import CrashHandler

    handler = CrashHandler(show_dialog=False)
    try:
        raise KeyError("x")
    except KeyError as exc:
        handler.handle(type(exc), exc, exc.__traceback__)
    QApplication.processEvents()  # the report reaches the GUI thread through a queued signal
    assert handler.dialogs == [] and "KeyError: 'x'" in capsys.readouterr().err


def test_a_second_instance_on_the_same_database_is_refused(tmp_path, qapp):
    db = tmp_path / "one.sqlite"
    held = acquire(db)
    with pytest.raises(UserError, match="已在另一个"):
        acquire(db)
    held.unlock()
    acquire(db).unlock()  # free again once the first has gone


def test_a_stale_lock_left_by_a_crash_is_recovered(tmp_path, qapp):
    db = tmp_path / "one.sqlite"
    script = textwrap.dedent(f"""
        import os, signal
        from wulong_desk.ui.instance_lock import acquire
        lock = acquire(__import__("pathlib").Path({str(db)!r}))
        print("locked", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == -signal.SIGKILL and "locked" in proc.stdout
    assert (tmp_path / "one.sqlite.lock").exists()
    acquire(db).unlock()


def test_a_draft_survives_a_crash_and_is_offered_back(qtbot, demo, tmp_path,
                                                     no_blocking_boxes):
    store, project_id = demo
    db = store.path
    case_id = case_id_of(store, "FR-0001")
    script = textwrap.dedent(f"""
        import os, signal
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from pathlib import Path
        from PySide6.QtCore import QEventLoop
        from wulong_desk.store import open_store
        from wulong_desk.ui.app import make_app
        from wulong_desk.ui.case_editor import _draft_pool
        from wulong_desk.ui.main_window import MainWindow
        from wulong_desk.services.cases.drafts import list_drafts
        app = make_app()
        store = open_store(Path({str(db)!r}), "乙")
        window = MainWindow(store)
        window.select_project({project_id})
        editor = window.open_case({case_id})
        editor.ui.addressEdit.setText("武隆区崩溃后仍在的地址9号")
        loop = QEventLoop()
        editor._autosave.timeout.connect(loop.quit)
        loop.exec()  # until the editor's own autosave timer has fired …
        _draft_pool().waitForDone()  # … and its draft is written
        assert list_drafts(Path({str(db)!r}))
        os.kill(os.getpid(), signal.SIGKILL)  # no close, no save: a crash
    """)
    store.close()
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    [draft] = list_drafts(db)
    assert draft.case_id == case_id and draft.form["address"] == "武隆区崩溃后仍在的地址9号"

    reopened = open_store(db, "甲")
    try:
        window = MainWindow(reopened)
        qtbot.addWidget(window)
        no_blocking_boxes.answer = QMessageBox.StandardButton.Yes
        [editor] = window.housekeeping.offer_drafts()
        assert "1 个案卷的修改还没保存" in no_blocking_boxes[-1]
        assert editor.ui.addressEdit.text() == "武隆区崩溃后仍在的地址9号" and editor.dirty()
        assert editor.save()
        assert list_drafts(db) == []
        with reopened.read() as session:
            assert cases.get_case(session, case_id).address == "武隆区崩溃后仍在的地址9号"
        editor.close()
    finally:
        reopened.close()


def test_discarding_the_offered_drafts_removes_them(qtbot, window, demo, no_blocking_boxes):
    store, _ = demo
    editor = window.open_case(case_id_of(store, "FR-0002"))
    editor.ui.remarksEdit.setText("临时备注")
    editor.autosave()
    qtbot.waitUntil(lambda: len(list_drafts(store.path)) == 1)
    editor.ui.remarksEdit.setText(editor._loaded["remarks"])  # typed back: nothing unsaved
    editor.autosave()
    assert list_drafts(store.path) == []
    editor.ui.remarksEdit.setText("又改了")
    editor.autosave()
    qtbot.waitUntil(lambda: len(list_drafts(store.path)) == 1)
    window.editors.remove(editor)  # as if the app had died with the editor open
    no_blocking_boxes.answer = QMessageBox.StandardButton.No
    assert window.housekeeping.offer_drafts() == []
    assert list_drafts(store.path) == []
    editor.deleteLater()


# ---- housekeeping
def test_operator_is_used_for_the_audit_trail(qtbot, window, demo):
    store, _ = demo
    window.housekeeping.set_operator("王科员")
    assert "王科员" in window.windowTitle()
    case_id = case_id_of(store, "FR-0003")
    editor = window.open_case(case_id)
    editor.ui.remarksEdit.setText("已电话联系")
    assert editor.save()
    editor.close()
    assert cases.history(store, case_id)[-1].operator == "王科员"


def test_backup_now_and_restore_from_it(qtbot, window, demo, no_blocking_boxes):
    store, _ = demo
    job = window.housekeeping.backup_now()
    assert job.wait() == "succeeded" and "备份完成" in no_blocking_boxes[-1]
    made = job.result
    assert made.exists()
    case_id = case_id_of(store, "FR-0004")
    editor = window.open_case(case_id)
    editor.ui.remarksEdit.setText("恢复后应当不见")
    assert editor.save()
    editor.close()
    restoring = window.housekeeping.restore_from(made)
    assert not window.isEnabled()  # nothing can be touched while the file is replaced
    assert restoring.wait() == "succeeded" and window.isEnabled()
    assert "恢复完成" in no_blocking_boxes[-1]
    assert window.store is not store and window.model.store is window.store
    with window.store.read() as session:
        assert cases.get_case(session, case_id).remarks != "恢复后应当不见"
    window.wait_for_totals()
    assert window.model.rowCount() == 36
    assert any("before-restore" in p.name for p in made.parent.iterdir())
    window.store.close()


def test_data_dialog_names_the_places_and_the_standard(qtbot, window, demo, monkeypatch):
    from wulong_desk.ui import data_dialog

    shown = {}
    monkeypatch.setattr(data_dialog.DataDialog, "exec", lambda self: shown.update(
        text=self.findChild(data_dialog.QLabel, "standardText").text(),
        templates=self.findChild(data_dialog.QLabel, "templateText").text()))
    window.housekeeping.data_dialog()
    assert "武隆府办发〔2023〕8号" in shown["text"] and "wulong-2023" not in shown["text"]
    assert "协议条款.txt：系统默认模板" in shown["templates"]
    assert "公示文字.txt：系统默认模板" in shown["templates"]


def test_the_log_holds_no_personal_data_after_a_session(qtbot, window, demo, tmp_path):
    from wulong_desk.logs import log_file, setup_logging

    setup_logging()
    editor = window.new_case()
    editor.ui.caseNoEdit.setText("FR-0999")
    editor.owners.set_rows([{"role": "owner", "name": "赵六", "id_number": PERSONAL[0],
                             "phone": PERSONAL[1]}])
    editor.parts.set_rows([{"use": "residential", "area": "50", "inner_area": "45"}])
    assert editor.save()
    editor.close()
    job = window.exports.start(ExportRequest(LEDGER, None, tmp_path / "t.xlsx"))
    job.wait()
    close_done_box(window)
    text = Path(log_file()).read_text(encoding="utf-8")
    assert "导出" in text
    assert not any(p in text for p in (*PERSONAL, "赵六"))


# ---- the app as `wulong-desk` starts it
def _args(db, **extra):
    import argparse

    return argparse.Namespace(db=db, operator="丙", no_crash_dialog=True, **extra)


def test_the_app_starts_on_its_database_and_lets_go_of_it(qtbot, tmp_path, monkeypatch):
    import sys as _sys

    from wulong_desk.logs import log_file
    from wulong_desk.ui import app as app_module
    from wulong_desk.ui.settings import settings

    db = tmp_path / "start.sqlite"
    with open_store(db, "甲") as store:
        create_demo(store)
    shown = []

    def exec_(self):
        shown.extend(w for w in QApplication.topLevelWidgets()
                     if isinstance(w, MainWindow) and w.isVisible())
        assert _sys.excepthook is not _sys.__excepthook__  # the crash handler is in place
        acquire_while_open = None
        try:
            acquire(db)
        except UserError as exc:
            acquire_while_open = str(exc)
        assert acquire_while_open and "已在另一个" in acquire_while_open
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_)
    assert app_module.run(_args(db)) == 0
    assert shown and shown[0].model.rowCount() == 36 and "丙" in shown[0].windowTitle()
    assert _sys.excepthook is _sys.__excepthook__  # handed back
    acquire(db).unlock()  # the lock was let go
    assert settings().value("operator") == "丙"
    assert "已启动" in log_file().read_text(encoding="utf-8")


def test_a_second_window_on_the_same_database_is_refused(qtbot, tmp_path, no_blocking_boxes):
    from wulong_desk.ui import app as app_module

    db = tmp_path / "busy.sqlite"
    held = acquire(db)
    try:
        assert app_module.run(_args(db)) == 1
    finally:
        held.unlock()
    said = no_blocking_boxes[-1]
    assert said.startswith("数据库已打开") and "已在另一个" in said


def test_restoring_from_a_damaged_file_keeps_the_database(qtbot, window, tmp_path,
                                                          no_blocking_boxes):
    bad = tmp_path / "not-a-backup.sqlite"
    bad.write_bytes(b"this is not a database")
    job = window.housekeeping.restore_from(bad)
    assert job.wait() == "failed" and window.isEnabled()
    assert no_blocking_boxes[-1].startswith("恢复失败") and "不可用" in no_blocking_boxes[-1]
    window.wait_for_totals()
    assert window.model.rowCount() == 36  # the same data, reopened
    window.store.close()


def test_the_totals_say_plainly_when_the_count_cannot_be_made(qtbot, window, monkeypatch):
    """The count and sum run on a worker: a server gone meanwhile (or a file locked) is said in
    the status bar, never an exception left on the worker thread."""
    from wulong_desk.errors import ServerUnreachableError
    from wulong_desk.services.cases import search

    def gone(*args, **kwargs):
        raise ServerUnreachableError("无法连接办公室服务器：服务器没有响应或地址不对")

    monkeypatch.setattr(search, "totals_of", gone)
    qtbot.keyClicks(window.search, "FR-000")   # (a case number: the list filters, the count runs)
    qtbot.waitUntil(lambda: window.totals_label.text().startswith("合计暂时无法统计"),
                    timeout=5000)
    assert "无法连接办公室服务器" in window.totals_label.text()
