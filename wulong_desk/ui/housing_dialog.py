"""The project's exchange housing stock: import from the office's Excel list, see each house
as available / reserved / handed over, assign a free house to the case at hand, take one back,
record the hand-over notice and hand-over dates (办法第四十四条). Keyboard: arrows choose a
house, Alt+letter the buttons, F2 edits a date. The list is imported on a worker thread (all rows
or none), the table and buttons locked meanwhile."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.dates import read_date
from wulong_desk.errors import UserError
from wulong_desk.services.cases.lookup import case_heading
from wulong_desk.services.money import housing
from wulong_desk.statuses import USE_LABELS
from wulong_desk.store import Store
from wulong_desk.ui.date_field import DateDelegate
from wulong_desk.ui.jobs import Job
from wulong_desk.ui.labels import money_text
from wulong_desk.ui.settings import last_folder, remember_folder
from wulong_desk.ui.tables import ClearKeys, cell

HEADERS = ["房源", "用途", "建筑面积", "套内面积", "单价", "状态", "案卷", "接房通知日", "交房日"]
NOTICE, HANDED = 7, 8


class HousingDialog(QDialog):
    def __init__(self, store: Store, project_id: int, case_id: int | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.project_id, self.case_id = store, project_id, case_id
        self.houses: list[housing.HouseView] = []
        self.setWindowTitle("安置房源")
        self.resize(980, 600)
        self.counts = QLabel()
        self.counts.setObjectName("stockCounts")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("stockTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        dates = DateDelegate(self.table)
        for column in (NOTICE, HANDED):
            self.table.setItemDelegateForColumn(column, dates)
        ClearKeys(self.table)   # Delete clears a date
        case_no = ""
        if case_id is not None:
            case_no = case_heading(store, case_id).case_no
        self.assign_button = QPushButton(f"分配给案卷 {case_no}(&A)" if case_no else "分配(&A)")
        self.assign_button.setObjectName("assignHouse")
        self.assign_button.setEnabled(case_id is not None)
        self.assign_button.setToolTip("从案卷打开本窗口（先在案卷表中选中该案卷）才能分配")
        self.assign_button.clicked.connect(self.assign)
        release = QPushButton("收回(&B)")
        release.clicked.connect(self.release)
        dates = QPushButton("保存交房日期(&S)")
        dates.clicked.connect(self.save_dates)
        import_button = QPushButton("导入房源表…(&I)")
        # (never the slot itself: clicked(bool) would arrive as the file to import)
        import_button.clicked.connect(lambda _checked=False: self.import_file())
        template = QPushButton("房源表模板…(&T)")
        template.clicked.connect(self.save_template)
        self.actions = QWidget()
        row = QHBoxLayout(self.actions)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.assign_button, release, dates, import_button, template):
            row.addWidget(button)
        row.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.actions)
        layout.addWidget(self.buttons)
        self.job: Job | None = None
        self.load()

    def load(self) -> None:
        self.houses = housing.stock(self.store, self.project_id)
        counts = dict.fromkeys(housing.STATE_LABELS, 0)
        self.table.setRowCount(len(self.houses))
        for r, h in enumerate(self.houses):
            counts[h.state] += 1
            values = [h.label, USE_LABELS.get(h.use, h.use), money_text(h.area),
                      money_text(h.inner_area) if h.inner_area is not None else "",
                      money_text(h.unit_price), housing.STATE_LABELS[h.state], h.case_no or ""]
            for c, text in enumerate(values):
                self.table.setItem(r, c, cell(text))
            self.table.setItem(r, NOTICE, cell(h.notice_on.isoformat() if h.notice_on else "",
                                                h.case_id is not None))
            self.table.setItem(r, HANDED, cell(
                h.handed_over_on.isoformat() if h.handed_over_on else "", h.case_id is not None))
        self.counts.setText("房源 {} 套：可选 {}，已分配 {}，已交房 {}".format(
            len(self.houses), counts["available"], counts["reserved"], counts["handed_over"]))

    def _current(self) -> housing.HouseView | None:
        row = self.table.currentRow()
        return self.houses[row] if 0 <= row < len(self.houses) else None

    def _run(self, title: str, action) -> None:
        try:
            action()
        except UserError as exc:
            QMessageBox.warning(self, title, str(exc))
        self.load()

    def assign(self) -> None:
        house = self._current()
        if house is None or self.case_id is None:
            QMessageBox.information(self, "分配房源", "请先选中一套房源")
            return
        case_id = self.case_id
        self._run("分配房源", lambda: housing.assign(self.store, case_id, house.id))

    def release(self) -> None:
        house = self._current()
        if house is None:
            return
        self._run("收回房源", lambda: housing.release(self.store, house.id))

    def save_dates(self) -> None:
        def save() -> None:
            for r, house in enumerate(self.houses):
                if house.case_id is None:
                    continue
                notice = read_date(self.table.item(r, NOTICE).text(),
                                   f"{house.label}的接房通知日")
                handed = read_date(self.table.item(r, HANDED).text(), f"{house.label}的交房日")
                if (notice, handed) != (house.notice_on, house.handed_over_on):
                    housing.set_handover(self.store, house.id, notice, handed)
        self._run("交房日期", save)

    def import_file(self, path: Path | None = None) -> Job | None:
        """Read, check and write the chosen list on a worker thread (all rows or none)."""
        if self.importing():
            return self.job
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "导入房源表", str(last_folder()),
                                                    "Excel 工作簿 (*.xlsx)")
            if not chosen:
                return None
            remember_folder(chosen)
            path = Path(chosen)
        store, project_id, sheet = self.store, self.project_id, path
        job = Job(self, "导入房源表", "正在检查并导入房源表…",
                  lambda _progress: housing.import_stock(store, project_id, sheet),
                  cancellable=False)
        job.succeeded.connect(self._imported)
        job.failed.connect(self._not_imported)
        self.job = job
        self._set_busy(True)
        job.start()
        return job

    def importing(self) -> bool:
        return self.job is not None and self.job.running

    def _set_busy(self, busy: bool) -> None:
        # (the table too: the reload after the import would drop dates typed meanwhile)
        for widget in (self.table, self.actions, self.buttons):
            widget.setEnabled(not busy)
        if busy:
            self.counts.setText("正在导入房源表，请稍候…")

    def _imported(self, count: int) -> None:
        self._set_busy(False)
        self.load()
        QMessageBox.information(self, "导入房源表", f"已导入 {count} 套房源。")

    def _not_imported(self, message: str) -> None:
        self._set_busy(False)
        self.load()
        QMessageBox.warning(self, "导入房源表", message)

    def reject(self) -> None:
        """Closing waits for an import still running (it cannot stop half-way)."""
        if not self.importing():
            super().reject()

    def save_template(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "保存房源表模板",
                                              str(last_folder() / "安置房源表.xlsx"),
                                              "Excel 工作簿 (*.xlsx)")
        if path:
            remember_folder(path)
            self._run("房源表模板", lambda: housing.write_template(Path(path)))
