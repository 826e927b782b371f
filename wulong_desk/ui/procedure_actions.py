"""The 程序 menu of the main window: the project's timeline, the selected case's payments and
clocks, the exchange housing stock, and the payment ledger export. Each opens its dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from wulong_desk.ui.jobs import Job
from wulong_desk.ui.settings import last_folder, remember_folder

if TYPE_CHECKING:
    from wulong_desk.services.documents.output import ExportResult
    from wulong_desk.ui.main_window import MainWindow


class ProcedureActions:
    def __init__(self, window: MainWindow):
        self.window = window
        self.job: Job | None = None

    def add_menu(self) -> QMenu:
        menu = self.window.menuBar().addMenu("程序(&P)")
        menu.addAction("程序时限与征求意见…(&T)", self.timeline).setShortcut(
            QKeySequence("Ctrl+Shift+T"))
        menu.addSeparator()
        menu.addAction("所选案卷：付款与收款…(&M)", self.payments).setShortcut(
            QKeySequence("Ctrl+Shift+M"))
        menu.addAction("所选案卷：时限与材料…(&C)", self.clocks).setShortcut(
            QKeySequence("Ctrl+Shift+K"))
        menu.addSeparator()
        menu.addAction("安置房源…(&H)", self.housing).setShortcut(QKeySequence("Ctrl+Shift+H"))
        menu.addAction("导出资金拨付台账…(&L)", self.export_payments)
        # the path the project takes in law (办法第二十三、二十九、三十一条; docs/decision-path.md)
        menu.addSeparator()
        menu.addAction("作出征收决定…(&D)", self.decide)
        menu.addAction("终止项目…", self.terminate)
        menu.addAction("导入正式评估结果…(&A)", self.appraisal)
        menu.addAction("转为补偿协议…(&V)", self.convert)
        menu.addAction("所选案卷：补偿决定…(&J)", self.case_decision)
        return menu

    def _path_dialog(self, dialog) -> None:   # (a PathDialog: ui/path_dialog.py)
        """Each step the dialog takes refreshes the list, the dashboard and the counts once
        (MainWindow._cases_changed); closing it refreshes nothing more."""
        dialog.changed.connect(self.window._cases_changed)
        dialog.exec()

    def decide(self) -> None:
        from wulong_desk.ui.decide_dialog import DecideDialog

        if self._ready():
            self._path_dialog(DecideDialog(self.window.store, self.window.project_id(),
                                           self.window))

    def terminate(self) -> None:
        from wulong_desk.ui.terminate_dialog import TerminateDialog

        if self._ready():
            self._path_dialog(TerminateDialog(self.window.store, self.window.project_id(),
                                              self.window))

    def appraisal(self) -> None:
        from wulong_desk.ui.appraisal_dialog import AppraisalDialog

        if self._ready():
            self._path_dialog(AppraisalDialog(self.window.store, self.window.project_id(),
                                              self.window.project_name(), self.window))

    def convert(self) -> None:
        from wulong_desk.ui.convert_dialog import ConvertDialog

        if self._ready():
            self._path_dialog(ConvertDialog(self.window.store, self.window.project_id(),
                                            self.window.current_case_id(), self.window))

    def case_decision(self) -> None:
        from wulong_desk.ui.case_decision_dialog import CaseDecisionDialog

        if self._ready() and (case_id := self._case()) is not None:
            self._path_dialog(CaseDecisionDialog(self.window.store, case_id, self.window))

    def _ready(self) -> bool:
        return self.window.store is not None and self.window.project_id() is not None

    def _case(self) -> int | None:
        case_id = self.window.current_case_id()
        if case_id is None:
            QMessageBox.information(self.window, "请先选择案卷", "请先在案卷表中选中一个案卷。")
        return case_id

    def timeline(self) -> None:
        from wulong_desk.ui.procedure_dialog import ProcedureDialog

        if self._ready():
            ProcedureDialog(self.window.store, self.window.project_id(), self.window).exec()
            self.window._refresh_dashboard()

    def payments(self) -> None:
        from wulong_desk.ui.payments_dialog import PaymentsDialog

        if self._ready() and (case_id := self._case()) is not None:
            PaymentsDialog(self.window.store, case_id, self.window).exec()
            self.window._refresh_dashboard()

    def clocks(self) -> None:
        from wulong_desk.ui.case_clocks_dialog import CaseClocksDialog

        if self._ready() and (case_id := self._case()) is not None:
            CaseClocksDialog(self.window.store, case_id, self.window).exec()
            self.window._refresh_dashboard()

    def housing(self) -> None:
        from wulong_desk.ui.housing_dialog import HousingDialog

        if self._ready():
            HousingDialog(self.window.store, self.window.project_id(),
                          self.window.current_case_id(), self.window).exec()
            self.window.apply_filter()
            self.window._refresh_dashboard()

    def export_payments(self) -> Job | None:
        """The ledger reads every signed case of the project: written on a worker thread, like
        the other exports (ui/export_actions.py)."""
        from pathlib import Path

        from wulong_desk.services.documents.exports import export_payments
        from wulong_desk.ui.desktop import offer_open

        if not self._ready():
            return None
        window = self.window
        name = f"{window.project_name()}-资金拨付台账.xlsx"
        path, _ = QFileDialog.getSaveFileName(window, "导出资金拨付台账", str(last_folder() / name),
                                              "Excel 工作簿 (*.xlsx)")
        if not path:
            return None
        remember_folder(path)
        store, project_id = window.store, window.project_id()

        def work(_progress: object) -> ExportResult:
            return export_payments(store, project_id, Path(path), operator=store.operator)

        def done(result: ExportResult) -> None:
            offer_open(window, "导出完成", f"已导出 {result.count} 户的资金拨付台账。",
                       result.path)

        job = Job(window, "导出资金拨付台账", "正在导出资金拨付台账…", work, cancellable=False)
        job.succeeded.connect(done)
        job.failed.connect(lambda message: QMessageBox.warning(window, "不能导出", message))
        self.job = job
        job.start()
        return job
