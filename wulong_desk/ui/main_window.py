"""The main window: choose a project, find cases as you type, open one to edit; the project's
progress dashboard; exports with progress; previews; backups and where the data lives.

The window is made on an open store (ui/app.py opens it first); set_store() puts another in its
place (after a restore, or a new login on the office server).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableView,
    QTabWidget,
    QToolBar,
    QWidget,
)

from wulong_desk.errors import ServerUnreachableError, UserError
from wulong_desk.ui.case_table_model import CaseTableModel
from wulong_desk.ui.export_actions import ExportActions
from wulong_desk.ui.housekeeping import Housekeeping
from wulong_desk.ui.labels import STATUS_LABELS, STATUSES, money_text, project_label
from wulong_desk.ui.screen_fit import fit_to_screen
from wulong_desk.ui.server_actions import ServerActions
from wulong_desk.ui.settings import remember, settings

if TYPE_CHECKING:
    from wulong_desk.store import Store
    from wulong_desk.ui.case_editor import CaseEditor
    from wulong_desk.ui.dashboard import Dashboard

NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # the project's name beside its id in the selector
RE_READ_AFTER = 10  # seconds: focus reads others' changes again, not more often than this


class TotalsBridge(QObject):
    """Carries a worker's answer back to the GUI thread (a queued signal)."""

    ready = Signal(int, int, object, int)
    failed = Signal(int, str)     # the count could not be made (the server gone): why


class TotalsTask(QRunnable):
    """Counts and sums the matching cases off the GUI thread (no widget is touched here)."""

    def __init__(self, model: CaseTableModel, generation: int, bridge: TotalsBridge):
        super().__init__()
        self.model, self.generation, self.bridge = model, generation, bridge
        self.query = (model.project_id, model.text, model.status)

    def run(self) -> None:
        from wulong_desk.services.cases.search import totals_of

        project_id, text, status = self.query
        if project_id is None or self.model.store is None:
            self.bridge.ready.emit(self.generation, 0, None, 0)
            return
        try:
            count, total, voided = totals_of(self.model.store, project_id, text, status)
        except UserError as exc:   # the server gone, the file locked: said, never raised here
            self.bridge.failed.emit(self.generation, str(exc))
            return
        self.bridge.ready.emit(self.generation, count, total, voided)


