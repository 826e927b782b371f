"""Choose what to export (the ledger, the public notices, agreements, settlement sheets), for
which cases (the selected ones or the whole project), and where to; for a notice, its 公示期 as
the office set it (or the 公告日期 of the 补偿决定公告)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
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
from wulong_desk.exports.notice_kinds import COMPENSATION, DECISION
from wulong_desk.exports.notice_kinds import KINDS as NOTICE_KINDS
from wulong_desk.services.documents.exports import BY_METHOD
from wulong_desk.ui.buttons import ok_cancel
from wulong_desk.ui.date_field import DateField
from wulong_desk.ui.settings import last_folder, remember_folder

LEDGER, PUBLIC = "ledger", "public"
# the public notices besides the 分户补偿情况公示 (PUBLIC), by code (exports/notice_kinds.py)
NOTICES = tuple(code for code in NOTICE_KINDS if code != COMPENSATION)
_PUBLIC = NOTICE_KINDS[COMPENSATION]
# (key, label, is a spreadsheet)
KINDS = ((LEDGER, "分户补偿台账（供签字，含身份证号）", True),
         (PUBLIC, f"{_PUBLIC.title}（{_PUBLIC.article}，只列公布事项，姓名遮盖）", True),
         *((code, f"{NOTICE_KINDS[code].title}（{NOTICE_KINDS[code].article}，姓名遮盖）", True)
           for code in NOTICES),
         (BY_METHOD, "补偿协议草稿（按各户补偿方式，每户一份 PDF）", False),
         ("presign", "预签协议草稿（每户一份 PDF）", False),
         ("settlement", "结算单（每户一份 PDF）", False))
FILE_STEMS = {LEDGER: "分户补偿台账", PUBLIC: _PUBLIC.file_stem,
              **{code: NOTICE_KINDS[code].file_stem for code in NOTICES},
              BY_METHOD: "补偿协议", "presign": "预签协议", "settlement": "结算单"}


def notice_kind(kind: str) -> str | None:
    """The public notice a dialog choice is (exports/notice_kinds.py's code), or None."""
    if kind == PUBLIC:
        return COMPENSATION
    return kind if kind in NOTICES else None


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    case_ids: list[int] | None   # None: the whole project
    target: Path
    # a notice's 公示期 as entered (from, to or None); None: the project's timeline, else blank
    notice_period: tuple[date, date | None] | None = None
    include_unsigned: bool = False   # 分户补偿情况公示: the unsigned households too, marked 拟

    @property
    def spreadsheet(self) -> bool:
        return self.kind == LEDGER or notice_kind(self.kind) is not None


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
        # both blank: the project's timeline (or blank on paper, filled in by hand); the start
        # alone: 第十八、五十二条's least (7 working days) counted, the others' end left blank
        # (the 办法 sets no length for 第十七、二十九、三十七条)
        self.period_from = DateField(None, "公示期开始日")
        self.period_to = DateField(None, "公示期结束日")
        self.period_from.setObjectName("noticeFrom")
        self.period_to.setObjectName("noticeTo")
        self.period_to_label = QLabel("至")
        period = QHBoxLayout()
        period.addWidget(self.period_from)
        period.addWidget(self.period_to_label)
        period.addWidget(self.period_to)
        self.period_hint = QLabel()
        self.period_hint.setWordWrap(True)
        rows = QVBoxLayout()
        rows.setContentsMargins(0, 0, 0, 0)
        rows.addLayout(period)
        rows.addWidget(self.period_hint)
        self.period_row = QWidget()
        self.period_row.setLayout(rows)
        form.addRow("公示期：", self.period_row)
        self.period_label = form.labelForField(self.period_row)
        self.unsigned_check = QCheckBox("含未签约的户（标为「拟」）")
        self.unsigned_check.setObjectName("includeUnsignedCheck")
        self.unsigned_check.setToolTip("默认只列已签约、已搬迁的户")
        form.addRow("", self.unsigned_check)
        buttons = ok_cancel(self, "导出")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.kind_combo.currentIndexChanged.connect(self._suggest)
        self._suggest()

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def is_spreadsheet(self) -> bool:
        return self.kind() == LEDGER or notice_kind(self.kind()) is not None

    def folder(self) -> Path:
        return last_folder()

    def _suggest(self, *args: object) -> None:
        """A sensible name in the last folder used: project, what, date; the 公示期 row for a
        notice (the 公告日期 alone for the 补偿决定公告)."""
        notice = notice_kind(self.kind()) is not None
        decision = self.kind() == DECISION
        self.period_row.setVisible(notice)
        if self.period_label is not None:
            self.period_label.setVisible(notice)
            self.period_label.setText("公告日期：" if decision else "公示期：")
        self.period_to.setVisible(not decision)
        self.period_to_label.setVisible(not decision)
        self.period_hint.setText(
            "不填：按程序时限中的公告日期（未登记则留空，打印后手填）" if decision else
            "都不填：按程序时限中该项公示的日期（未登记则留空，打印后手填）；只填开始日：第十八、"
            "五十二条的公示按7个工作日计算结束日，其余的结束日留空待填")
        self.unsigned_check.setVisible(self.kind() == PUBLIC)
        stem = f"{_safe(self.project_name)}-{FILE_STEMS[self.kind()]}-{date.today():%Y%m%d}"
        current = self.target_edit.text().strip()
        folder = Path(current).parent if current else self.folder()
        self.target_edit.setText(str(folder / (stem + (".xlsx" if self.is_spreadsheet() else ""))))

    def browse(self) -> None:
        current = self.target_edit.text()
        if self.is_spreadsheet():
            chosen, _ = QFileDialog.getSaveFileName(self, "保存表格", current,
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
        if notice_kind(self.kind()) is not None:
            start = self.period_from.day()   # (UserError, the field named)
            end = None if self.kind() == DECISION else self.period_to.day()
            if end is not None and start is None:
                raise UserError("「公示期开始日」：只填了结束日，还需要开始日")
            period = (start, end) if start is not None else None
        unsigned = self.kind() == PUBLIC and self.unsigned_check.isChecked()
        return ExportRequest(self.kind(), case_ids, target, period, unsigned)

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
            remember_folder(self.request().target)
            super().accept()
