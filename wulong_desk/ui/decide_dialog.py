"""程序 → 作出征收决定…: record the district's expropriation decision (作出日, 公告日, 文号) after
the presign share is checked (办法第二十三、二十五条); an administrator's act."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from wulong_desk.services.procedure.project_decision import (
    DecisionDone,
    decide_project,
    project_path_of,
)
from wulong_desk.store import Store
from wulong_desk.ui.path_dialog import PathDialog


class DecideDialog(PathDialog):
    def __init__(self, store: Store, project_id: int, parent: QWidget | None = None):
        self.store, self.project_id = store, project_id
        path = project_path_of(store, project_id)
        planned, announced = path.state == "planned", path.announced_on
        super().__init__("作出征收决定", path.said + "。记录作出日、公告日和文号后，计划的公告日由"
                         "记录的公告日代替；旧城区改建项目须预签比例达到规定（办法第二十三条），公告须在"
                         "作出后7日内（第二十五条）。", parent)
        self.made_on = self.date_row("决定作出日(&M)：", "决定作出日")
        self.announced_on = self.date_row("公告日(&A)：", "公告日")
        self.announced_on.set_date(announced)
        self.number = QLineEdit()
        self.number.setObjectName("decisionNumber")
        self.number.setPlaceholderText("如：武隆府征〔2026〕1号")
        self.form.addRow("征收决定文号(&N)：", self.number)
        self.record_button = self.action("记录征收决定", self.record)
        why = store.may("作出征收决定", admin=True)
        self.record_button.setEnabled(planned and why is None)
        self.record_button.setToolTip(why or ("" if planned else "项目已作出征收决定或已终止"))

    def record(self) -> None:
        if not self.dates_readable(self.made_on, self.announced_on):
            return
        made, announced = self.made_on.day(), self.announced_on.day()
        if made is None or announced is None:
            self.output.setPlainText("未办理：请填写「决定作出日」和「公告日」")
            return
        store, project_id, number = self.store, self.project_id, self.number.text()

        def done(result: DecisionDone) -> str:
            self.record_button.setEnabled(False)
            recorded = f"已记录作出征收决定（{number.strip()}，作出日 {made}，公告日 {announced}）"
            self.intro.setText(recorded + "。")   # (the plan it said before is past)
            lines = [recorded]
            if result.share is not None:
                lines.append(result.share.words())
            if result.recomputed:
                lines.append(f"未签约的 {result.recomputed} 户已按公告日重新计算")
            lines += [f"注意：{warning}" for warning in result.warnings]
            return "\n".join(lines)

        self.run("作出征收决定", "正在记录征收决定…",
                 lambda progress: decide_project(store, project_id, made, announced, number,
                                                 progress=progress), done)
