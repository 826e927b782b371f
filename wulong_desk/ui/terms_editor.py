"""The payment terms as data (services/money/terms.py), one row per part of the schedule: what the
period counts from (签约, 协议生效, 搬迁交房, 接房), how many days and whether working days, or a
fixed date, or monthly (过渡期间应付); and when the exchange houses' price is set off. Used by the
case window (each row may follow the project's default) and the project dialog (the defaults)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from wulong_desk.services.money.terms import BASIS_LABELS, HOUSE_PRICE, TERM_KEYS, TERM_LABELS
from wulong_desk.services.procedure.workdays import MAX_PERIOD
from wulong_desk.ui.date_field import DateField

ON, MONTHLY = "on", "monthly"


class TermsEditor(QWidget):
    """`terms()` / `set_terms()` as the form carries them ({key: term}); an empty first choice
    says what a row without a term means (`empty`: 按项目默认 in a case, 未约定 in a project)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, empty: str = "未约定"):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, title in enumerate(("款项", "起算", "天数", "", "固定日期")):
            grid.addWidget(QLabel(title), 0, column)
        self.rows: dict[str, tuple[QComboBox, QSpinBox, QCheckBox, DateField]] = {}
        self.labels: dict[str, QLabel] = {}
        for number, key in enumerate(TERM_KEYS, start=1):
            label = QLabel(TERM_LABELS[key])
            combo = QComboBox(self)
            combo.setObjectName(f"term_{key}")
            combo.addItem(empty, "")
            for basis, words in BASIS_LABELS.items():
                combo.addItem(f"{words}之日起", basis)
            if key != HOUSE_PRICE:
                combo.addItem("固定日期", ON)
            if key == "transition":
                combo.addItem("按月（自搬迁交房起）", MONTHLY)
            days = QSpinBox(self)
            days.setObjectName(f"days_{key}")
            days.setRange(0, MAX_PERIOD)
            days.setSuffix(" 日内")
            workdays = QCheckBox("工作日", self)
            workdays.setObjectName(f"workdays_{key}")
            fixed = DateField(self, f"{TERM_LABELS[key]}的付款日期")
            fixed.setObjectName(f"fixed_{key}")
            for column, widget in enumerate((label, combo, days, workdays, fixed)):
                grid.addWidget(widget, number, column)
            combo.currentIndexChanged.connect(lambda _i, k=key: self._shown(k))
            combo.currentIndexChanged.connect(self.changed)
            days.valueChanged.connect(self.changed)
            workdays.toggled.connect(self.changed)
            fixed.changed.connect(self.changed)
            self.rows[key] = (combo, days, workdays, fixed)
            self.labels[key] = label
            self._shown(key)

    def _shown(self, key: str) -> None:
        combo, days, workdays, fixed = self.rows[key]
        choice = combo.currentData()
        counted = choice not in ("", ON)
        days.setVisible(counted)
        workdays.setVisible(counted)
        fixed.setVisible(choice == ON)

    def show_exchange(self, exchange: bool) -> None:
        """The houses' price is an exchange case's only."""
        combo, days, workdays, fixed = self.rows[HOUSE_PRICE]
        for widget in (self.labels[HOUSE_PRICE], combo, days, workdays, fixed):
            widget.setVisible(exchange)
        if exchange:
            self._shown(HOUSE_PRICE)

    def set_terms(self, terms: dict[str, Any] | None) -> None:
        for key, (combo, days, workdays, fixed) in self.rows.items():
            for widget in (combo, days, workdays, fixed):
                widget.blockSignals(True)
            term = (terms or {}).get(key) or {}
            if "on" in term:
                choice = ON
            elif term.get("monthly"):
                choice = MONTHLY
            else:
                choice = term.get("from", "")
            combo.setCurrentIndex(max(0, combo.findData(choice)))
            days.setValue(int(term.get("days") or 0))
            workdays.setChecked(bool(term.get("workdays")))
            fixed.set_date(term.get("on"))
            for widget in (combo, days, workdays, fixed):
                widget.blockSignals(False)
            self._shown(key)

    def terms(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, (combo, days, workdays, fixed) in self.rows.items():
            choice = combo.currentData()
            if not choice:
                continue
            if choice == ON:
                out[key] = {"on": fixed.iso()}
            elif choice == MONTHLY:
                out[key] = {"monthly": True, "days": days.value(),
                            "workdays": workdays.isChecked()}
            else:
                out[key] = {"from": choice, "days": days.value(),
                            "workdays": workdays.isChecked()}
        return out

    def set_editable(self, enabled: bool) -> None:
        for combo, days, workdays, fixed in self.rows.values():
            for widget in (combo, days, workdays, fixed):
                widget.setEnabled(enabled)
