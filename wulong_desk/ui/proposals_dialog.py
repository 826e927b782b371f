"""数据 → 待确认的更正…: the corrections and signings that came from outside (a case package, a
sync) and wait for a reviewer: each with the sender, the sender's reason and the figures that
would move. 采纳 applies one (as this login's change, naming the sender); 拒绝 refuses it with
a reason. The work runs on a worker thread (services/exchange/proposals.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.ui.jobs import Job

if TYPE_CHECKING:
    from wulong_desk.services.exchange.proposals import ProposalView
    from wulong_desk.store import Store

HEADERS = ("编号", "案卷编号", "类别", "内容", "提出方", "理由", "将变动的金额")


def figures_text(view: ProposalView) -> str:
    return "；".join(f"{name} {old or '（无）'} → {new or '（无）'}"
                    for name, old, new in view.figures) or "—"


class ProposalsDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None, on_changed: Any = None):
        super().__init__(parent)
        self.store = store
        self.on_changed = on_changed
        self.job: Job | None = None
        self.views: list[ProposalView] = []
        self.setWindowTitle("待确认的更正")
        self.resize(960, 420)
        note = QLabel("以下修改来自案卷包或同步，本机没有自动采用。采纳后记为当前登录的修改"
                      "（修改记录中写明提出方和理由）；拒绝须写明理由。")
        note.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("proposalTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.reason = QLineEdit()
        self.reason.setObjectName("rejectReason")
        self.reason.setPlaceholderText("拒绝的理由（至少4个字）")
        self.accept_button = QPushButton("采纳")
        self.accept_button.setObjectName("acceptProposal")
        self.reject_button = QPushButton("拒绝")
        self.reject_button.setObjectName("rejectProposal")
        close = QPushButton("关闭")
        self.accept_button.clicked.connect(self.accept_selected)
        self.reject_button.clicked.connect(self.reject_selected)
        close.clicked.connect(self.close)
        why = store.may("确认更正")
        for button in (self.accept_button, self.reject_button):
            button.setEnabled(why is None)
            if why:
                button.setToolTip(why)
        row = QHBoxLayout()
        row.addWidget(QLabel("拒绝理由："))
        row.addWidget(self.reason, 1)
        row.addWidget(self.accept_button)
        row.addWidget(self.reject_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        from wulong_desk.services.exchange.proposals import list_proposals

        self.views = list_proposals(self.store)
        self.table.setRowCount(len(self.views))
        for index, view in enumerate(self.views):
            kind = "更正" if view.kind == "correction" else "阶段"
            values = (str(view.id), view.case_no, kind, view.what, view.sender,
                      view.reason or "—", figures_text(view))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()
        if self.views:
            self.table.selectRow(0)
        else:
            self.table.setRowCount(0)

    def selected(self) -> ProposalView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.views[rows[0].row()]

    def _run(self, title: str, work: Any) -> Job | None:
        job = Job(self, title, f"正在{title}…", lambda _progress: work(), cancellable=False)
        job.succeeded.connect(lambda _result: self._done())
        job.failed.connect(lambda message: QMessageBox.warning(self, f"未能{title}", message))
        self.job = job
        job.start()
        return job

    def _done(self) -> None:
        self.reason.clear()
        self.refresh()
        if self.on_changed is not None:
            self.on_changed()

    def accept_selected(self) -> Job | None:
        from wulong_desk.services.exchange.proposals import accept

        view = self.selected()
        if view is None:
            return None
        return self._run("采纳", lambda: accept(self.store, view.id))

    def reject_selected(self) -> Job | None:
        from wulong_desk.services.exchange.proposals import reject

        view = self.selected()
        if view is None:
            return None
        reason = self.reason.text()
        if not reason.strip():
            QMessageBox.information(self, "拒绝", "请先在“拒绝理由”中写明理由（至少4个字）")
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        return self._run("拒绝", lambda: reject(self.store, view.id, reason))
