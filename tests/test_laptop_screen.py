"""A clerk's laptop is 1366×768 with a taskbar: every window and dialog must fit it whole, its
保存/取消 (and every other button of its button row) on screen without moving the window. The
tests run on such a screen (tests/conftest.py); each window is measured as it opens."""

from __future__ import annotations

from datetime import date

import pytest
from pressing import CLIENT_HEIGHT, CLIENT_WIDTH, LAPTOP_HEIGHT, LAPTOP_WIDTH
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QScrollArea,
    QToolBar,
    QWidget,
)
from sqlalchemy import select

from wulong_desk.services.cases.changes import history
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_store
from wulong_desk.store.models import Case, CaseResult
from wulong_desk.ui.fonts import register_fonts
from wulong_desk.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")


@pytest.fixture
def demo(tmp_path, qapp):
    register_fonts(qapp)
    store = open_store(tmp_path / "laptop.sqlite", "甲")
    project_id = create_demo(store)
    with store.read() as session:
        signed = session.execute(select(Case.id).join(CaseResult).where(
            Case.status == "signed", Case.method == "exchange").order_by(Case.id)).scalar()
    yield store, project_id, signed
    store.close()


def fits(widget: QWidget) -> None:
    """The window as it opens, and as its layout would have it, fits the laptop; every button
    of its button rows lies inside it."""
    widget.show()
    QApplication.processEvents()
    name = widget.windowTitle()
    hint = widget.sizeHint()
    assert hint.width() <= CLIENT_WIDTH and hint.height() <= CLIENT_HEIGHT, (name, hint)
    least = widget.minimumSizeHint()
    assert least.width() <= CLIENT_WIDTH and least.height() <= CLIENT_HEIGHT, (name, least)
    size = widget.size()
    assert size.width() <= CLIENT_WIDTH and size.height() <= CLIENT_HEIGHT, (name, size)
    inside = QRect(QPoint(0, 0), size)
    for box in widget.findChildren(QDialogButtonBox):
        if not box.isVisibleTo(widget):
            continue
        for button in box.buttons():
            where = QRect(button.mapTo(widget, QPoint(0, 0)), button.size())
            assert inside.contains(where), (name, button.text(), where, size)