class MainWindow(QMainWindow):
    def __init__(self, store: Store, parent: QWidget | None = None, *,
                 owns_store: bool = False):
        super().__init__(parent)
        self.store = store
        self.owns_store = owns_store          # the demo window closes its own database
        self.demo_window: MainWindow | None = None
        self.setWindowTitle(f"武隆征收补偿案卷系统 — {store.operator}")
        self.editors: list[CaseEditor] = []
        self.model = CaseTableModel(store, self)
        self.table = QTableView()
        self.table.setObjectName("caseTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # a double click or Enter on a row (the system's activation; a double click is not
        # connected besides, or it would open the case twice)
        self.table.activated.connect(self._open_index)
        self._dashboard: Dashboard | None = None  # made when first shown (QtCharts loads then)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "案卷")
        self.tabs.addTab(QWidget(), "进度")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)

        bar = QToolBar("项目")
        bar.setObjectName("mainToolBar")
        self.addToolBar(bar)
        self.project_combo = QComboBox()
        self.project_combo.setObjectName("projectCombo")
        self.project_combo.setMinimumWidth(320)
        self.project_combo.currentIndexChanged.connect(self._project_changed)
        bar.addWidget(QLabel("项目："))
        bar.addWidget(self.project_combo)
        # every toolbar action has its menu entry (_menus) and its shortcut, said in its tooltip
        self.new_project_action = self._action(bar, "新建项目…", self.new_project,
                                               QKeySequence("Ctrl+Shift+N"))
        self.edit_project_action = self._action(bar, "项目设置…", self.edit_project,
                                                QKeySequence("Ctrl+Shift+P"))
        bar.addSeparator()
        self.new_case_action = self._action(bar, "新建案卷", self.new_case,
                                            QKeySequence.StandardKey.New)
        self.open_case_action = self._action(bar, "打开", self.open_selected,
                                             QKeySequence("Ctrl+O"))
        self.remove_case_action = self._action(bar, "删除/作废…", self.remove_selected,
                                               QKeySequence("Ctrl+Del"))
        self.remove_case_action.setToolTip("误录的未签约案卷可删除（可在“数据 → 已删除的案卷…”"
                                           "中恢复）；已签约的案卷只能作废，须写明理由（Ctrl+Del）")
        bar.addSeparator()
        self.housekeeping = Housekeeping(self)
        self.server_actions = ServerActions(self)
        # others' changes (the office server, or a file another window writes) are noticed on
        # focus and every minute
        self._others_timer = QTimer(self)
        self._others_timer.setInterval(60_000)
        self._others_timer.timeout.connect(lambda: self.notice_others(force=True))
        self._read_at = 0.0
        self.server_lost = False   # the last refresh could not reach the office server
        self.exports = ExportActions(self)
        self.export_action = self._action(bar, "导出…", self.exports.export_dialog,
                                          QKeySequence("Ctrl+E"))
        self.export_action.setToolTip("导出台账、公示表、协议或结算单（Ctrl+E）")
        self.preview_action = self._action(bar, "预览协议", self.exports.preview_selected,
                                           QKeySequence.StandardKey.Print)
        self.preview_action.setToolTip("预览并打印所选案卷的协议或结算单（Ctrl+P）")
        bar.addSeparator()
        self.search = QLineEdit()
        self.search.setObjectName("searchEdit")
        self.search.setPlaceholderText("查找：姓名、身份证号、电话、产权证号、坐落（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(300)
        self.search.textChanged.connect(lambda _text: self._filter_timer.start())
        self.search.returnPressed.connect(self._focus_table)
        bar.addWidget(self.search)
        focus_search = QAction("查找…", self)
        focus_search.setShortcut(QKeySequence.StandardKey.Find)
        focus_search.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(focus_search)
        self.focus_search_action = focus_search
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem("全部状态", None)
        for status in STATUSES:
            self.status_filter.addItem(STATUS_LABELS[status], status)
        self.status_filter.currentIndexChanged.connect(self.apply_filter)
        bar.addWidget(self.status_filter)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)
        self._filter_timer.timeout.connect(self.apply_filter)
        self._generation = 0
        self._bridge = TotalsBridge(self)
        self._bridge.ready.connect(self._totals_ready)
        self._bridge.failed.connect(self._totals_failed)
        self.totals_label = QLabel()
        self.totals_label.setObjectName("totalsLabel")
        self.statusBar().addPermanentWidget(self.totals_label)
        self._menus()
        self._restore_geometry()
        self.set_store(store)

    def set_store(self, store: Store) -> None:
        """The store the window works on (at start, or another after a restore)."""
        self.store = self.model.store = store
        if self._dashboard is not None:
            self._dashboard.store = store
        self.setWindowTitle(f"武隆征收补偿案卷系统 — {store.operator}")
        self.statusBar().showMessage(f"数据库：{store.where}")
        self.reload_projects()
        self._others_timer.start()

    def notice_others(self, force: bool = False) -> None:
        """Read the list (and the dashboard, when shown) again: others may have saved. (Not
        again within a few seconds of the last reading, unless forced.) The office server
        out of reach is said once, plainly; the window keeps what it read last and tries
        again on the next focus or minute."""
        if not self.isEnabled() or self.store is None or self.store.closed:
            return   # (a store closed under the window — a restore, a test — is never read)
        if not force and time.monotonic() - self._read_at < RE_READ_AFTER:
            return
        try:
            self.apply_filter()
            self._refresh_dashboard()
        except ServerUnreachableError as exc:
            self._server_lost(str(exc))
            return
        if self.server_lost:
            self.server_lost = False
            self.statusBar().showMessage("已重新连上办公室服务器，列表已刷新", 8000)

    def _server_lost(self, message: str) -> None:
        self.statusBar().showMessage("暂时连不上办公室服务器：显示的是上次读到的内容")
        if self.server_lost:
            return   # said once: the refresh every minute adds no box
        self.server_lost = True
        QMessageBox.warning(self, "连不上办公室服务器",
                            f"{message}\n\n窗口保持打开，显示的是上次读到的内容；连接恢复后，"
                            "窗口得到焦点时或一分钟内会自动重新读取。")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.notice_others()

    def _apply_role(self) -> None:
        """What this login may not do is disabled, and the tooltip says why."""
        assert self.store is not None
        why = self.store.may("修改项目设置")
        for action in (self.new_project_action, self.edit_project_action):
            if why:
                action.setEnabled(False)
                action.setToolTip(why)
        why = self.store.may("按新规则重算")
        if why:   # the dry run is harmless, but its only purpose is the recalculation after it
            self.recalc_action.setEnabled(False)
            self.recalc_action.setToolTip(why)

    def _menus(self) -> None:
        work = self.housekeeping
        menu: QMenu = self.menuBar().addMenu("文件(&F)")
        menu.addAction(self.export_action)
        menu.addAction(self.preview_action)
        # (a lambda: triggered(bool) must not arrive as the file or the folder)
        menu.addAction("导入调查登记表…", lambda: work.import_survey_dialog())
        menu.addAction("草稿…", work.open_drafts)
        menu.addSeparator()
        menu.addAction("更换操作人…", work.change_operator)
        menu.addSeparator()
        menu.addAction("退出", self.close).setShortcut(QKeySequence.StandardKey.Quit)
        project = self.menuBar().addMenu("项目(&J)")
        project.addAction(self.new_project_action)
        project.addAction(self.edit_project_action)
        cases = self.menuBar().addMenu("案卷(&C)")
        for action in (self.new_case_action, self.open_case_action, self.remove_case_action):
            cases.addAction(action)
        cases.addSeparator()
        cases.addAction(self.focus_search_action)
        data = self.menuBar().addMenu("数据(&D)")
        data.addAction("立即备份", work.backup_now)
        data.addAction("备份到…", lambda: work.backup_to_folder())
        data.addAction("从备份恢复…", work.restore_dialog)
        data.addSeparator()
        data.addAction("已删除的案卷…", self.removed_cases)
        self.recalc_action = data.addAction("按新规则重算…", self.recalc)
        data.addSeparator()
        data.addAction("数据与标准…", work.data_dialog)
        data.addAction("待确认的更正…", self.show_proposals)
        data.addSeparator()
        data.addAction("连接办公室服务器…", self.server_actions.connect_server)
        data.addAction("与办公室同步", self.server_actions.sync_now)
        from wulong_desk.ui.procedure_actions import ProcedureActions

        self.procedure = ProcedureActions(self)
        self.procedure.add_menu()

    def show_proposals(self):
        """数据 → 待确认的更正…: corrections and signings from outside (ui/proposals_dialog.py)."""
        from wulong_desk.ui.proposals_dialog import ProposalsDialog

        self.proposals_dialog = ProposalsDialog(self.store, self, on_changed=self._cases_changed)
        self.proposals_dialog.show()
        return self.proposals_dialog

    def removed_cases(self) -> None:
        """数据 → 已删除的案卷…: bring back a case deleted by mistake (ui/removed_dialog.py)."""
        from wulong_desk.ui.removed_dialog import RemovedDialog

        if self.project_id() is None:
            return
        dialog = RemovedDialog(self.store, self.project_id(), self)
        dialog.exec()
        if dialog.restored:
            self._cases_changed()

    def recalc(self):
        """数据 → 按新规则重算…: the current project's dry run first (ui/recalc_dialog.py)."""
        from wulong_desk.ui.recalc_dialog import start_recalc

        if self.project_id() is None:
            return None
        return start_recalc(self, self.store, self.project_id(), on_written=self._cases_changed)

    def _action(self, bar: QToolBar, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text.rstrip('…')}（{keys}）")
        action.triggered.connect(lambda _checked=False: slot())   # (never the bool)
        bar.addAction(action)
        return action

    # ---- projects
    def reload_projects(self, select: int | None = None) -> None:
        from wulong_desk.services.projects.project import list_projects

        assert self.store is not None
        projects = list_projects(self.store)
        wanted = select if select is not None else settings().value("last_project", None, int)
        self.project_combo.blockSignals(True)
        self.project_combo.clear()
        for project in projects:
            self.project_combo.addItem(project_label(project["name"], project["households"]),
                                       project["id"])
            self.project_combo.setItemData(self.project_combo.count() - 1, project["name"],
                                           NAME_ROLE)
        index = self.project_combo.findData(wanted) if wanted is not None else -1
        self.project_combo.setCurrentIndex(index if index >= 0 else 0)
        self.project_combo.blockSignals(False)
        self.edit_project_action.setEnabled(bool(projects))
        self.new_case_action.setEnabled(bool(projects))
        self._apply_role()
        self._project_changed()

    def project_id(self) -> int | None:
        return self.project_combo.currentData()

    def select_project(self, project_id: int) -> None:
        index = self.project_combo.findData(project_id)
        if index >= 0:
            self.project_combo.setCurrentIndex(index)

    def project_name(self) -> str:
        return self.project_combo.currentData(NAME_ROLE) or ""

    def _project_changed(self, *args: object) -> None:
        if self.project_id() is not None:
            remember("last_project", self.project_id())
        self.apply_filter()
        self._refresh_dashboard()

    def _tab_changed(self, _index: int) -> None:
        self._refresh_dashboard()

    @property
    def dashboard(self) -> Dashboard:
        if self._dashboard is None:
            from wulong_desk.ui.dashboard import Dashboard

            self._dashboard = Dashboard(self.store)
            self._dashboard.setObjectName("dashboard")
            self._dashboard.open_case.connect(self.open_case)
            self._dashboard.project_id = self.project_id()
            current = self.tabs.currentIndex()
            self.tabs.blockSignals(True)
            self.tabs.removeTab(1)
            self.tabs.insertTab(1, self._dashboard, "进度")
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
        return self._dashboard

    def _refresh_dashboard(self) -> None:
        """The dashboard reads the project summary only while it is on screen."""
        if self.tabs.currentIndex() == 1:
            self.dashboard.set_project(self.project_id())
        elif self._dashboard is not None:
            self._dashboard.project_id = self.project_id()

    def offer_first_start(self) -> None:
        """No project yet: offer to create one or to look around in demo data."""
        if self.project_combo.count():
            return
        box = QMessageBox(self)
        box.setWindowTitle("欢迎使用")
        box.setText("还没有任何项目。要新建一个项目，还是先打开演示数据看看？")
        new = box.addButton("新建项目", QMessageBox.ButtonRole.AcceptRole)
        demo = box.addButton("打开演示数据", QMessageBox.ButtonRole.ActionRole)
        box.addButton("稍后", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is new:
            self.new_project()
        elif box.clickedButton() is demo:
            self.open_demo()

    def open_demo(self) -> MainWindow | None:
        """Open the demo data in a window of its own, on its own database file: the 36
        fictional households never enter the user's database."""
        from wulong_desk.services.projects.demo import open_demo_store

        assert self.store is not None
        if self.demo_window is not None:
            self.demo_window.raise_()
            self.demo_window.activateWindow()
            return self.demo_window
        try:
            store = open_demo_store(self.store.operator)
        except UserError as exc:
            QMessageBox.warning(self, "不能打开演示数据", str(exc))
            return None
        window = MainWindow(store, owns_store=True)
        window.setWindowTitle(f"演示数据（虚构住户，与正式数据分开保存）— {store.operator}")
        window.destroyed.connect(lambda *_: setattr(self, "demo_window", None))
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.demo_window = window
        window.show()
        return window

    def new_project(self) -> None:
        from wulong_desk.ui.project_dialog import ProjectDialog

        dialog = ProjectDialog(self.store, None, self)
        if dialog.exec() and dialog.saved_id is not None:
            self.reload_projects(dialog.saved_id)

    def edit_project(self) -> None:
        from wulong_desk.ui.project_dialog import ProjectDialog

        if self.project_id() is None:
            return
        dialog = ProjectDialog(self.store, self.project_id(), self)
        if dialog.exec():
            self.reload_projects(self.project_id())

    # ---- cases
    def apply_filter(self, *args: object) -> None:
        """Show the first page at once; count and sum the matches on a worker thread."""
        self._filter_timer.stop()
        self._read_at = time.monotonic()
        kept, current = set(self.selected_case_ids()), self.current_case_id()
        self.model.set_query(self.project_id(), self.search.text(),
                             self.status_filter.currentData())
        self._reselect(kept, current)  # a save or a dialog never loses the clerk's place
        self._generation += 1
        self.totals_label.setText("正在统计…")
        QThreadPool.globalInstance().start(
            TotalsTask(self.model, self._generation, self._bridge))

    def _reselect(self, case_ids: set[int], current: int | None) -> None:
        """Select again the cases that were selected (those still listed)."""
        if not case_ids and current is None:
            return
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        for row, entry in enumerate(self.model.rows):
            if entry.id == current:
                selection.setCurrentIndex(self.model.index(row, 0), flags.NoUpdate)
            if entry.id in case_ids:
                selection.select(self.model.index(row, 0), flags.Select | flags.Rows)

    def _totals_ready(self, generation: int, count: int, total: object, voided: int) -> None:
        if generation != self._generation:
            return  # an older query's answer: the user has typed on
        self.model.total_count = count
        text = money_text(total) if total is not None else "0.00"
        apart = f"（其中作废或不生效 {voided} 户，不计入合计）" if voided else ""
        self.totals_label.setText(f"显示 {count} 户{apart}，合计 {text} 元")

    def _totals_failed(self, generation: int, why: str) -> None:
        if generation == self._generation:
            self.totals_label.setText(f"合计暂时无法统计：{why}")

    def wait_for_totals(self, timeout_ms: int = 5000) -> None:
        """For tests and scripts: until the status bar shows the current query's totals."""
        QThreadPool.globalInstance().waitForDone(timeout_ms)
        QCoreApplication.processEvents()

    def _focus_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _open_index(self, index: QModelIndex) -> None:
        self.open_case(self.model.case_id(index.row()))

    def open_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_case(self.model.case_id(index.row()))

    def selected_case_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.case_id(row) for row in rows]

    def current_case_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.case_id(index.row()) if index.isValid() else None

    def new_case(self, *_checked: object, project_id: int | None = None) -> CaseEditor | None:
        from wulong_desk.ui.case_editor import CaseEditor

        project_id = project_id if project_id is not None else self.project_id()
        if project_id is None:
            return None
        return self._show_editor(CaseEditor(self.store, project_id, None, self))

    def open_case(self, case_id: int, project_id: int | None = None) -> CaseEditor | None:
        """Open a case (its editor is brought forward if it is already open)."""
        for editor in self.editors:
            if editor.case_id == case_id:
                editor.raise_()
                editor.activateWindow()
                return editor
        from wulong_desk.ui.case_editor import CaseEditor

        project_id = project_id if project_id is not None else self.project_id()
        if project_id is None:
            return None
        return self._show_editor(CaseEditor(self.store, project_id, case_id, self))

    def _show_editor(self, editor: CaseEditor) -> CaseEditor:
        editor.saved.connect(lambda _id: self._cases_changed())

        def forget(*_args: object) -> None:
            if editor in self.editors:
                self.editors.remove(editor)

        editor.finished.connect(forget)
        editor.closed.connect(forget)   # closed by its window button or 关闭: open it again later
        self.editors.append(editor)
        editor.show()
        return editor

    def close_editors(self) -> bool:
        """Close every open case (each asks about unsaved changes); False if one stays open."""
        return all(editor.close() for editor in list(self.editors))

    def _cases_changed(self) -> None:
        """After a save, a deletion or a void: the list, the totals, the dashboard and the
        household counts in the project box."""
        self.apply_filter()
        self._refresh_dashboard()
        self.refresh_project_counts()

    def refresh_project_counts(self) -> None:
        from wulong_desk.services.projects.project import list_projects

        for project in list_projects(self.store):
            index = self.project_combo.findData(project["id"])
            if index >= 0:
                self.project_combo.setItemText(
                    index, project_label(project["name"], project["households"]))

    def remove_selected(self) -> None:
        """删除 an unsigned case entered by mistake, or 作废 a signed one (with a reason)."""
        from wulong_desk.services.cases import changes as case_service
        from wulong_desk.services.cases.lookup import case_heading
        from wulong_desk.statuses import is_signed, is_void
        from wulong_desk.ui.reason_dialog import ask_reason

        case_id = self.current_case_id()
        if case_id is None:
            return
        heading = case_heading(self.store, case_id)
        case_no, status = heading.case_no, heading.status
        if any(editor.case_id == case_id for editor in self.editors):
            QMessageBox.information(self, "请先关闭案卷", f"案卷 {case_no} 正在编辑，请先关闭。")
            return
        try:
            if is_signed(status):
                if why := self.store.may("作废"):   # office server: reviewers only, said first
                    QMessageBox.information(self, "不能作废", why)
                    return
                reason = ask_reason(
                    self, "作废案卷", f"案卷 {case_no} 已签约，不能删除，只能作废"
                    "（保留备查，不计入合计）。\n请写明作废理由：", "作废")
                if reason is None:
                    return
                case_service.void_case(self.store, case_id, reason)
            elif is_void(status):
                QMessageBox.information(self, "已作废", f"案卷 {case_no} 已作废。")
                return
            else:
                answer = QMessageBox.question(
                    self, "删除案卷", f"删除误录的案卷 {case_no}？\n"
                    "它的全部内容会留在修改记录中，需要时可在“数据 → 已删除的案卷…”中恢复。")
                if answer != QMessageBox.StandardButton.Yes:
                    return
                case_service.delete_case(self.store, case_id)
        except UserError as exc:
            from wulong_desk.services.cases.field_names import describe_message

            QMessageBox.warning(self, "不能删除或作废", describe_message(str(exc)))
            return
        self._cases_changed()

    # ---- window state
    def _restore_geometry(self) -> None:
        geometry = settings().value("main_geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            fit_to_screen(self, 1280, 780)   # (a 768-pixel laptop: what its screen holds)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.close_editors() or not self.exports.can_close():
            event.ignore()
            return
        # no query may start, or still run, on a store about to close (nor the minute's look
        # for others' changes: a closed window asks no server)
        self._filter_timer.stop()
        self._others_timer.stop()
        QThreadPool.globalInstance().waitForDone()
        if self.owns_store and self.store is not None:
            self.store.close()
        else:
            settings().setValue("main_geometry", self.saveGeometry())
        event.accept()
