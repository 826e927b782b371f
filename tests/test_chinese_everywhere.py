"""Chinese on every surface a clerk sees: every widget's text in the main window, the dashboard,
a case editor and its history, every cell of the ledger and the public notice, every page of
the agreements and settlement sheets of the demo are scanned for ASCII identifiers and English
words. Only what a clerk writes or reads as such is allowed: case numbers (FR-0001), the
letter X of an ID number, units (m²), the fingerprint and identifiers written as hex."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from wulong_desk.services.documents import exports
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_store
from wulong_desk.ui.fonts import register_fonts
from wulong_desk.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*[A-Za-z_]")   # two letters or more: a word or a code
ALLOWED = [
    re.compile(r"\b[A-Z]{2}-\d{4}\b"),                   # case numbers of the demo, FR-0001
    re.compile(r"\b[0-9a-f]{64}\b"),                     # the fingerprint of the figures
    re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),  # uuid
    re.compile(r"[A-Za-z]:?[\\/][^\s，。）]*|/[^\s，。）]+"),  # file paths shown to find files
    re.compile(r"\.(?:txt|toml|xlsx|pdf|sqlite)\b"),      # file name extensions
    re.compile(r"收到「[^」]*」"),                         # the clerk's own input, quoted back
]
# names a clerk knows, keys on the keyboard, and max/min in a formula (20 × max(66.55, 45) × 18)
ALLOWED_WORDS = {"Excel", "WPS", "PDF", "xlsx", "pdf", "UTF", "Ctrl", "Enter", "Shift", "Esc",
                 "Tab", "Alt", "Del", "max", "min"}


def english(text: str) -> list[str]:
    for pattern in ALLOWED:
        text = pattern.sub(" ", text)
    return [w for w in WORD.findall(text) if w not in ALLOWED_WORDS]


def widget_texts(root: QWidget) -> list[str]:
    texts = [root.windowTitle()]
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        texts.append(widget.toolTip())
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QListWidget):
            texts += [widget.item(i).text() for i in range(widget.count())]
        if isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            for column in range(model.columnCount()):
                if widget.isColumnHidden(column):
                    continue
                texts.append(str(model.headerData(column, widget.horizontalHeader().orientation())
                                 or ""))
                for row in range(min(model.rowCount(), 40)):
                    texts.append(str(model.index(row, column).data() or ""))
        for action in widget.actions():
            texts += [action.text(), action.toolTip()]
            if action.menu() is not None:
                texts += [a.text() for a in action.menu().actions()]
    return [t for t in texts if t]


@pytest.fixture
def demo(tmp_path, qapp):
    register_fonts(qapp)
    store = open_store(tmp_path / "demo.sqlite", "王科员")
    project_id = create_demo(store)
    yield store, project_id, tmp_path
    store.close()


def test_screens_are_in_chinese(qtbot, demo):
    store, project_id, _ = demo
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.select_project(project_id)
    window.show()
    window.wait_for_totals()
    found = {w: t for t in widget_texts(window) for w in english(t)}
    window.tabs.setCurrentWidget(window.dashboard)
    window.dashboard.wait()
    found |= {w: t for t in widget_texts(window.dashboard) for w in english(t)}
    from wulong_desk.services.cases.lookup import get_case
    from wulong_desk.statuses import is_frozen

    with store.read() as session:   # a case still open to edits: its breakdown follows typing
        row = next(r for r in range(window.model.rowCount())
                   if not is_frozen(get_case(session, window.model.case_id(r)).status))
    editor = window.open_case(window.model.case_id(row))
    qtbot.waitExposed(editor)
    editor.refresh()
    found |= {w: t for t in widget_texts(editor) for w in english(t)}
    # wrong input: the messages name the field in Chinese and quote nothing in English
    editor.ui.partsTable.item(0, 1).setText("abc")
    editor.refresh()
    messages = [editor.panel.messages.item(i).text() for i in range(editor.panel.messages.count())]
    assert any("证载面积" in m for m in messages), messages
    found |= {w: m for m in messages for w in english(m)}
    editor.close()
    assert not found, found


def test_dialogs_are_in_chinese(qtbot, demo):
    from wulong_desk.services.cases.changes import history
    from wulong_desk.services.projects.standard_info import project_standard
    from wulong_desk.ui.data_dialog import DataDialog
    from wulong_desk.ui.export_dialog import PUBLIC, ExportDialog
    from wulong_desk.ui.history_dialog import HistoryDialog
    from wulong_desk.ui.project_dialog import ProjectDialog

    store, project_id, _ = demo
    with store.read() as session:
        standard = project_standard(session, project_id)
    export = ExportDialog("项目", 36, [1, 2])
    export.kind_combo.setCurrentIndex(export.kind_combo.findData(PUBLIC))
    export.target_edit.clear()
    dialogs = [ProjectDialog(store, project_id), export, DataDialog(None, standard),
               HistoryDialog(history(store, 1))]
    found = {}
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        found |= {w: f"{type(dialog).__name__}: {t}" for t in widget_texts(dialog)
                  for w in english(t)}
    assert not found, found


def test_sheets_are_in_chinese(demo):
    from wulong_desk.services.documents.notices import export_notice

    store, project_id, folder = demo
    outs = []
    for public in (False, True):
        out = folder / f"{public}.xlsx"
        exports.export_ledger(store, project_id, out, public=public, operator="王科员")
        outs.append(out)
    for kind in ("survey", "unregistered", "appraisal", "min-housing"):  # the other notices
        export_notice(store, project_id, folder / f"{kind}.xlsx", kind=kind)
        outs.append(folder / f"{kind}.xlsx")
    for out in outs:
        found = {}
        for ws in load_workbook(out).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if not hasattr(cell, "column_letter"):
                        continue  # the covered part of a merged cell holds nothing
                    if ws.column_dimensions[cell.column_letter].hidden:
                        continue  # the line codes, kept for machines
                    if isinstance(cell.value, str) and not cell.value.startswith("=SUM("):
                        found |= {w: f"{ws.title}!{cell.coordinate}: {cell.value}"
                                  for w in english(cell.value)}
        assert not found, found


def test_documents_and_their_file_names_are_in_chinese(demo):
    store, project_id, folder = demo
    found = {}
    # (预签协议 only for cases at 预签: the demo's presigns are converted — test_agreement_items
    # reads the presign demo's)
    for kind in ("agreement", "settlement"):
        result = exports.export_documents(store, project_id, folder / kind, kind=kind)
        for path in result.files[:6]:
            found |= {w: path.name for w in english(path.stem)}
            for page in PdfReader(io.BytesIO(path.read_bytes())).pages:
                text = page.extract_text()
                found |= {w: f"{path.name}: {text[:80]}" for w in english(text)}
    assert not found, found


def test_qt_own_dialogs_speak_chinese(qtbot, qapp):
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QFileDialog

    from wulong_desk.ui.app import install_chinese_translation

    assert install_chinese_translation(qapp)  # qtbase_zh_CN from PySide6, and our supplement
    for text in ("Look in:", "Files of type:"):
        assert QCoreApplication.translate("QFileDialog", text) != text
    dialog = QFileDialog(None, "打开")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not [w for t in widget_texts(dialog) for w in english(t)]
