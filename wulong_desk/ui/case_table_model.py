"""The main case table: a QAbstractTableModel over the store, loaded a page at a time.

Filtering and sorting happen in SQL (services.cases.search); the model only keeps the rows loaded so
far, so 50,000 cases cost what one screenful costs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from wulong_desk.rules.decimals import money
from wulong_desk.services.cases.rows import PAGE, CaseRow
from wulong_desk.statuses import is_out, is_void
from wulong_desk.ui.labels import METHOD_LABELS, STATUS_LABELS, USE_LABELS, money_text

if TYPE_CHECKING:
    from wulong_desk.store import Store

COLUMNS = ("案卷编号", "被征收人", "坐落", "用途", "证载面积", "补偿方式", "合计", "状态")
SORT_KEYS = {0: "case_no", 2: "address", 5: "method", 6: "total", 7: "status"}
AnyIndex = QModelIndex | QPersistentModelIndex


class CaseTableModel(QAbstractTableModel):
    def __init__(self, store: Store | None, parent: Any = None):
        super().__init__(parent)
        self.store = store
        self.project_id: int | None = None
        self.text = ""
        self.status: str | None = None
        self.sort_key = "case_no"
        self.descending = False
        self.rows: list[CaseRow] = []
        self.total_count = 0

    # ---- what is shown
    def set_query(self, project_id: int | None, text: str = "", status: str | None = None
                  ) -> None:
        self.project_id, self.text, self.status = project_id, text, status
        self.reload()

    def reload(self) -> None:
        """Load the first page at once; the count and sum (a scan of every match) are made
        elsewhere, off the GUI thread, so typing in the search box never waits for them. (Read
        before the rows shown are replaced: if the read fails — the office server gone — the
        rows last read stay on screen.)"""
        rows: list[CaseRow] = []
        more = False
        if self.project_id is not None and self.store is not None:
            rows = self._page(0)
            more = len(rows) == PAGE
        self.beginResetModel()
        self.rows, self.more = rows, more
        self.total_count = len(rows)
        self.endResetModel()

    def _page(self, offset: int) -> list[CaseRow]:
        from wulong_desk.services.cases.search import find_cases  # (loads SQLAlchemy)

        assert self.project_id is not None and self.store is not None
        return find_cases(self.store, self.project_id, self.text, self.status,
                          sort=self.sort_key, descending=self.descending, limit=PAGE,
                          offset=offset)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self.project_id is None or self.store is None:
            return
        more = self._page(len(self.rows))
        self.more = len(more) == PAGE
        if not more:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_key = SORT_KEYS.get(column, "case_no")
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # ---- the model interface
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.case_no
            if column == 1:
                return row.owner
            if column == 2:
                return row.address
            if column == 3:
                return "、".join(USE_LABELS.get(u, u) for u in row.uses.split("/") if u)
            if column == 4:
                return money(row.area)
            if column == 5:
                return METHOD_LABELS.get(row.method, row.method)
            if column == 6:
                return "待补全" if row.total is None else money_text(row.total)
            if column == 7:
                return STATUS_LABELS.get(row.status, row.status)
        if role == Qt.ItemDataRole.ForegroundRole and is_out(row.status):
            return QColor("#9a9a9a")   # 作废, 不生效: kept on record, shown greyed
        if role == Qt.ItemDataRole.ToolTipRole and is_out(row.status):
            return ("已作废" if is_void(row.status) else "预签协议不生效（项目已终止）") + \
                "：保留备查，不计入合计"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (4, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 6 and row.total is None:
            return "计算所需数据还不完整，打开案卷查看缺什么"
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def case_id(self, row: int) -> int:
        return self.rows[row].id
