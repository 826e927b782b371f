"""程序 → 转为补偿协议…: after the decision, each presign recomputed with its formal values and
moved to 已签约 in one audited event (办法第二十九条); all or nothing, the presigns that cannot
yet be converted named (a reviewer's)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QWidget

from wulong_desk.services.procedure.conversion import (
    Converted,
    PresignReadiness,
    convert_presigns,
    presign_readiness,
)
from wulong_desk.store import Store
from wulong_desk.ui.path_dialog import PathDialog

EXPLAINED = ("转换时按正式的分户评估报告修正房屋价值，每户每一项金额的原值和新值记入修改记录；"
             "补偿协议自征收决定作出日和分户评估报告送达日中较晚的一天起生效，付款期限由此起算"
             "（办法第二十九、五十三条）。")


class ConvertDialog(PathDialog):
    def __init__(self, store: Store, project_id: int, case_id: int | None = None,
                 parent: QWidget | None = None):
        self.store, self.project_id = store, project_id
        super().__init__("转为补偿协议", "正在统计本项目的预签…" + EXPLAINED, parent)
        self.only = QCheckBox("只转所选案卷")
        self.only.setObjectName("convertOnlyChosen")
        self.only.setEnabled(False)
        self.form.addRow("", self.only)
        self.convert_button = self.action("转为补偿协议", self.convert)
        self.convert_button.setEnabled(False)
        self.case_id: int | None = None
        # the presigns counted on a worker thread (a project may hold thousands)
        self.readiness = self.run("统计预签", "正在统计本项目的预签…",
                                  lambda _progress: presign_readiness(store, project_id, case_id),
                                  self._show_readiness, writes=False)

    def _show_readiness(self, found: PresignReadiness) -> str:
        said = (f"本项目有预签 {found.presigns} 户，其中 {found.ready} 户已有正式评估结果和报告"
                "送达日。" if found.decided else
                "征收决定尚未作出：预签协议在征收决定作出后才转为补偿协议。")
        self.intro.setText(said + EXPLAINED)
        self.case_id = found.chosen_id
        self.only.setText(f"只转所选案卷 {found.chosen_no}" if found.chosen_no else "只转所选案卷")
        self.only.setEnabled(found.chosen_id is not None)
        why = self.store.may("转为补偿协议")
        self.convert_button.setEnabled(found.decided and found.presigns > 0 and why is None)
        self.convert_button.setToolTip(why or "")
        return ""

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
