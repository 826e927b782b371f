"""The export and preview actions of the main window: ask what and where, run the export on a
worker thread with progress, report the outcome, offer to open the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from wulong_desk.errors import UserError
from wulong_desk.ui.desktop import offer_open
from wulong_desk.ui.jobs import Job

if TYPE_CHECKING:
    from wulong_desk.services.documents.output import ExportResult
    from wulong_desk.ui.export_dialog import ExportDialog, ExportRequest
    from wulong_desk.ui.main_window import MainWindow
    from wulong_desk.ui.pdf_preview import PdfPreview


class ExportActions:
    def __init__(self, window: MainWindow):
        self.window = window
        self.job: Job | None = None
        self.previews: list[PdfPreview] = []
        self.last_dialog: ExportDialog | None = None
        # the case list's right-click menu: documents for the selected cases in one go
        table = window.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for text, kind in (("为所选案卷出具补偿协议…", "agreement"),
                           ("为所选案卷出具预签协议…", "presign"),
                           ("为所选案卷出具结算单…", "settlement")):
            action = QAction(text, table)
            action.triggered.connect(lambda _c=False, k=kind: self.export_dialog(kind=k))
            table.addAction(action)

    def export_dialog(self, *_checked: object, kind: str | None = None) -> None:
        from wulong_desk.ui.export_dialog import ExportDialog

        window = self.window
        if window.project_id() is None:
            return
        dialog = ExportDialog(window.project_name(), window.model.total_count,
                              window.selected_case_ids(), window)
        if kind is not None:
            dialog.kind_combo.setCurrentIndex(max(0, dialog.kind_combo.findData(kind)))
        self.last_dialog = dialog
        if dialog.exec():
            self.start(dialog.request())

    def start(self, request: ExportRequest) -> Job | None:
        """Run the export; None when it could not start (the reason has been shown)."""
        from wulong_desk.services.documents.exports import export_documents, export_ledger
        from wulong_desk.services.documents.notices import export_notice
        from wulong_desk.services.documents.output import check_target
        from wulong_desk.ui.export_dialog import KINDS, notice_kind

        window = self.window
        project_id = window.project_id()
        if project_id is None:
            return None
        if self.job is not None and self.job.running:
            QMessageBox.information(window, "请稍候", "上一项导出还在进行。")
            return None
        store, operator = window.store, window.store.operator
        try:
            if request.spreadsheet:
                check_target(request.target)
        except UserError as exc:
            QMessageBox.warning(window, "不能导出", str(exc))
            return None
        label = next(text.split("（")[0] for key, text, _sheet in KINDS if key == request.kind)
        notice = notice_kind(request.kind)
        if notice is not None:
            def work(progress):
                return export_notice(store, project_id, request.target, kind=notice,
                                     period=request.notice_period,
                                     include_unsigned=request.include_unsigned,
                                     case_ids=request.case_ids, progress=progress)
        elif request.spreadsheet:
            def work(progress):
                return export_ledger(store, project_id, request.target, public=False,
                                     operator=operator, case_ids=request.case_ids,
                                     progress=progress)
        else:
            def work(progress):
                return export_documents(store, project_id, request.target, kind=request.kind,
                                        case_ids=request.case_ids, progress=progress)
        job = Job(window, f"导出{label}", f"正在导出{label}…", work)
        job.succeeded.connect(lambda result: self._done(label, result))
        job.failed.connect(lambda message: QMessageBox.warning(window, "导出失败", message))
        job.cancelled.connect(lambda: window.statusBar().showMessage(
            f"已取消导出{label}，没有留下任何文件", 8000))
        self.job = job
        job.start()
        return job

    def _done(self, label: str, result: ExportResult) -> None:
        text = f"已导出{label}：{result.count} {result.unit}。\n{result.path}"
        if result.notice:  # how the 公示期 was set: for the clerk, never on the notice
            text += f"\n公示期：{result.notice}"
        if result.incomplete:
            text += (f"\n\n以下 {len(result.incomplete)} 户计算数据不完整，未列入："
                     f"{'、'.join(result.incomplete[:20])}"
                     + ("…" if len(result.incomplete) > 20 else ""))
        self.window.statusBar().showMessage(f"已导出{label}到 {result.path}", 8000)
        self.done_box = offer_open(self.window, "导出完成", text, result.path)

    def preview_selected(self) -> PdfPreview | None:
        case_id = self.window.current_case_id()
        if case_id is None:
            QMessageBox.information(self.window, "预览", "请先在案卷表中选中一户。")
            return None
        return self.preview(case_id)

    def preview(self, case_id: int, kind: str = "agreement") -> PdfPreview:
        from wulong_desk.ui.pdf_preview import PdfPreview  # QtPdf loads on first use

        preview = PdfPreview(self.window.store, case_id, kind, self.window)
        self.previews.append(preview)
        preview.finished.connect(lambda _r: self.previews.remove(preview))
        preview.show()
        return preview

    def can_close(self) -> bool:
        """An export still running is cancelled (it leaves nothing behind) before closing."""
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.job.wait()
        return True
