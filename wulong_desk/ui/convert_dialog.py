"""程序 → 转为补偿协议…: after the decision, each presign recomputed with its formal values and
moved to 已签约 in one audited event (办法第二十九条); all or nothing, the presigns that cannot
yet be converted named (a reviewer's)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QWidget
from sqlalchemy import select

from wulong_desk.services.cases.lookup import get_case, get_project
from wulong_desk.services.procedure.appraisal import formal_values
from wulong_desk.services.procedure.conversion import Converted, convert_presigns, served_on
from wulong_desk.store import Store
from wulong_desk.store.models import Case
from wulong_desk.ui.path_dialog import PathDialog


class ConvertDialog(PathDialog):
    def __init__(self, store: Store, project_id: int, case_id: int | None = None,
                 parent: QWidget | None = None):
        self.store, self.project_id = store, project_id
        with store.read() as session:
            project = get_project(session, project_id)
            presigns = list(session.execute(select(Case).where(
                Case.project_id == project_id, Case.status == "presigned")
                .order_by(Case.case_no)).scalars())
            ready = sum(1 for case in presigns
                        if formal_values(case) is not None and served_on(session, case))
            decided = project.decision_state == "decided"
            chosen = get_case(session, case_id) if case_id is not None else None
            self.case_id = chosen.id if chosen is not None and chosen.status == "presigned" \
                else None
            chosen_no = chosen.case_no if self.case_id is not None else ""
        said = (f"本项目有预签 {len(presigns)} 户，其中 {ready} 户已有正式评估结果和报告送达日。"
                if decided else "征收决定尚未作出：预签协议在征收决定作出后才转为补偿协议。")
        super().__init__("转为补偿协议", said + "转换时按正式的分户评估报告修正房屋价值，每户每一项"
                         "金额的原值和新值记入修改记录；补偿协议自征收决定作出日和分户评估报告送达日"
                         "中较晚的一天起生效，付款期限由此起算（办法第二十九、五十三条）。", parent)
        self.only = QCheckBox(f"只转所选案卷 {chosen_no}" if chosen_no else "只转所选案卷")
        self.only.setObjectName("convertOnlyChosen")
        self.only.setEnabled(self.case_id is not None)
        self.form.addRow("", self.only)
        self.convert_button = self.action("转为补偿协议", self.convert)
        why = store.may("转为补偿协议")
        self.convert_button.setEnabled(decided and bool(presigns) and why is None)
        self.convert_button.setToolTip(why or "")

    def convert(self) -> None:
        store, project_id = self.store, self.project_id
        case_id = self.case_id if self.only.isChecked() else None

        def done(result: list[Converted]) -> str:
            lines = [f"{c.case_no}：自 {c.effective_on} 生效，补偿合计 {c.total()[0]} → "
                     f"{c.total()[1]}" for c in result]
            return "\n".join([f"已转为补偿协议 {len(result)} 户：", *lines])

        self.run("转为补偿协议", "正在转为补偿协议…",
                 lambda progress: convert_presigns(store, project_id, case_id,
                                                   progress=progress), done)
