"""逾期交房加付 (办法第四十二条 「自逾期之日起每月…加付」; 标准第9项): a reviewer adds the months
the department delivered the exchange house late, with a reason, as one audited event
(services/money/moves.py) — the months may not run past those elapsed since the agreed delivery."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.services.cases.field_names import describe_message
from wulong_desk.services.money.moves import MAX_DELAY, Delayed, add_delay, delay_facts
from wulong_desk.store import Store
from wulong_desk.ui.jobs import Job
from wulong_desk.ui.labels import money_text


class DelayDialog(QDialog):
    def __init__(self, store: Store, case_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.case_id = store, case_id
        self.job: Job | None = None
        self.setWindowTitle("逾期交房加付")
        case = delay_facts(store, case_id, date.today())
        self.case_no = case.case_no
        facts = [f"案卷 {case.case_no}，已登记逾期 {case.overdue_months} 个月。"]
        if case.agreed is not None and case.moved_on is not None:
            facts.append(f"约定交房日 {case.agreed.isoformat()}（搬迁 {case.moved_on.isoformat()}"
                         f" 加过渡期限 {case.transition_months} 个月），至今已满 "
                         f"{case.elapsed} 个月。")
        else:
            facts.append("尚未登记搬迁（或没有过渡期限），约定交房日还无从计算。")
        self.facts = QLabel("\n".join(facts))
        self.facts.setWordWrap(True)
        self.months = QSpinBox()
        self.months.setObjectName("delayMonths")
        self.months.setRange(1, MAX_DELAY)
        self.months.setSuffix(" 个月")
        self.reason = QLineEdit()
        self.reason.setObjectName("delayReason")
        self.reason.setPlaceholderText("如：安置房 3 栋未按期竣工交付（将记入修改记录）")
        form = QFormLayout()
        form.addRow("增加逾期(&M)：", self.months)
        form.addRow("理由(&R)：", self.reason)
        self.buttons = buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                                  | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登记加付")
        buttons.accepted.connect(self.record)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.facts)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def record(self) -> None:
        """The event is written on a worker thread (ui/jobs.py): the dialog's buttons are greyed
        and it stays open until the store has answered."""
        store, case_id = self.store, self.case_id
        months, reason = self.months.value(), self.reason.text()
        self.buttons.setEnabled(False)
        self.job = job = Job(self, "逾期交房加付", "正在登记逾期交房加付…",
                             lambda _progress: add_delay(store, case_id, months, reason),
                             cancellable=False)
        job.succeeded.connect(self._recorded)
        job.failed.connect(self._refused)
        job.start()

    def _recorded(self, done: Delayed) -> None:
        self.buttons.setEnabled(True)
        QMessageBox.information(self, "已登记", f"案卷 {done.case_no} 逾期交房加付 {done.months} "
                                f"个月（累计 {done.overdue_months} 个月），增加 "
                                f"{money_text(Decimal(done.added_cents).scaleb(-2))} 元。")
        self.accept()

    def _refused(self, message: str) -> None:
        self.buttons.setEnabled(True)
        QMessageBox.warning(self, "不能登记", describe_message(message))

    def reject(self) -> None:
        """Not closed (Esc, the window's ×) while the event is being written."""
        if self.job is None or not self.job.running:
            super().reject()
