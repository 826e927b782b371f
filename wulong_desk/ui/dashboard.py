"""A project's progress at a glance: households and area signed against the totals and the
presign threshold (办法第二十三条, old-town projects), money by line code, counts by status, and
the cases that need attention. Every figure comes from the store's project summary, read on a
worker thread."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QObject, QPointF, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.rules.standard import LINE_CODES
from wulong_desk.services.cases.problems import MISSING, ProblemCase
from wulong_desk.services.procedure.catalogue import STATE_LABELS as DUE_STATE_LABELS
from wulong_desk.services.procedure.consent import PresignRatio
from wulong_desk.services.procedure.due_list import DueItem
from wulong_desk.services.projects.dashboard import dashboard_data
from wulong_desk.services.projects.standard_info import StandardInfo
from wulong_desk.services.projects.summary import ProjectSummary
from wulong_desk.store import Store
from wulong_desk.ui.labels import STATUS_LABELS, STATUSES, money_text
from wulong_desk.ui.tables import STATE_COLOURS

MAX_DUE_ROWS = 500
OPEN_HINT = "双击一行（或按回车）打开案卷"


def percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).quantize(Decimal('0.01'))}%"


class _Bridge(QObject):
    ready = Signal(int, object, object, object, object, object)


class _Load(QRunnable):
    def __init__(self, store: Store, project_id: int, generation: int, bridge: _Bridge):
        super().__init__()
        self.store, self.project_id, self.generation, self.bridge = (
            store, project_id, generation, bridge)

    def run(self) -> None:
        data = dashboard_data(self.store, self.project_id, date.today())
        self.bridge.ready.emit(self.generation, data.summary, data.problems, data.standard,
                               data.due, data.presign)


class Dashboard(QWidget):
    open_case = Signal(int)

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.project_id: int | None = None
        self.summary: ProjectSummary | None = None
        self.problems: list[ProblemCase] = []
        self._generation = 0
        self._bridge = _Bridge(self)
        self._bridge.ready.connect(self._ready)

        self.labels: dict[str, str] = {}
        self.standard_label = QLabel()
        self.standard_label.setObjectName("standardLabel")
        self.standard_label.setWordWrap(True)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.progress_label.setWordWrap(True)
        self.progress_chart = QChartView()
        self.progress_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.progress_chart.setMinimumHeight(140)
        self.status_labels: dict[str, QLabel] = {}
        status_box = QGroupBox("各状态户数")
        grid = QGridLayout(status_box)
        for i, status in enumerate(STATUSES):
            label = QLabel("0")
            label.setObjectName(f"status_{status}")
            self.status_labels[status] = label
            grid.addWidget(QLabel(STATUS_LABELS[status] + "："), i // 3, (i % 3) * 2)
            grid.addWidget(label, i // 3, (i % 3) * 2 + 1)
        # the fourteen lines, each with its name, amount and a bar of its share of the total
        # on its own row: every bar is labelled, however small the window (a chart's axis
        # dropped every second name on a laptop screen)
        self.lines_table = QTableWidget(len(LINE_CODES) + 1, 3)
        self.lines_table.setObjectName("linesTable")
        self.lines_table.setHorizontalHeaderLabels(["补偿项目", "金额（元）", "占合计"])
        self.lines_table.verticalHeader().setVisible(False)
        self.lines_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines_table.setItemDelegateForColumn(2, ShareBar(self.lines_table))
        header = self.lines_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problems_table = QTableWidget(0, 3)
        self.problems_table.setObjectName("problemsTable")
        self.problems_table.setHorizontalHeaderLabels(["案卷编号", "状态", "需要处理的问题"])
        self.problems_table.verticalHeader().setVisible(False)
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        # as in the case table: a double click or Enter opens (activation is both, and a
        # single click where the desktop is set to open on one); a click only selects
        self.problems_table.cellActivated.connect(self._activated)
        self.problems_table.setToolTip(OPEN_HINT)
        self.due_table = QTableWidget(0, 4)
        self.due_table.setObjectName("dueTable")
        self.due_table.setHorizontalHeaderLabels(["状态", "到期日", "案卷编号", "事项"])
        self.due_table.verticalHeader().setVisible(False)
        self.due_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.due_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.due_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch)
        self.due_table.cellActivated.connect(self._due_activated)
        self.due_table.setToolTip(f"{OPEN_HINT}；日期按工作日计算")
        self.due: list[DueItem] = []
        self.presign: PresignRatio | None = None
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)

        top = QHBoxLayout()
        top.addWidget(self.progress_label, 1)
        top.addWidget(refresh)
        left = QVBoxLayout()
        left.addWidget(status_box)
        left.addWidget(QLabel("到期与逾期事项（逾期的在前，其次是5个工作日内到期的）："))
        left.addWidget(self.due_table, 1)
        left.addWidget(QLabel("需要处理的案卷（缺少数据的在前，其次是有提示的）："))
        left.addWidget(self.problems_table, 1)
        right = QVBoxLayout()
        right.addWidget(self.progress_chart)
        right.addWidget(QLabel("各项补偿合计（作废案卷不计入）："))
        right.addWidget(self.lines_table, 1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 1)
        # the tables take the height there is (a few rows at least), never more than the
        # screen has: on a 768-pixel laptop the whole page is in view, each table scrolls
        for table, rows in ((self.due_table, 3), (self.problems_table, 3),
                            (self.lines_table, 6)):
            policy = table.sizePolicy()
            policy.setVerticalPolicy(QSizePolicy.Policy.Ignored)
            table.setSizePolicy(policy)
            table.setMinimumHeight(table.horizontalHeader().sizeHint().height()
                                   + rows * table.verticalHeader().defaultSectionSize() + 4)
        layout = QVBoxLayout(self)
        layout.addWidget(self.standard_label)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    def set_project(self, project_id: int | None) -> None:
        self.project_id = project_id
        self.refresh()

    def refresh(self) -> None:
        self._generation += 1
        if self.project_id is None:
            self.progress_label.setText("还没有项目")
            return
        self.progress_label.setText("正在统计…")
        QThreadPool.globalInstance().start(
            _Load(self.store, self.project_id, self._generation, self._bridge))

    def wait(self, timeout_ms: int = 10000) -> None:
        """For tests: until the current figures are shown."""
        from PySide6.QtCore import QCoreApplication

        QThreadPool.globalInstance().waitForDone(timeout_ms)
        QCoreApplication.processEvents()

    def _ready(self, generation: int, summary: ProjectSummary,
               problems: list[ProblemCase], standard: StandardInfo,
               due: list[DueItem] | str, presign: PresignRatio) -> None:
        if generation != self._generation:
            return
        self.presign = presign
        self._show_due(due)
        self.summary, self.problems = summary, problems
        self.labels = standard.line_labels()
        self.standard_label.setText("计算标准：" + standard.describe())
        self._show_progress(summary)
        for status, label in self.status_labels.items():
            label.setText(str(summary.by_status.get(status, 0)))
        self._show_lines(summary)
        self._show_problems(problems, summary.with_problems)

    def _show_progress(self, s: ProjectSummary) -> None:
        text = (f"已签约 {s.signed_households} / {s.households} 户"
                f"（{percent(s.household_ratio)}），"
                f"签约面积 {money_text(s.signed_area)} / {money_text(s.area)} 平方米"
                f"（{percent(s.area_ratio)}）；补偿合计 {money_text(s.total)} 元；"
                f"已拨付 {money_text(s.paid)} 元，未付 {money_text(s.outstanding)} 元。")
        if s.threshold is not None:
            presign = self.presign
            if presign is not None and presign.ratio is not None:
                # counted on the whole expropriation area (项目的征收范围总户数)
                met = presign.reached
                text += (f"旧城区改建项目：预签 {presign.signed_households} / 征收范围 "
                         f"{presign.total_households} 户（{percent(presign.ratio)}），")
            else:
                met = s.household_ratio >= s.threshold
                text += "旧城区改建项目（未填征收范围总户数，按已录入案卷计）："
            text += (f"预签比例须达到 {percent(s.threshold)}（办法第二十三条），"
                     + ("已达到。" if met else "尚未达到。"))
        self.progress_label.setText(text)
        chart = QChart()
        chart.setTitle("签约进度（%）")
        chart.legend().setVisible(False)
        bars = QBarSet("已签约")
        bars.append([float(s.household_ratio * 100), float(s.area_ratio * 100)])
        series = QHorizontalBarSeries()
        series.append(bars)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append(["户数", "面积"])
        categories.setTruncateLabels(False)
        values = QValueAxis()
        values.setRange(0, 100)
        values.setLabelFormat("%d%%")
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)
        if s.threshold is not None:
            line = QLineSeries()
            line.setName("预签门槛")
            x = float(s.threshold * 100)
            line.append([QPointF(x, -0.5), QPointF(x, 1.5)])
            line.setPen(QPen(QColor("#c0392b"), 2, Qt.PenStyle.DashLine))
            chart.addSeries(line)
            line.attachAxis(values)
            hidden = QValueAxis()
            hidden.setRange(-0.5, 1.5)
            hidden.setVisible(False)
            chart.addAxis(hidden, Qt.AlignmentFlag.AlignRight)
            line.attachAxis(hidden)
        self.progress_chart.setChart(chart)

    def _show_lines(self, s: ProjectSummary) -> None:
        codes = list(LINE_CODES)
        for row, code in enumerate(codes):
            label = QTableWidgetItem(self.labels.get(code, "其他"))
            label.setData(Qt.ItemDataRole.UserRole, code)  # the code only for machines
            self.lines_table.setItem(row, 0, label)
            self.lines_table.setItem(row, 1, _right(money_text(s.lines[code])))
            self.lines_table.setItem(row, 2, _share(s.lines[code], s.total))
        self.lines_table.setItem(len(codes), 0, QTableWidgetItem("合计"))
        self.lines_table.setItem(len(codes), 1, _right(money_text(s.total)))
        self.lines_table.setItem(len(codes), 2, QTableWidgetItem(""))

    def _show_problems(self, problems: list[ProblemCase], missing: int) -> None:
        table = self.problems_table
        table.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            number = QTableWidgetItem(problem.case_no)
            number.setData(Qt.ItemDataRole.UserRole, problem.case_id)
            table.setItem(row, 0, number)
            table.setItem(row, 1, QTableWidgetItem(STATUS_LABELS.get(problem.status,
                                                                     problem.status)))
            kind = "缺少或有误：" if problem.kind == MISSING else "提示："
            detail = QTableWidgetItem(kind + "；".join(problem.messages))
            detail.setToolTip("\n".join(problem.messages))
            if problem.kind == MISSING:
                detail.setForeground(QColor("#b00020"))
            table.setItem(row, 2, detail)

    def _show_due(self, due: list[DueItem] | str) -> None:
        table = self.due_table
        if isinstance(due, str):  # the office holiday file could not be read
            self.due = []
            table.setRowCount(1)
            table.setItem(0, 3, QTableWidgetItem(due))
            return
        self.due = due
        shown = due[:MAX_DUE_ROWS]   # the GUI thread fills the table: a bounded number of rows
        table.setRowCount(len(shown) + (1 if len(due) > len(shown) else 0))
        if len(due) > len(shown):
            more = QTableWidgetItem(f"另有 {len(due) - len(shown)} 项未列出"
                                    "（完整清单：wulong-desk due --project 项目编号）")
            table.setItem(len(shown), 3, more)
        for row, item in enumerate(shown):
            state = QTableWidgetItem(DUE_STATE_LABELS[item.state])
            if item.state in STATE_COLOURS:  # red: overdue or cut short (期限不足)
                state.setForeground(QColor(STATE_COLOURS[item.state]))
            table.setItem(row, 0, state)
            when = QTableWidgetItem(item.due.iso() if item.due else "—")
            if item.due is not None and item.due.estimated:
                when.setText(item.due.iso() + "（估算）")
                when.setToolTip(item.due.text())
            table.setItem(row, 1, when)
            number = QTableWidgetItem(item.case_no or "（项目）")
            number.setData(Qt.ItemDataRole.UserRole, item.case_id)
            table.setItem(row, 2, number)
            what = QTableWidgetItem(item.what)
            what.setToolTip(item.what)
            table.setItem(row, 3, what)

    def _due_activated(self, row: int, _column: int) -> None:
        item = self.due_table.item(row, 2)
        case_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if case_id is not None:
            self.open_case.emit(int(case_id))

    def _activated(self, row: int, _column: int) -> None:
        item = self.problems_table.item(row, 0)
        if item is not None:
            self.open_case.emit(int(item.data(Qt.ItemDataRole.UserRole)))


def _right(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


SHARE_ROLE = Qt.ItemDataRole.UserRole + 1


def _share(amount: Decimal, total: Decimal) -> QTableWidgetItem:
    """A line's share of the total, as a percentage (its text) and a bar (ShareBar)."""
    share = (amount / total) if total else Decimal(0)
    item = QTableWidgetItem(percent(share))
    item.setData(SHARE_ROLE, share)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class ShareBar(QStyledItemDelegate):
    """A bar as long as the line's share of the total, its percentage beside it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        share = index.data(SHARE_ROLE)
        if not isinstance(share, Decimal):
            super().paint(painter, option, index)
            return
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        room = option.rect.adjusted(4, 5, -4, -5)
        words = option.fontMetrics.horizontalAdvance("100.00%") + 8
        width = max(0, room.width() - words)
        painter.save()
        painter.fillRect(room.x(), room.y(), round(width * float(share)), room.height(),
                         QColor("#2a7ab9"))
        painter.setPen(option.palette.text().color())
        painter.drawText(room.adjusted(width + 4, -5, 0, 5),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()
