"""The project's timeline: each step's dates, the statutory period it starts, the due date, its
state (期限不足 in red for a 公示 or notice cut short) and how the date is counted, with the
article and the 民法典 rule behind it; the totals of the whole expropriation area; for 旧城区改建
projects the 第十三条 consent tally and the presign ratio. Type dates as 2026-03-01 (F2 or typing
edits a cell; Ctrl+S saves)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.dates import read_date
from wulong_desk.errors import UserError
from wulong_desk.rules.decimals import NumberError, read_number
from wulong_desk.services.procedure.catalogue import (
    STATE_LABELS,
    STEPS,
    step_due,
    step_state,
)
from wulong_desk.services.procedure.consent import (
    ANSWERS,
    procedure_view,
    set_consents,
    set_project_totals,
)
from wulong_desk.services.procedure.dated import set_step
from wulong_desk.services.procedure.workdays import WorkCalendar
from wulong_desk.store import Store
from wulong_desk.ui.buttons import save_close
from wulong_desk.ui.date_field import DateDelegate
from wulong_desk.ui.screen_fit import fit_to_screen
from wulong_desk.ui.tables import STATE_COLOURS, ClearKeys, cell, date_table, wrapped_rows


def percent(ratio: Decimal | None) -> str:
    return "—" if ratio is None else f"{(ratio * 100).quantize(Decimal('0.01'))}%"


def typed_number(text: str, field: str) -> Decimal | None:
    """What the clerk typed in `field`, read by the one strict reader (full-width digits from a
    Chinese input method are read; 1e3, NaN, 1,000 or other scripts' digits are refused with
    the field named); None when left empty."""
    if not text.strip():
        return None
    try:
        return read_number(text, typed=True, plain=True)
    except NumberError as exc:
        raise UserError(f"{field}：{exc}") from None


class ProcedureDialog(QDialog):
    def __init__(self, store: Store, project_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.project_id = store, project_id
        self.setWindowTitle("程序时限")
        fit_to_screen(self, 1280, 700)   # (the laptop's width: the long columns wrap less)
        self.steps = date_table("stepsTable", len(STEPS),
                                ["步骤", "开始日", "完成日", "法定期限", "到期日", "状态",
                                 "计算方法"], stretch=6)
        wrapped_rows(self.steps)   # 法定期限 and 计算方法 read in full (no more 「…」)
        self.steps.setColumnWidth(0, 150)
        self.steps.setColumnWidth(3, 230)
        dates = DateDelegate(self.steps)
        for column in (1, 2):
            self.steps.setItemDelegateForColumn(column, dates)

        self.households = QLineEdit()
        self.households.setObjectName("totalHouseholds")
        self.area = QLineEdit()
        self.area.setObjectName("totalArea")
        totals = QGroupBox("征收范围内的总数（用于第十三条、第二十三条比例，不是已录入的案卷数）")
        form = QFormLayout(totals)
        form.addRow("总户数(&H)：", self.households)
        form.addRow("总面积 m²(&R)：", self.area)

        self.ratio_label = QLabel()
        self.ratio_label.setObjectName("ratioLabel")
        self.ratio_label.setWordWrap(True)
        self.consents = QTableWidget(0, 3)
        self.consents.setObjectName("consentTable")
        self.consents.setHorizontalHeaderLabels(["坐落或户号", "意见", "专有部分面积 m²"])
        self.consents.verticalHeader().setVisible(False)
        self.consents.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        ClearKeys(self.consents)   # Delete or Backspace clears a cell
        add = QPushButton("添加一户(&N)")
        add.clicked.connect(lambda: self._add_consent("", "none", ""))
        remove = QPushButton("删除所选(&X)")
        remove.clicked.connect(lambda: self.consents.removeRow(self.consents.currentRow()))
        consent_box = QGroupBox("旧城区改建：征求意见（办法第十三条，户数与面积均须超过三分之二）")
        consent_layout = QVBoxLayout(consent_box)
        consent_layout.addWidget(self.ratio_label)
        consent_layout.addWidget(self.consents, 1)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        consent_layout.addLayout(row)

        buttons = save_close(self, self.save)
        layout = QVBoxLayout(self)
        how = QLabel("日期可写作 2026-03-01、2026/3/1、20260301 或 2026年3月1日；"
                     "各项期限的计算方法见最后一栏。")
        how.setToolTip("当日不计入；第十五条的一年为最长期限，不顺延；公示或提前通知短于法定最短"
                       "期限的，状态为“期限不足”。带“估算”的年份尚无法定节假日数据。")
        layout.addWidget(how)
        layout.addWidget(self.steps, 3)
        below = QHBoxLayout()   # side by side: the window fits a laptop's 768 px
        below.addWidget(totals, 0, Qt.AlignmentFlag.AlignTop)
        below.addWidget(consent_box, 1)
        layout.addLayout(below, 1)
        layout.addWidget(buttons)
        self.load()

    def _add_consent(self, label: str, answer: str, area: str) -> None:
        row = self.consents.rowCount()
        self.consents.insertRow(row)
        self.consents.setItem(row, 0, QTableWidgetItem(label))
        combo = QComboBox()
        for code, words in ANSWERS.items():
            combo.addItem(words, code)
        combo.setCurrentIndex(max(combo.findData(answer), 0))
        self.consents.setCellWidget(row, 1, combo)
        self.consents.setItem(row, 2, QTableWidgetItem(area))

    def load(self) -> None:
        calendar = WorkCalendar.for_user()
        project = procedure_view(self.store, self.project_id)
        self.setWindowTitle(f"程序时限 — {project.name}")
        rows = project.steps
        self.households.setText(str(project.total_households or ""))
        self.area.setText(f"{project.total_area:f}" if project.total_area else "")
        old_town, tally, presign = project.old_town, project.tally, project.presign
        consents = [(c.label, c.answer, f"{c.exclusive_area:f}") for c in project.consents]
        today = date.today()
        for r, step in enumerate(STEPS):
            start, done = rows.get(step.code, (None, None))
            name = cell(step.label)
            name.setToolTip(f"开始日：{step.start_label}；完成日：{step.done_label}")
            self.steps.setItem(r, 0, name)
            self.steps.setItem(r, 1, cell(start.isoformat() if start else "", True))
            self.steps.setItem(r, 2, cell(done.isoformat() if done else "", True))
            period = cell(step.period_text())
            period.setToolTip(step.period_text())
            self.steps.setItem(r, 3, period)
            due = step_due(step, start, calendar)
            self.steps.setItem(r, 4, cell(due.text() if due else ""))
            code = (step_state(step, start, done, today, calendar)
                    if start is not None or done is not None else None)
            shown = cell(STATE_LABELS[code] if code else "")
            if code in STATE_COLOURS:  # red: overdue, or a 公示 cut short (期限不足)
                shown.setForeground(QColor(STATE_COLOURS[code]))
            self.steps.setItem(r, 5, shown)
            rule = (f"{step.period.counting()}" if step.period
                    else f"办法{step.article}未规定期限，只记日期")
            counted = cell(rule)
            counted.setToolTip(rule)
            self.steps.setItem(r, 6, counted)
        self.consents.setRowCount(0)
        for consent in consents:
            self._add_consent(*consent)
        text = (f"已表态：同意 {tally.counts['agree']} 户、不同意 {tally.counts['disagree']} 户、"
                f"未表态 {tally.counts['none']} 户；同意户数占比 {percent(tally.household_ratio)}"
                f"，同意面积占比 {percent(tally.area_ratio)}："
                + ("两项均超过三分之二。" if tally.passed else "未达到两项均超过三分之二。"))
        if old_town:
            text += (f"\n预签：{presign.signed_households} 户 / 征收范围总户数 "
                     f"{presign.total_households or '（未填）'}，占比 {percent(presign.ratio)}"
                     f"（面积占比 {percent(presign.area_ratio)}），"
                     f"须达到 {percent(presign.threshold)}（办法第二十三条）："
                     + ("已达到。" if presign.reached else "尚未达到。"))
        self.ratio_label.setText(text)

    def _text(self, row: int, column: int) -> str:
        item = self.steps.item(row, column)
        return item.text() if item is not None else ""

    def save(self) -> None:
        try:
            households = typed_number(self.households.text(), "「征收范围总户数」")
            if households is not None and households != households.to_integral_value():
                raise UserError(f"「征收范围总户数」：应为整数，收到「{self.households.text()}」")
            area = typed_number(self.area.text(), "「征收范围总面积」")
            steps = []
            for r, step in enumerate(STEPS):
                start = read_date(self._text(r, 1), f"{step.label}的{step.start_label}")
                done = read_date(self._text(r, 2), f"{step.label}的{step.done_label}")
                steps.append((step.code, start, done))
            consents = []
            for r in range(self.consents.rowCount()):
                label = self.consents.item(r, 0).text() if self.consents.item(r, 0) else ""
                combo = self.consents.cellWidget(r, 1)
                answer = combo.currentData() if isinstance(combo, QComboBox) else "none"
                area_text = self.consents.item(r, 2).text() if self.consents.item(r, 2) else ""
                where = f"征求意见第 {r + 1} 行「专有部分面积」"
                owned = typed_number(area_text, where)
                if owned is None:
                    if not label.strip() and answer == "none":
                        continue  # a row added and left empty
                    # never taken as 0: it would count the household but none of its area
                    raise UserError(f"{where}：必须填写（面积占比按它计算）")
                consents.append((label, answer, owned))
            set_project_totals(self.store, self.project_id,
                                         None if households is None else int(households), area)
            for code, start, done in steps:
                set_step(self.store, self.project_id, code, start, done)
            set_consents(self.store, self.project_id, consents)
        except UserError as exc:
            QMessageBox.warning(self, "程序时限", str(exc))
            return
        self.load()
