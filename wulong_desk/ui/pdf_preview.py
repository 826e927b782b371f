"""Preview a case's agreement or settlement sheet before saving it, and print it through the
system's print dialog. The PDF is built on a worker thread from the stored record (the same
bytes the export writes), then shown with QtPdf."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.errors import UserError
from wulong_desk.fileio import write_atomically
from wulong_desk.services.documents.exports import BY_METHOD, build_document
from wulong_desk.store import Store
from wulong_desk.ui.jobs import Job
from wulong_desk.ui.screen_fit import fit_to_screen
from wulong_desk.ui.settings import last_folder, remember_folder

RENDER_DPI = 300
PREVIEW_KINDS = ((BY_METHOD, "补偿协议草稿"), ("presign", "预签协议草稿"), ("settlement", "结算单"))


class PdfPreview(QDialog):
    def __init__(self, store: Store, case_id: int, kind: str = BY_METHOD,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.case_id = store, case_id
        self.setWindowTitle("预览")
        fit_to_screen(self, 860, 1000)   # (a page's height where the screen has it)
        self.name = ""
        self.data = b""
        self.job: Job | None = None
        self.document = QPdfDocument(self)
        self._bytes = QByteArray()
        self._buffer = QBuffer(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("previewKind")
        for key, label in PREVIEW_KINDS:
            self.kind_combo.addItem(label, key)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self.kind_combo.currentIndexChanged.connect(self.reload)
        self.pages_label = QLabel()
        self.save_button = QPushButton("另存为…")
        self.save_button.clicked.connect(self.save_as)
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.print_dialog)
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("文书："))
        bar.addWidget(self.kind_combo)
        bar.addWidget(self.pages_label, 1)
        bar.addWidget(self.save_button)
        bar.addWidget(self.print_button)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.reload()

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def reload(self, *args: object) -> None:
        """Build the chosen document on a worker thread; show it when it arrives."""
        self._set_ready(False)
        self.pages_label.setText("正在生成…")
        store, case_id, kind = self.store, self.case_id, self.kind()
        job = Job(self, "生成预览", "正在生成 PDF…",
                  lambda progress: build_document(store, case_id, kind))
        # only the newest request is shown (the user may switch documents quickly)
        job.succeeded.connect(lambda built: self._show(built) if job is self.job else None)
        job.failed.connect(lambda message: self._failed(message) if job is self.job else None)
        self.job = job
        job.start()

    def _set_ready(self, ready: bool) -> None:
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)

    def _failed(self, message: str) -> None:
        self.pages_label.setText(message)
        QMessageBox.warning(self, "不能预览", message)

    def _show(self, built: object) -> None:
        self.name, self.data = built  # type: ignore[misc]
        self.document.close()
        self._buffer.close()
        self._bytes = QByteArray(self.data)
        self._buffer.setData(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.setWindowTitle(f"预览 — {self.name}")
        self.pages_label.setText(f"共 {self.document.pageCount()} 页")
        self._set_ready(self.document.status() == QPdfDocument.Status.Ready)

    def save_as(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "保存 PDF", str(last_folder() / self.name),
                                                "PDF 文件 (*.pdf)")
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, path: Path) -> bool:
        try:
            write_atomically(path, self.data, private=True)
        except UserError as exc:
            QMessageBox.warning(self, "不能保存", str(exc))
            return False
        remember_folder(path)
        return True

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.name)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Render each page at the printer's resolution; returns the pages sent."""
        printer.setFullPage(True)
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, "不能打印", "打印机无法开始打印，请检查打印机设置")
            return 0
        count = self.document.pageCount()
        try:
            for page in range(count):
                if page:
                    printer.newPage()
                target: QRect = printer.pageLayout().fullRectPixels(printer.resolution())
                points = self.document.pagePointSize(page)
                scaled = points.toSize().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                # rendered at no more than 300 dpi (a 1200-dpi A4 page would need 500 MB)
                dpi = min(printer.resolution(), RENDER_DPI)
                pixels = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                image = self.document.render(page, pixels)
                painter.drawImage(QRect(target.topLeft(), scaled), image)
        finally:
            painter.end()
        return count
