"""案卷 → 重新估价…: the corrected 分户评估报告 after 复核 or 鉴定 (办法第五十四至五十六条) for a
converted, signed, moved or decided case — its own audited event, the record recomputed (a
reviewer's)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QTableWidget, QTableWidgetItem, QWidget

from wulong_desk.rules.decimals import NumberError, read_number
from wulong_desk.rules.model import USE_LABELS
from wulong_desk.services.cases.history import label
from wulong_desk.services.procedure.conversion import (
    REVALUE_KINDS,
    REVALUE_STAGES,
    Revalued,
    revalue_case,
    revalue_view,
)
from wulong_desk.statuses import STATUS_LABELS
from wulong_desk.store import Store
from wulong_desk.ui.path_dialog import PathDialog

HEADERS = ("部位序号", "用途", "证载面积", "现评估单价", "新评估单价", "现装饰装修评估值",
           "新装饰装修评估值")
NEW_PRICE, NEW_DECORATION = 4, 6


class RevalueDialog(PathDialog):
    def __init__(self, store: Store, case_id: int, parent: QWidget | None = None):
        self.store, self.case_id = store, case_id
        view = revalue_view(store, case_id)
        case_no, status = view.case_no, view.status
        parts = [(p.number, p.use, p.area, p.unit_price, p.decoration_value)
                 for p in view.parts]
        super().__init__(f"复核、鉴定后重新估价 — 案卷 {case_no}",
                         f"案卷 {case_no} 现为{STATUS_LABELS.get(status, status)}。被征收人或征收"
                         "部门申请复核评估、专家鉴定后，评估机构重新出具（或按鉴定意见修改）的评估"
                         "报告送达时，在此填写新的评估值：案卷按新值重新计算，每项金额的原值和新值"
                         "记入修改记录（办法第五十四至五十六条）。", parent)
        self.kind = QComboBox()
        self.kind.setObjectName("revalueKind")
        for code, words in REVALUE_KINDS.items():
            self.kind.addItem(words, code)
        self.form.addRow("依据(&K)：", self.kind)
        self.served_on = self.date_row("修改后的报告送达日(&S)：", "修改后的评估报告送达日")
        self.reference = QLineEdit()
        self.reference.setObjectName("revalueReference")
        self.form.addRow("报告编号(&R)：", self.reference)
        self.table = QTableWidget(len(parts), len(HEADERS))
        self.table.setObjectName("revalueParts")
        self.table.setHorizontalHeaderLabels(HEADERS)
        for row, (number, use, area, price, decoration) in enumerate(parts):
            for column, value in enumerate((str(number), USE_LABELS.get(use, use), f"{area:f}",
                                            "" if price is None else f"{price:f}", "",
                                            f"{decoration:f}", "")):
                item = QTableWidgetItem(value)
                if column not in (NEW_PRICE, NEW_DECORATION):   # only the new values are typed
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.setMaximumHeight(160)
        self.form.addRow(self.table)
        self.record_button = self.action("记录重新估价", self.record)
        why = store.may("复核或鉴定后重新估价")
        self.record_button.setEnabled(status in REVALUE_STAGES and why is None)
        self.record_button.setToolTip(why or "")

    def values(self) -> dict[int, tuple[Decimal, Decimal | None]] | str:
        found: dict[int, tuple[Decimal, Decimal | None]] = {}
        for row in range(self.table.rowCount()):
            price = (self.table.item(row, NEW_PRICE) or QTableWidgetItem("")).text().strip()
            decoration = (self.table.item(row, NEW_DECORATION)
                          or QTableWidgetItem("")).text().strip()
            if not price and not decoration:
                continue
            number = int(self.table.item(row, 0).text())
            try:
                new_price = read_number(price or self.table.item(row, 3).text(), typed=True,
                                        plain=True)
                new_decoration = read_number(decoration, typed=True, plain=True) \
                    if decoration else None
            except NumberError as exc:
                return f"第{number}处：{exc}"
            found[number] = (new_price, new_decoration)
        return found or "请在「新评估单价」或「新装饰装修评估值」中填写新的评估值"

    def record(self) -> None:
        if not self.dates_readable(self.served_on):
            return
        served = self.served_on.day()
        values = self.values()
        if isinstance(values, str) or served is None:
            self.output.setPlainText("未办理：" + (values if isinstance(values, str)
                                                 else "请填写「修改后的评估报告送达日」"))
            return
        store, case_id = self.store, self.case_id
        kind, reference = self.kind.currentData(), self.reference.text()

        def done(result: Revalued) -> str:
            self.record_button.setEnabled(False)
            moved = [f"{label('result', key)}：{old} → {new}" for key, old, new in result.moved]
            return "\n".join([f"案卷 {result.case_no} 已按修改后的评估报告重新估价：", *moved])

        self.run("重新估价", "正在重新估价…",
                 lambda _progress: revalue_case(store, case_id, kind, served, values,
                                                reference), done)
