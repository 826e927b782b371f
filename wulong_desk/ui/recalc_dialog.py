"""数据 → 按新规则重算…: the dry run first (on a worker thread), shown case by case; then, when
the clerk confirms, the recalculation itself (again on a worker thread), each changed case
audited as 重算. Signed and moved cases are listed as kept: they are never touched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.statuses import STATUS_LABELS
from wulong_desk.ui.jobs import Job

if TYPE_CHECKING:
    from wulong_desk.services.cases.recalc import RecalcRow
    from wulong_desk.store import Store

HEADERS = ("案卷编号", "阶段", "原合计", "按新规则合计", "结果", "原因")


def outcome(row: RecalcRow) -> str:
    if row.kept:
        return "已签约或已搬迁：保持原计算记录"
    if row.new_total is None:
        return "无法计算"
    return "金额变化" if row.changed else "金额不变"


class RecalcDialog(QDialog):
    """The dry run's rows; 重算 writes them (the caller starts that job)."""

    def __init__(self, rows: list[RecalcRow], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("按新规则重算（试算结果）")
        layout = QVBoxLayout(self)
        kept = sum(1 for row in rows if row.kept)
        changed = sum(1 for row in rows if row.changed)
        self.summary = QLabel(
            f"共 {len(rows)} 户：未签约 {len(rows) - kept} 户将按现行规则重算，其中金额变化 "
            f"{changed} 户；已签约或已搬迁 {kept} 户保持原计算记录（如需更正请“解锁更正”）。"
            "以下为试算，尚未写入。")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(rows), len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        for index, row in enumerate(rows):
            values = (row.case_no, STATUS_LABELS.get(row.status, row.status),
                      row.old_total or "（无）", row.new_total or "—", outcome(row),
                      "；".join(row.reasons))
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table)
        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton("重算并写入",
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setEnabled(len(rows) > kept)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 480)


def start_recalc(parent: QWidget, store: Store, project_id: int, on_written=None) -> Job:
    """Run the dry run on a worker thread; on success show it, and on 重算并写入 run the
    recalculation on a worker thread."""
    from wulong_desk.services.cases.recalc import recalc_project

    job = Job(parent, "按新规则重算", "正在试算…",
              lambda progress: recalc_project(store, project_id, dry_run=True,
                                              progress=progress))

    def show(rows: list[RecalcRow]) -> None:
        dialog = RecalcDialog(rows, parent)
        parent.recalc_dialog = dialog  # (kept for tests and to stay alive)
        dialog.accepted.connect(lambda: write())
        dialog.open()

    def write() -> None:
        writing = Job(parent, "按新规则重算", "正在重算并写入…",
                      lambda progress: recalc_project(store, project_id, dry_run=False,
                                                      progress=progress))
        parent.recalc_job = writing

        def written(rows: list[RecalcRow]) -> None:
            changed = sum(1 for row in rows if row.changed)
            QMessageBox.information(parent, "重算完成",
                                    f"已按新规则重算 {sum(1 for r in rows if not r.kept)} 户，"
                                    f"其中金额变化 {changed} 户；每户的变化已记入修改记录。")
            if on_written is not None:
                on_written()

        writing.succeeded.connect(written)
        writing.failed.connect(lambda message: QMessageBox.warning(parent, "重算失败", message))
        writing.start()

    job.succeeded.connect(show)
    job.failed.connect(lambda message: QMessageBox.warning(parent, "试算失败", message))
    job.start()
    return job
