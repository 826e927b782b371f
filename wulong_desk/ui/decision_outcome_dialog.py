"""案卷 → 补偿决定的结果…: what happens to a 补偿决定 after it is served (办法第三十一条): a 复议
applied for or a suit brought (and ended upholding it), or the decision revoked, changed, or
superseded by an agreement signed after it — each an audited event, the history kept, the
amounts recomputed under what replaces it (a reviewer's)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from wulong_desk.services.procedure.case_decisions import (
    APPEALS,
    OUTCOMES,
    DecisionFacts,
    OutcomeDone,
    decision_view,
    record_appeal,
    record_outcome,
)
from wulong_desk.statuses import STATUS_LABELS
from wulong_desk.store import Store
from wulong_desk.ui.path_dialog import PathDialog


class DecisionOutcomeDialog(PathDialog):
    def __init__(self, store: Store, case_id: int, parent: QWidget | None = None):
        self.store, self.case_id = store, case_id
        view = decision_view(store, case_id)
        case_no, said = view.case_no, view.said
        super().__init__(f"补偿决定的结果 — 案卷 {case_no}",
                         (said or f"案卷 {case_no} 没有生效的补偿决定") + "。复议、诉讼期间补偿决定"
                         "不停止执行，也不因此丧失按期搬迁奖励；补偿决定被撤销、变更，或其后签订了"
                         "补偿协议的，在此登记，金额按取代它的决定或协议重新计算（修改记录保留）。",
                         parent)
        self.what = QComboBox()
        self.what.setObjectName("outcomeWhat")
        for code, words in {**APPEALS, **OUTCOMES}.items():
            self.what.addItem(words, code)
        self.form.addRow("事项(&W)：", self.what)
        self.on = self.date_row("日期(&D)：", "日期")
        self.reference = QLineEdit()
        self.reference.setObjectName("outcomeReference")
        self.reference.setPlaceholderText("复议决定书、判决书等的文号")
        self.form.addRow("文书文号(&R)：", self.reference)
        self.signed_on = self.date_row("补偿协议签约日期：", "签约日期")
        self.number = QLineEdit()
        self.number.setObjectName("outcomeNewNumber")
        self.form.addRow("变更后的决定文号：", self.number)
        self.made_on = self.date_row("变更后的作出日：", "变更后的补偿决定作出日")
        self.served_on = self.date_row("变更后的送达日：", "变更后的补偿决定送达日")
        self.move_by = self.date_row("变更后的搬迁期限：", "变更后的搬迁期限")
        self.rights = QCheckBox("变更后的决定书已告知复议、诉讼权利")
        self.rights.setChecked(True)
        self.form.addRow("", self.rights)
        self.what.currentIndexChanged.connect(lambda _i: self._fields())
        self._fields()
        self.record_button = self.action("登记", self.record)
        why = store.may("登记补偿决定的结果")
        self.record_button.setEnabled(bool(said) and why is None)
        self.record_button.setToolTip(why or "")

    def _fields(self) -> None:
        what = self.what.currentData()
        self.reference.setEnabled(what in ("revoked", "changed", "superseded"))
        self.signed_on.setEnabled(what == "superseded")
        for widget in (self.number, self.made_on, self.served_on, self.move_by, self.rights):
            widget.setEnabled(what == "changed")

    def record(self) -> None:
        fields = (self.on, self.signed_on, self.made_on, self.served_on, self.move_by)
        if not self.dates_readable(*fields):
            return
        on = self.on.day()
        if on is None:
            self.output.setPlainText("未办理：请填写「日期」")
            return
        what = self.what.currentData()
        store, case_id = self.store, self.case_id
        if what in APPEALS:
            self.run("登记复议或诉讼", "正在登记…",
                     lambda _progress: record_appeal(store, case_id, what, on),
                     lambda _result: f"已登记{APPEALS[what]}（{on}）")
            return
        replacement = None
        if what == "changed":
            if self.made_on.day() is None or self.move_by.day() is None:
                self.output.setPlainText("未办理：请填写变更后的作出日和搬迁期限")
                return
            replacement = DecisionFacts(self.number.text(), self.made_on.day(),
                                        self.move_by.day(), None, self.served_on.day(),
                                        rights_stated=self.rights.isChecked())
        reference, signed = self.reference.text(), self.signed_on.day()

        def done(result: OutcomeDone) -> str:
            self.record_button.setEnabled(False)
            return (f"已登记：{OUTCOMES[what]}（{on}），案卷 {result.case_no} 现为"
                    f"{STATUS_LABELS.get(result.status, result.status)}，金额已重新计算")

        self.run("登记补偿决定的结果", "正在登记…",
                 lambda _progress: record_outcome(store, case_id, what, on, reference,
                                                  signed_on=signed, replacement=replacement),
                 done)