def in_scroll(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def test_the_tests_run_on_a_laptop_screen(qapp):
    geometry = qapp.primaryScreen().geometry()
    assert (geometry.width(), geometry.height()) == (LAPTOP_WIDTH, LAPTOP_HEIGHT)


def test_the_project_dialog_fits_with_save_and_cancel_in_view(qtbot, demo):
    """新建项目 / 项目设置 were 1,043 px tall: 保存 and 取消 below a 768 px screen."""
    from wulong_desk.ui.project_dialog import ProjectDialog

    store, project_id, _signed = demo
    for dialog in (ProjectDialog(store), ProjectDialog(store, project_id)):
        qtbot.addWidget(dialog)
        fits(dialog)
        for text in ("保存", "取消"):
            button = next(b for b in dialog.buttons.buttons() if b.text() == text)
            assert button.isVisible()
        # the long form scrolls inside the dialog (never sideways), the buttons stay put
        assert dialog.scroll.verticalScrollBar().maximum() > 0
        assert dialog.scroll.horizontalScrollBar().maximum() == 0
        dialog.close()


def test_the_main_window_and_its_dashboard_fit(qtbot, demo):
    store, project_id, _signed = demo
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.select_project(project_id)
    fits(window)
    # the whole toolbar is on screen: no button and no search box in an overflow menu
    bar = window.findChild(QToolBar)
    for action in bar.actions():
        if not action.isSeparator():
            assert bar.widgetForAction(action).isVisible(), action.text()
    assert window.search.isVisible() and window.status_filter.isVisible()
    window.tabs.setCurrentIndex(1)
    window.dashboard.wait()
    QApplication.processEvents()
    fits(window)
    assert window.dashboard.minimumSizeHint().height() <= CLIENT_HEIGHT - 100


def test_the_case_editor_fits_with_its_buttons_in_view(qtbot, demo):
    from wulong_desk.ui.case_editor import CaseEditor

    store, project_id, signed = demo
    editor = CaseEditor(store, project_id, signed)
    qtbot.addWidget(editor)
    editor.show()
    QApplication.processEvents()
    least = editor.minimumSizeHint()
    assert least.width() <= CLIENT_WIDTH and least.height() <= CLIENT_HEIGHT, least
    inside = QRect(QPoint(0, 0), editor.size())
    screen = editor.screen().availableGeometry()
    assert editor.width() <= screen.width() and editor.height() <= screen.height()
    # the buttons below the form (the form's own scroll: its table buttons scroll with it)
    row = [b for b in editor.findChildren(QAbstractButton) if b.isVisibleTo(editor)
           and b.text() and not in_scroll(b, editor)]
    assert {"保存 (Ctrl+S)", "关闭", "存为草稿", "撤销修改"} <= {b.text() for b in row}
    for button in row:
        where = QRect(button.mapTo(editor, QPoint(0, 0)), button.size())
        assert inside.contains(where), (button.text(), where)
    editor.close()


def dialogs(store, project_id, signed, parent):
    """Every dialog the app opens, made as the app makes it."""
    from wulong_desk.services.projects.standard_info import project_standard
    from wulong_desk.ui.case_clocks_dialog import CaseClocksDialog
    from wulong_desk.ui.crash_dialog import CrashDialog
    from wulong_desk.ui.data_dialog import DataDialog
    from wulong_desk.ui.export_dialog import ExportDialog
    from wulong_desk.ui.history_dialog import HistoryDialog
    from wulong_desk.ui.housing_dialog import HousingDialog
    from wulong_desk.ui.operator_dialog import OperatorDialog
    from wulong_desk.ui.payments_dialog import PaymentsDialog
    from wulong_desk.ui.pdf_preview import PdfPreview
    from wulong_desk.ui.procedure_dialog import ProcedureDialog
    from wulong_desk.ui.recalc_dialog import RecalcDialog
    from wulong_desk.ui.removed_dialog import RemovedDialog
    from wulong_desk.ui.restore_dialog import RestoreDialog
    from wulong_desk.ui.server_login_dialog import ServerLoginDialog
    from wulong_desk.ui.versions_dialog import VersionsDialog

    with store.read() as session:
        standard = project_standard(session, project_id)
    from wulong_desk.services.cases.form import case_to_form
    from wulong_desk.services.cases.lookup import get_case

    with store.read() as session:
        form = case_to_form(get_case(session, signed))
    yield ExportDialog("武隆区芙蓉路片区旧城改造项目（演示）", 36, [signed], parent)
    yield HousingDialog(store, project_id, signed, parent)
    yield ProcedureDialog(store, project_id, parent)
    yield CaseClocksDialog(store, signed, parent)
    yield PaymentsDialog(store, signed, parent)
    yield HistoryDialog(history(store, signed), parent)
    yield RestoreDialog(store.path, parent)
    yield RemovedDialog(store, project_id, parent)
    yield DataDialog(store.path, standard, parent)
    yield RecalcDialog([], parent)
    yield VersionsDialog("FR-0001", form, form, parent=parent)
    yield ServerLoginDialog("", parent)
    yield OperatorDialog("甲", parent)
    yield CrashDialog("报告\n" * 80, parent)
    preview = PdfPreview(store, signed, parent=parent)
    assert preview.job.wait() == "succeeded"
    yield preview
    # the decision path's (issue 27)
    from wulong_desk.ui.appraisal_dialog import AppraisalDialog
    from wulong_desk.ui.case_decision_dialog import CaseDecisionDialog
    from wulong_desk.ui.convert_dialog import ConvertDialog
    from wulong_desk.ui.decide_dialog import DecideDialog
    from wulong_desk.ui.decision_outcome_dialog import DecisionOutcomeDialog
    from wulong_desk.ui.revalue_dialog import RevalueDialog
    from wulong_desk.ui.terminate_dialog import TerminateDialog

    with store.read() as session:
        decided = session.execute(select(Case.id).where(Case.status == "decided")).scalar()
    yield DecideDialog(store, project_id, parent)
    yield TerminateDialog(store, project_id, parent)
    yield AppraisalDialog(store, project_id, "武隆区芙蓉路片区旧城改造项目（演示）", parent)
    convert = ConvertDialog(store, project_id, signed, parent)
    assert convert.readiness.wait() == "succeeded"
    yield convert
    yield CaseDecisionDialog(store, signed, parent)
    yield RevalueDialog(store, signed, parent)
    yield DecisionOutcomeDialog(store, decided, parent)


def test_every_dialog_fits(qtbot, demo):
    store, project_id, signed = demo
    window = MainWindow(store)
    qtbot.addWidget(window)
    seen = []
    for dialog in dialogs(store, project_id, signed, window):
        fits(dialog)
        seen.append(type(dialog).__name__)
        dialog.close()
    assert len(seen) == 22


def test_a_case_saved_as_signed_keeps_the_editor_as_narrow_as_before(qtbot, demo):
    """Saved as 已签约, the editor grew to ~1,350 px (the lock's words beside the buttons) and
    its 关闭 ran off a 1366 px screen: locked, it may only be as wider as its 解锁更正… button."""
    from pressing import button, keys
    from test_gui import focus, type_text

    from wulong_desk.ui.case_editor import CaseEditor

    store, project_id, _signed = demo
    with store.read() as session:
        reviewed = session.execute(select(Case.id).join(CaseResult).where(
            Case.project_id == project_id, Case.status == "reviewed", Case.method == "money",
            CaseResult.ok.is_(True)).order_by(Case.id)).scalar()
    editor = CaseEditor(store, project_id, reviewed)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    unsigned = editor.minimumSizeHint().width()
    ui = editor.ui
    ui.statusCombo.setCurrentIndex(ui.statusCombo.findData("signed"))
    focus(qtbot, ui.signedDate)
    type_text(date.today().isoformat())
    keys(editor, "Ctrl+S")
    assert editor.locked and ui.lockLabel.text() == "【已锁定】已签约，金额相关数据不能修改"
    QApplication.processEvents()
    spacing = ui.bottomLayout.spacing()
    least = editor.minimumSizeHint().width()
    assert least <= unsigned + ui.unlockButton.sizeHint().width() + spacing, (least, unsigned)
    screen = editor.screen().availableGeometry()
    assert max(least, editor.sizeHint().width()) <= min(screen.width(), CLIENT_WIDTH)
    editor.move(screen.topLeft())
    editor.resize(min(editor.width(), screen.width()), min(editor.height(), screen.height()))
    QApplication.processEvents()
    close = button(editor, "关闭")
    where = QRect(close.mapToGlobal(QPoint(0, 0)), close.size())
    assert close.isVisible() and screen.contains(where), (where, screen)
    editor.close()


def fully_shown_rows(table) -> int:
    height = table.viewport().height()
    return sum(1 for row in range(table.rowCount())
               if 0 <= table.rowViewportPosition(row)
               and table.rowViewportPosition(row) + table.rowHeight(row) <= height)


def test_an_exchange_case_shows_at_least_eight_lines_of_its_breakdown(qtbot, demo):
    """With its exchange settlement below, the fourteen lines shrank to about two rows on a
    768 px screen: the figures now scroll in a pane of their own, the lines keep eight."""
    from PySide6.QtCore import Qt

    from wulong_desk.ui.case_editor import CaseEditor

    store, project_id, signed = demo
    editor = CaseEditor(store, project_id, signed)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.setWindowState(Qt.WindowState.WindowNoState)   # as narrow and tall as the laptop
    screen = editor.screen().availableGeometry()
    editor.resize(editor.minimumSizeHint().width(), CLIENT_HEIGHT)
    QApplication.processEvents()
    assert editor.width() <= screen.width() and editor.height() <= CLIENT_HEIGHT
    panel = editor.panel
    assert panel.settlement_box.isVisible()                  # an exchange case's settlement
    assert fully_shown_rows(panel.table) >= 8, [panel.table.rowHeight(r) for r in range(14)]
    assert panel.totals["total"].visibleRegion().boundingRect().height() \
        == panel.totals["total"].height()                      # 补偿合计 in view too
    editor.close()


def test_the_case_window_shows_each_citation_whole_however_narrow(qtbot, demo):
    """依据 sat beyond the breakdown's edge on a laptop (the pane squeezed below the table's
    width, the column as wide as its longest citation): at every width the window may take,
    the column is now inside what is shown and each citation, wrapped, fits its row."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyleOptionViewItem

    from wulong_desk.ui.case_editor import CaseEditor

    store, project_id, _signed = demo
    with store.read() as session:   # an unsigned money case: its amounts are the widest
        reviewed = session.execute(select(Case.id).where(
            Case.status == "reviewed", Case.method == "money").order_by(Case.id)).scalar()
    editor = CaseEditor(store, project_id, reviewed)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.setWindowState(Qt.WindowState.WindowNoState)
    table = editor.panel.table
    for width in (editor.minimumSizeHint().width(), 1280, CLIENT_WIDTH):
        editor.resize(width, CLIENT_HEIGHT)
        QApplication.processEvents()
        QApplication.processEvents()
        shown = table.viewport().visibleRegion().boundingRect()
        edge = table.columnViewportPosition(3) + table.columnWidth(3)
        assert table.columnViewportPosition(3) >= 0 and edge <= shown.right() + 1, (
            width, edge, shown)
        assert table.columnWidth(2) >= 200, (width, table.columnWidth(2))   # 计算式 readable
        cut = []
        for row in range(table.rowCount()):
            item = table.item(row, 3)
            option = QStyleOptionViewItem()
            table.initViewItemOption(option)
            option.rect = QRect(0, 0, table.columnWidth(3), table.rowHeight(row))
            need = table.itemDelegate().sizeHint(option, table.model().index(row, 3))
            if need.height() > table.rowHeight(row):
                cut.append((item.text(), need.height(), table.rowHeight(row)))
            assert item.toolTip() == item.text()
        assert not cut, (width, cut)
    editor.close()


def test_the_procedure_window_shows_its_rules_in_full(qtbot, demo):
    """程序时限 cut 法定期限 and 计算方法 to two lines with 「…」: each row is now as tall as
    the text its cells need at their width."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    from wulong_desk.ui.procedure_dialog import ProcedureDialog

    store, project_id, _signed = demo
    dialog = ProcedureDialog(store, project_id)
    qtbot.addWidget(dialog)
    fits(dialog)
    table = dialog.steps
    cut = []
    for row in range(table.rowCount()):
        for column in (0, 3, 6):   # 步骤, 法定期限, 计算方法
            option = QStyleOptionViewItem()
            table.initViewItemOption(option)
            option.rect = QRect(0, 0, table.columnWidth(column), table.rowHeight(row))
            need = table.itemDelegate().sizeHint(option, table.model().index(row, column))
            if need.height() > table.rowHeight(row):
                cut.append((table.item(row, column).text(), need.height(), table.rowHeight(row)))
    assert not cut, cut
    assert fully_shown_rows(table) >= 6
    dialog.close()
