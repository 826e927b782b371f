"""A case's own clocks (review of the appraisal and its correction, compensation decision,
reminder, enforcement, the 第三十七条 floor procedure), each with how its due date is counted,
and the checklist of documents received. Type dates as 2026-03-01; Ctrl+S saves."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.dates import read_date
from wulong_desk.errors import UserError
from wulong_desk.services.procedure.catalogue import (
    CASE_CLOCKS,
    CLOCK_BY_CODE,
    DOCUMENTS,
    case_clock_dates,
)
from wulong_desk.services.procedure.dated import set_case_date
from wulong_desk.services.procedure.workdays import WorkCalendar
from wulong_desk.store import Store
from wulong_desk.ui.buttons import save_close
from wulong_desk.ui.date_field import DateDelegate
from wulong_desk.ui.tables import cell, date_table, wrapped_rows


class CaseClocksDialog(QDialog):
    def __init__(self, store: Store, case_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.case_id = store, case_id
        self.setWindowTitle("案卷时限与材料")
        self.resize(820, 560)
        self.codes = [c.code for c in CASE_CLOCKS] + [
            code for code, _label, _article in DOCUMENTS]
        self.table = date_table("clocksTable", len(self.codes),
                                ["事项", "日期", "法定期限", "到期日", "计算方法"], stretch=4)
        wrapped_rows(self.table)  # the counting rule wraps, read in full
        self.table.setItemDelegateForColumn(1, DateDelegate(self.table))
        buttons = save_close(self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("填写已发生事项的日期（如 2026-03-01 或 20260301），"
                                "材料一栏填收到的日期；清空日期（Delete）即删除。"
                                "到期日按工作日计算。"))
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.load()

    def load(self) -> None:
        calendar = WorkCalendar.for_user()
        found = case_clock_dates(self.store, self.case_id)
        self.setWindowTitle(f"案卷时限与材料 — {found.case_no}")
        dates = found.dates
        documents = {code: (label, article) for code, label, article in DOCUMENTS}
        for row, code in enumerate(self.codes):
            on = dates.get(code)
            clock = CLOCK_BY_CODE.get(code)
            if clock is not None:
                label = clock.label
                period = (f"{clock.period.meaning}（{clock.period.words()}）"
                          if clock.period else "—")
                due = clock.period.due(calendar, on).text() if clock.period and on else ""
                if due and clock.closed(dates):
                    due += "（已完成）"
                rule = clock.period.counting() if clock.period else ""
            else:
                name, article = documents[code]
                label, period, due, rule = f"材料：{name}", f"办法{article}", "", ""
            for column, text in ((0, label), (2, period)):  # long words whole in the tooltip
                item = cell(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
            self.table.setItem(row, 1, cell(on.isoformat() if on else "", True))
            self.table.setItem(row, 3, cell(due))
            counted = cell(rule)
            counted.setToolTip(rule)
            self.table.setItem(row, 4, counted)

    def save(self) -> None:
        try:
            values = []
            for row, code in enumerate(self.codes):
                item = self.table.item(row, 1)
                label = self.table.item(row, 0).text()
                values.append((code, read_date(item.text() if item else "", label)))
            for code, on in values:
                set_case_date(self.store, self.case_id, code, on)
        except UserError as exc:
            QMessageBox.warning(self, "案卷时限与材料", str(exc))
            return
        self.load()
