"""程序 → 终止项目…: a 旧城区改建 project whose presign share was not reached by the end of its
presign period is terminated (办法第二十三条): every presign 不生效, the freezes end (第十五条,
第二十二条第四款); an administrator's act, confirmed first."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QMessageBox, QWidget

from wulong_desk.services.procedure.project_decision import (
    TerminationDone,
    project_path_of,
    terminate_project,
)
from wulong_desk.store import Store
from wulong_desk.ui.path_dialog import PathDialog


class TerminateDialog(PathDialog):
    def __init__(self, store: Store, project_id: int, parent: QWidget | None = None):
        self.store, self.project_id = store, project_id
        path = project_path_of(store, project_id)
        may_end = path.old_town and path.state == "planned"
        super().__init__("终止项目", path.said + "。预签期限届满、预签比例仍未达到的，区人民政府"
                         "终止征收程序：全部预签协议不生效（保留备查，不计入合计），项目不能再签约，"
                         "暂停办理相关手续随之结束（办法第十五、二十二、二十三条）。", parent)
        self.on = self.date_row("终止日(&D)：", "终止日")
        self.number = QLineEdit()
        self.number.setObjectName("terminationNumber")
        self.form.addRow("终止的文号(&N)：", self.number)
        self.reason = QLineEdit()
        self.reason.setObjectName("terminationReason")
        self.reason.setPlaceholderText("如：预签期限届满，预签比例未达到90%")
        self.form.addRow("理由(&R)：", self.reason)
        self.end_button = self.action("终止项目", self.terminate)
        why = store.may("终止项目", admin=True)
        self.end_button.setEnabled(may_end and why is None)
        self.end_button.setToolTip(why or ("" if may_end else "只有尚未作出征收决定的旧城区改建"
                                                              "项目可以终止"))

    def terminate(self) -> None:
        if not self.dates_readable(self.on):
            return
        on = self.on.day()
        if on is None:
            self.output.setPlainText("未办理：请填写「终止日」")
            return
        answer = QMessageBox.question(
            self, "终止项目", "终止后，本项目全部预签协议不生效，项目不能再签约。确定终止吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        store, project_id = self.store, self.project_id
        number, reason = self.number.text(), self.reason.text()

        def done(result: TerminationDone) -> str:
            self.end_button.setEnabled(False)
            return (f"项目已终止（{number.strip()}，{on}）：{result.share.words()}；"
                    f"{len(result.lapsed)} 户预签协议不生效")

        self.run("终止项目", "正在终止项目…",
                 lambda _progress: terminate_project(store, project_id, on, number, reason),
                 done)
