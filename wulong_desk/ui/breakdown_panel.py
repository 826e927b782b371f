"""The explained breakdown beside the case editor: fourteen lines with formula and citation,
the totals, the exchange settlement, warnings and what is still missing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.exports.records import standard_name
from wulong_desk.rules.breakdown import SETTLEMENT_KEYS, SETTLEMENT_LABELS, TOTAL_KEYS, TOTAL_LABELS
from wulong_desk.services.cases.field_names import describe_stored
from wulong_desk.ui.labels import money_text

LINE_HEADERS = ("项目", "金额（元）", "计算式", "依据")
FORMULA_MIN_WIDTH = 240  # pixels: a formula wraps by words, a few words a line
# 依据 is never narrower than this citation (a shorter one takes its own width); a longer one
# wraps onto more lines, never cut
CITATION_LEAST = "办法第三十六条"
ROWS_IN_VIEW = 8  # the table never shrinks below this many of its lines (a 768-pixel screen)
TABLE_MOST_MIN_HEIGHT = 360  # pixels: (lines wrapped in a narrow pane must still fit the screen)


class BreakdownPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        self.status = QLabel()
        self.status.setObjectName("breakdownStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.table = QTableWidget(14, len(LINE_HEADERS))
        self.table.setObjectName("linesTable")
        self.table.setHorizontalHeaderLabels(LINE_HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # 依据: as wide as its longest citation while the 计算式 keeps FORMULA_MIN_WIDTH; in a
        # narrower pane it gives way and wraps (fit_citations), never cut at the pane's edge
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        # every row as tall as its wrapped cells at the columns' current widths
        self.table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.viewport().installEventFilter(self)
        # the 计算式 column takes what is left but never less than a readable width: below
        # that the table scrolls sideways instead of wrapping one character a line
        self.table.setMinimumWidth(FORMULA_MIN_WIDTH + 360)
        # the lines above, the figures below in a pane of their own that scrolls: an exchange
        # case's settlement squeezed the fourteen lines to two on a 768-pixel screen; the
        # clerk may drag the line between them
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("breakdownSplit")
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.table)
        layout.addWidget(self.split, 1)
        below = QWidget()
        layout = QVBoxLayout(below)   # (from here on: the figures' pane)
        layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName("figuresScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(below)
        self.split.addWidget(scroll)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.early_note = QLabel()
        self.early_note.setObjectName("earlyNote")
        self.early_note.setWordWrap(True)
        self.early_note.setStyleSheet("color: #1a5276;")
        layout.addWidget(self.early_note)

        totals_box, self.totals = self._figures("合计", "total", TOTAL_KEYS, TOTAL_LABELS)
        layout.addWidget(totals_box)
        self.settlement_box, self.settlement = self._figures(
            "产权调换结算", "settlement", SETTLEMENT_KEYS, SETTLEMENT_LABELS)
        layout.addWidget(self.settlement_box)
        self.settlement_note = QLabel()
        self.settlement_note.setObjectName("settlementNote")
        self.settlement_note.setWordWrap(True)
        self.settlement_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.settlement_box.layout().addRow(self.settlement_note)

        self.messages = QListWidget()
        self.messages.setObjectName("messagesList")
        self.messages.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.messages.setMaximumHeight(110)
        layout.addWidget(self.messages, 1)
        scroll.setMinimumHeight(totals_box.sizeHint().height())   # 补偿合计 always in view
        self.show_result(None, [])

    @staticmethod
    def _figures(title: str, prefix: str, keys: tuple[str, ...], labels: dict[str, str]
                 ) -> tuple[QGroupBox, dict[str, QLabel]]:
        """A box of right-aligned, selectable figures, one row per key."""
        box = QGroupBox(title)
        form = QFormLayout(box)
        figures: dict[str, QLabel] = {}
        for key in keys:
            label = QLabel()
            label.setObjectName(f"{prefix}_{key}")
            label.setAlignment(Qt.AlignmentFlag.AlignRight)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            figures[key] = label
            form.addRow(labels[key], label)
        return box, figures

    def show_result(self, result: dict[str, Any] | None, problems: list[str],
                    exchange: bool = False) -> None:
        self.messages.clear()
        for text in problems:
            self.messages.addItem(f"⚠ {text}")
        if result is None:
            self.status.setText("计算所需数据还不完整，下面列出缺少或有误的字段。"
                                if problems else "")
            for row in range(self.table.rowCount()):
                for column in range(self.table.columnCount()):
                    self.table.setItem(row, column, QTableWidgetItem(""))
            for label in [*self.totals.values(), *self.settlement.values()]:
                label.setText("—")
            return
        self.status.setText(f"按{standard_name(result['standard'])}计算（保存后记入案卷）")
        # a stored revision-1 record has thirteen lines (no V_UNREG)
        self.table.setRowCount(len(result["lines"]))
        for row, line in enumerate(result["lines"]):
            label = QTableWidgetItem(line["label"])
            label.setData(Qt.ItemDataRole.UserRole, line["code"])
            amount = QTableWidgetItem(money_text(line["amount"]))
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            # a zero line shows why; a paid line its formula (V_UNREG with the unpaid
            # unlawful areas after it)
            shown = (line["formula"] + f"；{line['note']}" if Decimal(line["amount"])
                     and line["note"] else line["note"] or line["formula"])
            formula = QTableWidgetItem(shown)
            formula.setToolTip(line["formula"] + (f"\n{line['note']}" if line["note"] else ""))
            if line["note"] and not Decimal(line["amount"]):
                formula.setForeground(Qt.GlobalColor.gray)
            cite = QTableWidgetItem(line["citation"])
            cite.setToolTip(line["citation"])
            for column, item in enumerate((label, amount, formula, cite)):
                self.table.setItem(row, column, item)
        self.fit_citations()
        self.table.resizeRowsToContents()
        self._keep_rows_in_view()
        for key, label in self.totals.items():
            label.setText(money_text(result["totals"][key]))
        for key, label in self.settlement.items():
            label.setText(money_text(result["settlement"][key]))
        self.settlement_box.setVisible(exchange)
        for text in result["warnings"]:
            self.messages.addItem(f"提示：{describe_stored(text)}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize \
                and event.size().width() != event.oldSize().width():
            self.fit_citations()
            # the rows wrap anew at the new widths (once laid out): their heights then
            QTimer.singleShot(0, self._rows_rewrapped)
        return False

    def fit_citations(self) -> None:
        """依据's width: its longest citation's if the 计算式 keeps FORMULA_MIN_WIDTH beside
        it, else what is left (at least CITATION_LEAST's width), its citations wrapped."""
        table = self.table
        header = table.horizontalHeader()
        padding = 2 * table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin,
                                                None, table) + 8
        wanted = max(table.sizeHintForColumn(3), header.sectionSizeHint(3))
        least = table.fontMetrics().horizontalAdvance(CITATION_LEAST) + padding
        room = (table.viewport().width() - table.columnWidth(0) - table.columnWidth(1)
                - FORMULA_MIN_WIDTH)
        width = max(min(wanted, least), min(wanted, room))
        if width != table.columnWidth(3):
            header.resizeSection(3, width)

    def _rows_rewrapped(self) -> None:
        self._keep_rows_in_view()
        self.split.refresh()   # the figures below take what the lines no longer need

    def _keep_rows_in_view(self) -> None:
        """The table's least height: its header and its first ROWS_IN_VIEW lines as they are
        now wrapped; and its greatest: all its lines (a tall window gives the rest to the
        figures below)."""
        table = self.table
        heights = [table.rowHeight(row) for row in range(table.rowCount())]
        chrome = table.horizontalHeader().height() + 2 * table.frameWidth()
        least = min(TABLE_MOST_MIN_HEIGHT, chrome + sum(heights[:ROWS_IN_VIEW]))
        table.setMinimumHeight(least)
        # (a horizontal scroll bar's height spared: the table may scroll sideways)
        table.setMaximumHeight(max(least, chrome + sum(heights)
                                   + table.horizontalScrollBar().sizeHint().height()))

    def show_notes(self, early: str, settlement: str) -> None:
        """What signing today would pay, and how the exchange figures come about."""
        self.early_note.setText(early)
        self.early_note.setVisible(bool(early))
        self.settlement_note.setText(settlement)
