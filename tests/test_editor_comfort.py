"""The case editor by keyboard and at any size: first focus, 添加一行 then typing then Enter
keeps what was typed (never saves), full-width numbers accepted, 套内面积 on a non-residential
part refused with a message (never dropped), size and splitter remembered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from store_helpers import case_form, project_form
from test_gui import press, type_text

from wulong_desk.errors import InputError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.ui.case_editor import CaseEditor
from wulong_desk.ui.editor_comfort import GEOMETRY_KEY, half_width
from wulong_desk.ui.fonts import register_fonts
from wulong_desk.ui.settings import settings

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")


@pytest.fixture
def store(tmp_path, qapp):
    register_fonts(qapp)
    settings().remove(GEOMETRY_KEY)
    s = open_store(tmp_path / "gui.sqlite", "界面测试")
    yield s
    s.close()


def open_editor(qtbot, store, project_id, case_id=None) -> CaseEditor:
    editor = CaseEditor(store, project_id, case_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def test_new_case_starts_maximised_with_the_focus_on_its_number(qtbot, store):
    project_id = projects.create_project(store, project_form(2))
    editor = open_editor(qtbot, store, project_id)
    assert editor.windowState() & Qt.WindowState.WindowMaximized
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.ui.caseNoEdit)


def test_add_row_then_type_then_enter_keeps_the_text_and_does_not_save(qtbot, store):
    project_id = projects.create_project(store, project_form(2))
    editor = open_editor(qtbot, store, project_id)
    editor.ui.caseNoEdit.setText("B-001")
    editor.ui.addOwnerButton.setFocus()
    qtbot.mouseClick(editor.ui.addOwnerButton, Qt.MouseButton.LeftButton)
    table = editor.ui.ownersTable
    qtbot.waitUntil(lambda: QApplication.focusWidget() is table)
    assert (table.currentRow(), table.currentColumn()) == (0, 0)
    press(Qt.Key.Key_Right)          # from 身份 to 姓名
    type_text("王五")
    press(Qt.Key.Key_Return)
    assert editor.case_id is None                       # Enter did not save the case
    assert editor.isVisible()
    assert table.item(0, 1).text() == "王五"             # and what was typed is kept
    editor.ui.addOwnerButton.setFocus()                 # Enter on a button that is not default
    press(Qt.Key.Key_Return)
    assert editor.case_id is None and editor.isVisible()


def test_full_width_numbers_are_accepted(qtbot, store):
    assert half_width("８６．５") == "86.5" and half_width("７２") == "72"
    project_id = projects.create_project(store, project_form(2))
    saved = cases.save_case(store, project_id, case_form(2))
    editor = open_editor(qtbot, store, project_id, saved.case_id)
    area = editor.ui.partsTable.item(0, 1)
    area.setText("８６．５")
    assert area.text() == "86.5"
    editor.refresh()
    assert not any("证载面积" in editor.panel.messages.item(i).text()
                   for i in range(editor.panel.messages.count()))


def test_inner_area_on_a_commercial_part_is_refused_not_dropped(store):
    project_id = projects.create_project(store, project_form(2))
    form = case_form(2)
    form["case"]["parts"][0]["use"] = "commercial"
    form["case"]["parts"][0]["inner_area"] = "30"
    with pytest.raises(InputError, match="套内面积"):
        cases.save_case(store, project_id, form)


def test_size_and_splitter_are_remembered(qtbot, store):
    project_id = projects.create_project(store, project_form(2))
    editor = open_editor(qtbot, store, project_id)
    editor.setWindowState(Qt.WindowState.WindowNoState)
    editor.resize(editor.minimumSizeHint().width(), 560)  # fits the small offscreen screen
    editor.ui.splitter.setSizes([300, 700])
    size, sizes = editor.size(), editor.ui.splitter.sizes()
    editor.close()
    again = open_editor(qtbot, store, project_id)
    assert not again.windowState() & Qt.WindowState.WindowMaximized
    assert again.size() == size
    assert again.ui.splitter.sizes() == sizes


def test_notes_explain_the_exchange_figures_and_what_signing_today_pays(store):
    from datetime import date

    from wulong_desk.services.cases.contract import project_to_contract
    from wulong_desk.services.cases.preview import preview, settlement_note, signing_today_note
    from wulong_desk.store.models import Project

    project_id = projects.create_project(store, project_form(2))
    with store.read() as session:
        contract = project_to_contract(session.get(Project, project_id))
    form = case_form(2)
    result = preview(contract, form).result
    note = settlement_note(contract, result)
    # example 2 (spec): 60 m² with 50 m² inside → 57.50 m² payable × 4,500 = 258,750.00;
    # 维修资金 40 元/m²: 36 m² by the department (1,440.00), 24 m² by the household (960.00)
    assert "57.50 m² × 4,500.00 元 = 258,750.00 元" in note and "办法第三十六条" in note
    assert "1,440.00" in note and "960.00" in note
    assert signing_today_note(contract, form, date(2023, 6, 30)) == ""  # signed already
    form["case"]["signed_on"] = None
    # spec example 2: deadline 2023-07-10, signing on 2023-06-30 gives R6 3000.00
    early = signing_today_note(contract, form, date(2023, 6, 30))
    assert early.startswith("今天（2023-06-30）签约：单户提前签约奖励 3,000.00 元"), early
    late = signing_today_note(contract, form, date(2023, 7, 11))
    assert "已无单户提前签约奖励" in late
