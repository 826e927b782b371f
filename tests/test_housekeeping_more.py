"""From the main window: the survey sheet imported on a worker thread (all or nothing), a
backup into a folder the user chose, and a project made from the command line shown without a
restart."""

from __future__ import annotations

import sqlite3

import pytest
from sheet_helpers import survey_sheet
from store_helpers import project_form
from test_survey import GOOD

from wulong_desk.services.projects import project as projects
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_store
from wulong_desk.ui.fonts import register_fonts
from wulong_desk.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")


@pytest.fixture
def window(qtbot, tmp_path, qapp):
    register_fonts(qapp)
    store = open_store(tmp_path / "hk.sqlite", "甲")
    project_id = projects.create_project(store, project_form(1))
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.select_project(project_id)
    win.show()
    yield win, store, project_id
    store.close()


def test_survey_import_from_the_menu(qtbot, window, tmp_path, no_blocking_boxes):
    win, _store, _project_id = window
    bad = [list(GOOD[0]), ["S-009", "李九", "110105194912310021", *GOOD[0][3:]]]
    job = win.housekeeping.import_survey_dialog(survey_sheet(tmp_path, bad, "bad.xlsx"))
    assert job.wait() == "failed"
    assert any("一户也没有写入" in text for text in no_blocking_boxes)
    assert win.model.rowCount() == 0                        # all or nothing
    job = win.housekeeping.import_survey_dialog(survey_sheet(tmp_path, GOOD))
    assert job.wait() == "succeeded"
    assert any("已导入 3 户" in text for text in no_blocking_boxes)
    qtbot.waitUntil(lambda: win.model.rowCount() == 3)
    assert "导入调查登记表…" in [a.text() for a in win.menuBar().actions()[0].menu().actions()]


def test_backup_to_a_chosen_folder(window, tmp_path):
    win, _store, _project_id = window
    stick = tmp_path / "U盘"
    stick.mkdir()
    job = win.housekeeping.backup_to_folder(stick)
    assert job.wait() == "succeeded"
    made = list(stick.glob("*.sqlite"))
    assert len(made) == 1 and "备份" in made[0].name
    with sqlite3.connect(made[0]) as db:
        assert db.execute("SELECT count(*) FROM projects").fetchone()[0] == 1


def test_project_made_elsewhere_appears_without_restart(window, tmp_path):
    win, store, _project_id = window
    assert win.project_combo.count() == 1
    other = open_store(store.path, "命令行")                # as `wulong-desk demo` would
    create_demo(other)
    other.close()
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(win, QEvent(QEvent.Type.WindowActivate))  # back to the window
    assert win.project_combo.count() == 2
    assert not win.housekeeping.refresh_projects_if_changed()  # nothing new: nothing reloaded


def test_public_notice_period_chosen_in_the_export_dialog(qtbot, window, tmp_path):
    from datetime import date

    from openpyxl import load_workbook
    from PySide6.QtCore import QPoint, Qt

    from wulong_desk.services.cases import changes as cases
    from wulong_desk.ui.export_dialog import LEDGER, PUBLIC, ExportDialog

    win, store, project_id = window
    from store_helpers import case_form

    cases.save_case(store, project_id, case_form(1))
    dialog = ExportDialog("项目", 1, [], win)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(LEDGER))
    assert not dialog.period_row.isVisible()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(PUBLIC))
    assert dialog.period_row.isVisible() and dialog.request().notice_period is None
    qtbot.keyClicks(dialog.period_from.edit, "2023/7/3")     # typed as people type dates
    assert dialog.request().notice_period == (date(2023, 7, 3), None)   # no end unless given
    qtbot.keyClicks(dialog.period_to.edit, "20230711")
    check = dialog.unsigned_check                   # the one household is not signed yet
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))
    dialog.target_edit.setText(str(tmp_path / "公示.xlsx"))
    request = dialog.request()
    assert request.notice_period == (date(2023, 7, 3), date(2023, 7, 11))
    assert request.include_unsigned
    assert win.exports.start(request).wait() == "succeeded"
    text = "".join(str(c) for row in load_workbook(tmp_path / "公示.xlsx").worksheets[0]
                   .iter_rows(values_only=True) for c in row if c)
    assert "公示期：2023年7月3日至2023年7月11日" in text and "拟" in text


def test_agreements_for_the_selected_cases_from_the_case_list(qtbot, tmp_path, qapp,
                                                             monkeypatch):
    from pypdf import PdfReader
    from PySide6.QtCore import QItemSelectionModel

    from wulong_desk.ui.export_dialog import ExportDialog

    register_fonts(qapp)
    store = open_store(tmp_path / "sel.sqlite", "甲")
    project_id = create_demo(store)
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.select_project(project_id)
    win.show()
    win.wait_for_totals()
    for row in (0, 2):
        win.table.selectionModel().select(
            win.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
            | QItemSelectionModel.SelectionFlag.Rows)
    menu = [a for a in win.table.actions() if a.text() == "为所选案卷出具补偿协议…"]
    assert len(menu) == 1
    monkeypatch.setattr(ExportDialog, "exec", lambda self: 0)
    menu[0].trigger()
    dialog = win.exports.last_dialog
    request = dialog.request()
    assert request.kind == "agreement" and len(request.case_ids) == 2
    folder = tmp_path / "协议"
    request = type(request)(request.kind, request.case_ids, folder)
    assert win.exports.start(request).wait() == "succeeded"
    files = sorted(folder.iterdir())
    assert len(files) == 2 and all("协议" in f.name for f in files)
    assert all(len(PdfReader(f).pages) >= 1 for f in files)
    store.close()


def test_a_broken_template_is_named_when_the_app_starts(qtbot, window, isolated_home,
                                                        no_blocking_boxes):
    from wulong_desk.exports.templates import AGREEMENT
    from wulong_desk.ui.app import check_templates

    win, _store, _project_id = window
    assert check_templates(win) and not no_blocking_boxes
    (isolated_home / "templates").mkdir()
    (isolated_home / "templates" / AGREEMENT).write_text("【付款】\n{收款人}\n", encoding="utf-8")
    assert not check_templates(win)
    assert any("文字模板有误" in t and "{收款人}" in t and "第2行" in t for t in no_blocking_boxes)


def test_operator_prompt_is_not_filled_with_the_login_name(qapp, monkeypatch):
    import argparse

    from wulong_desk.ui import app, operator_dialog

    monkeypatch.delenv("WULONG_DESK_OPERATOR", raising=False)
    monkeypatch.setenv("USER", "root")
    offered = []

    def exec_(self):
        offered.append(self.name_edit.text())
        return 0

    monkeypatch.setattr(operator_dialog.OperatorDialog, "exec", exec_)
    assert app.ask_operator(argparse.Namespace(operator=None)) is None
    assert offered == [""]                                   # not "root"
    app.settings().setValue("operator", "王科员")
    app.ask_operator(argparse.Namespace(operator=None))
    assert offered[-1] == "王科员"                            # the last name used is offered
