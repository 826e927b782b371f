"""程序 → 导入正式评估结果…: write the sheet the appraisal firm fills (one row per house part),
then read it back all or nothing — 试导入 lists every figure that would move, 导入 writes it
(办法第二十七、五十二、五十三条; a reviewer's)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLineEdit, QPushButton, QWidget

from wulong_desk.services.procedure.appraisal import (
    AppraisalReport,
    import_appraisal,
    write_template,
)
from wulong_desk.store import Store
from wulong_desk.ui.path_dialog import PathDialog
from wulong_desk.ui.settings import last_folder, remember_folder


class AppraisalDialog(PathDialog):
    def __init__(self, store: Store, project_id: int, project_name: str = "",
                 parent: QWidget | None = None):
        self.store, self.project_id, self.project_name = store, project_id, project_name
        super().__init__("导入正式评估结果", "评估机构按正式的分户评估报告填写每处房屋的评估单价和"
                         "装饰装修评估值（可一并填写报告送达日）。分户初步评估结果公示期满后才能导入"
                         "（办法第五十二、五十三条）；全表无误才写入。未签约的案卷即按新值重新计算，"
                         "预签的新值记在案卷旁，转为补偿协议时采用。", parent)
        self.file = QLineEdit()
        self.file.setObjectName("appraisalFile")
        self.file.setPlaceholderText("填好的正式评估结果表（xlsx）")
        browse = QPushButton("选择(&B)…")
        browse.setAutoDefault(False)
        browse.clicked.connect(lambda _checked=False: self.choose())
        self.form.addRow("评估结果表：", self.file)
        self.form.addRow("", browse)
        self.action("写出模板…", self.template)
        self.dry_button = self.action("试导入", lambda: self.start(dry_run=True))
        self.import_button = self.action("导入", lambda: self.start(dry_run=False))
        why = store.may("导入正式评估结果")
        for button in (self.dry_button, self.import_button):
            button.setEnabled(why is None)
            button.setToolTip(why or "")

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择正式评估结果表", str(last_folder()),
                                              "Excel 工作簿 (*.xlsx)")
        if path:
            remember_folder(path)
            self.file.setText(path)

    def template(self) -> None:
        name = f"{self.project_name or '项目'}-正式评估结果表.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "写出正式评估结果表",
                                              str(last_folder() / name), "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        remember_folder(path)
        store, project_id = self.store, self.project_id
        self.run("写出模板", "正在写出正式评估结果表…",
                 lambda _progress: write_template(store, project_id, Path(path)),
                 lambda rows: f"已写出 {path}（{rows} 行，每处房屋一行）", writes=False)
        self.file.setText(path)

    def start(self, *, dry_run: bool) -> None:
        path = self.file.text().strip()
        if not path:
            self.output.setPlainText("未办理：请先选择填好的正式评估结果表")
            return
        store, project_id = self.store, self.project_id

        def done(report: AppraisalReport) -> str:
            head = ("试导入（未写入）：" if dry_run else "已导入：") + \
                f"{len(report.changes)} 户"
            return "\n".join([head, *report.lines()])

        self.run("试导入" if dry_run else "导入正式评估结果", "正在读取评估结果表…",
                 lambda progress: import_appraisal(store, project_id, Path(path),
                                                   dry_run=dry_run, progress=progress),
                 done, writes=not dry_run)
