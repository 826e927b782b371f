"""Choose what to export (ledger, public notice, agreements, settlement sheets), for which cases
(the selected ones or the whole project), and where to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.errors import UserError
from wulong_desk.services.exports import BY_METHOD
from wulong_desk.ui.buttons import ok_cancel
from wulong_desk.ui.date_field import DateField
from wulong_desk.ui.settings import settings

LEDGER, PUBLIC = "ledger", "public"
# (key, label, is a spreadsheet)
KINDS = ((LEDGER, "分户补偿台账（供签字，含身份证号）", True),
         (PUBLIC, "分户补偿情况公示（只列公布事项，姓名遮盖）", True),
         (BY_METHOD, "补偿协议草稿（按各户补偿方式，每户一份 PDF）", False),
         ("presign", "预签协议草稿（每户一份 PDF）", False),
         ("settlement", "结算单（每户一份 PDF）", False))
FILE_STEMS = {LEDGER: "分户补偿台账", PUBLIC: "分户补偿情况公示", BY_METHOD: "补偿协议",
              "presign": "预签协议", "settlement": "结算单"}


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    case_ids: list[int] | None   # None: the whole project
    target: Path
    # the public notice's 公示期: (start, end), or (start, None) for 7 working days from the
    # start; None: the timeline's step, or blank
    notice_period: tuple[date, date | None] | None = None

    @property
    def spreadsheet(self) -> bool:
        return self.kind in (LEDGER, PUBLIC)


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "项目"


class ExportDialog(QDialog):
    def __init__(self, project_name: str, households: int, selected: list[int],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("导出")
        self.project_name = project_name
        self.selected = selected
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("exportKind")
        for key, label, _sheet in KINDS:
            self.kind_combo.addItem(label, key)
        self.selected_radio = QRadioButton(f"所选案卷（{len(selected)} 户）")
        self.all_radio = QRadioButton(f"整个项目（{households} 户）")
        self.selected_radio.setEnabled(bool(selected))
        (self.selected_radio if selected else self.all_radio).setChecked(True)
        self.target_edit = QLineEdit()
        self.target_edit.setObjectName("exportTarget")
        self.target_edit.setMinimumWidth(420)
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.browse)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target_edit)
        target_row.addWidget(browse)
        scope = QHBoxLayout()
        scope.addWidget(self.selected_radio)
        scope.addWidget(self.all_radio)
        form = QFormLayout()
        form.addRow("导出内容：", self.kind_combo)
        form.addRow("范围：", scope)
        form.addRow("保存到：", target_row)
        # both blank: the timeline's 分户补偿情况公示 (or blank on paper, filled in by hand);
        # the start alone: 7 working days from it (services.procedure.notice_period)
        self.period_from = DateField(None, "公示期开始日")
        self.period_to = DateField(None, "公示期结束日")
        self.period_from.setObjectName("noticeFrom")
        self.period_to.setObjectName("noticeTo")
        period = QHBoxLayout()
        period.addWidget(self.period_from)
        period.addWidget(QLabel("至"))
        period.addWidget(self.period_to)
        hint = QLabel("都不填：按程序时限中的“分户补偿情况公示”（未登记则留空，打印后手填）；"
                      "只填开始日：公示7个工作日")
        hint.setWordWrap(True)
        rows = QVBoxLayout()
        rows.setContentsMargins(0, 0, 0, 0)
        rows.addLayout(period)
        rows.addWidget(hint)
        self.period_row = QWidget()
        self.period_row.setLayout(rows)
        form.addRow("公示期：", self.period_row)
        self.period_label = form.labelForField(self.period_row)
        buttons = ok_cancel(self, "导出")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.kind_combo.currentIndexChanged.connect(self._suggest)
        self._suggest()

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def is_spreadsheet(self) -> bool:
        return self.kind() in (LEDGER, PUBLIC)

    def folder(self) -> Path:
        remembered = settings().value("export_folder", "", str)
        if remembered and Path(remembered).is_dir():
            return Path(remembered)
        documents = Path.home() / "Documents"
        return documents if documents.is_dir() else Path.home()

    def _suggest(self, *args: object) -> None:
        """A sensible name in the last folder used: project, what, date."""
        public = self.kind() == PUBLIC
        self.period_row.setVisible(public)
        if self.period_label is not None:
            self.period_label.setVisible(public)
        stem = f"{_safe(self.project_name)}-{FILE_STEMS[self.kind()]}-{date.today():%Y%m%d}"
        current = self.target_edit.text().strip()
        folder = Path(current).parent if current else self.folder()
        self.target_edit.setText(str(folder / (stem + (".xlsx" if self.is_spreadsheet() else ""))))

    def browse(self) -> None:
        current = self.target_edit.text()
        if self.is_spreadsheet():
            chosen, _ = QFileDialog.getSaveFileName(self, "保存台账", current,
                                                    "Excel 工作簿 (*.xlsx)")
        else:
            chosen = QFileDialog.getExistingDirectory(self, "选择保存 PDF 的文件夹",
                                                      str(Path(current).parent))
            if chosen:
                chosen = str(Path(chosen) / Path(current).name)
        if chosen:
            self.target_edit.setText(chosen)

    def request(self) -> ExportRequest:
        target = Path(self.target_edit.text().strip())
        if self.is_spreadsheet() and target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        case_ids = list(self.selected) if self.selected_radio.isChecked() else None
        period = None
        if self.kind() == PUBLIC:
            start, end = self.period_from.day(), self.period_to.day()   # (UserError, named)
            if end is not None and start is None:
                raise UserError("「公示期开始日」：只填了结束日，还需要开始日")
            period = (start, end) if start is not None else None
        return ExportRequest(self.kind(), case_ids, target, period)

    def accept(self) -> None:
        try:
            period = self.request().notice_period
        except UserError as exc:
            QMessageBox.warning(self, "公示期", str(exc))
            return
        if period is not None and period[1] is not None and period[1] < period[0]:
            QMessageBox.warning(self, "公示期", "「公示期结束日」：早于「公示期开始日」")
            return
        self._accept()

    def _accept(self) -> None:
        if self.target_edit.text().strip():
            settings().setValue("export_folder", str(self.request().target.parent))
            super().accept()
