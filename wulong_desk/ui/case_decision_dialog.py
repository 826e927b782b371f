"""程序 → 补偿决定…: the district government's decision for the selected case at 已审核 — after
the 签约期限, or at any time when its owner is unclear (办法第三十一条): number, 作出日, 公告日,
送达日 and the move-by date it sets; the case computed with it and frozen (a reviewer's)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from wulong_desk.services.procedure.case_decisions import (
    GROUNDS,
    DecisionFacts,
    decide_case,
    decision_view,
)
from wulong_desk.statuses import STATUS_LABELS
from wulong_desk.store import Store
from wulong_desk.ui.path_dialog import PathDialog


class CaseDecisionDialog(PathDialog):
    def __init__(self, store: Store, case_id: int, parent: QWidget | None = None):
        self.store, self.case_id = store, case_id
        view = decision_view(store, case_id)
        case_no, status = view.case_no, view.status
        deadline, move_deadline = view.signing_deadline, view.move_deadline
        super().__init__(f"补偿决定 — 案卷 {case_no}",
                         f"案卷 {case_no} 现为{STATUS_LABELS.get(status, status)}。签约期限（至 "
                         f"{deadline}）内未达成补偿协议、或者被征收房屋所有权人不明确的，经征收部门"
                         "申请，区人民政府依照征收补偿方案作出补偿决定（办法第三十一条）：载明补偿"
                         "协议的各项事项和搬迁期限，告知复议、诉讼的权利。补偿决定不计提前签约奖励。",
                         parent)
        self.number = QLineEdit()
        self.number.setObjectName("caseDecisionNumber")
        self.form.addRow("补偿决定文号(&N)：", self.number)
        self.ground = QComboBox()
        self.ground.setObjectName("caseDecisionGround")
        for code, words in GROUNDS.items():
            self.ground.addItem(words, code)
        self.form.addRow("事由(&G)：", self.ground)
        self.made_on = self.date_row("作出日(&M)：", "补偿决定作出日")
        self.announced_on = self.date_row("公告日：", "补偿决定公告日")
        self.served_on = self.date_row("送达日(&S)：", "补偿决定送达日")
        self.move_by = self.date_row("搬迁期限(&B)：", "搬迁期限")
        if move_deadline is not None:
            self.move_by.set_date(move_deadline)
        self.rights = QCheckBox("决定书已告知申请行政复议和提起行政诉讼的权利")
        self.rights.setObjectName("caseDecisionRights")
        self.rights.setChecked(True)
        self.form.addRow("", self.rights)
        self.decide_button = self.action("作出补偿决定", self.decide)
        why = store.may("作出补偿决定")
        self.decide_button.setEnabled(status == "reviewed" and why is None)
        self.decide_button.setToolTip(why or ("" if status == "reviewed"
                                              else "补偿决定只对已审核的案卷作出"))

    def decide(self) -> None:
        fields = (self.made_on, self.announced_on, self.served_on, self.move_by)
        if not self.dates_readable(*fields):
            return
        if self.made_on.day() is None or self.move_by.day() is None:
            self.output.setPlainText("未办理：请填写「补偿决定作出日」和「搬迁期限」")
            return
        facts = DecisionFacts(self.number.text(), self.made_on.day(), self.move_by.day(),
                              self.announced_on.day(), self.served_on.day(),
                              self.ground.currentData(), self.rights.isChecked())
        store, case_id = self.store, self.case_id

        def done(_decision: object) -> str:
            self.decide_button.setEnabled(False)
            return (f"已作出补偿决定 {facts.number.strip()}（作出日 {facts.made_on}，搬迁期限 "
                    f"{facts.move_by}）；案卷已按补偿决定计算并锁定，复议、诉讼和催告的期限列入"
                    "到期事项")

        self.run("作出补偿决定", "正在记录补偿决定…",
                 lambda _progress: decide_case(store, case_id, facts), done)
