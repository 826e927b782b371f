"""Where everything lives (database, backups, log, drafts, extra standard files) and which
standard the current project is computed under, with its document numbers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.exports.templates import describe_in_use, office_dir
from wulong_desk.logs import log_dir
from wulong_desk.paths import user_data_dir
from wulong_desk.services.cases.drafts import drafts_dir
from wulong_desk.services.projects.standard_info import StandardInfo
from wulong_desk.store.backups import backups_folder
from wulong_desk.ui.desktop import open_path


class DataDialog(QDialog):
    def __init__(self, db_path: Path | None, standard: StandardInfo | None,
                 parent: QWidget | None = None, *, server: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("数据与标准")
        places = QGroupBox("数据存放位置")
        grid = QGridLayout(places)
        rows: list[tuple[str, Path | None]] = [("案卷数据库", db_path)]
        if db_path is not None:
            rows += [("备份", backups_folder(db_path)), ("草稿（自动保存）", drafts_dir(db_path))]
        rows += [("日志（不含个人信息）", log_dir()),
                 ("补充的标准文件", user_data_dir() / "standards")]
        if server is not None:   # the office server: no file here, backups are pg_dump's
            rows = rows[1:]
            grid.addWidget(QLabel("办公室服务器："), len(rows) + 1, 0)
            grid.addWidget(QLabel(server), len(rows) + 1, 1)
        for row, (label, path) in enumerate(rows):
            grid.addWidget(QLabel(label + "："), row, 0)
            shown = QLabel(str(path) if path else "（内存数据库）")
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(shown, row, 1)
            if path is not None:
                button = QPushButton("打开文件夹")
                folder = path if path.suffix == "" else path.parent
                button.clicked.connect(lambda _c=False, f=folder: self._open(f))
                grid.addWidget(button, row, 2)
        standard_box = QGroupBox("当前项目的计算标准")
        standard_text = QLabel(standard.describe() if standard else "（未选择项目）")
        standard_text.setObjectName("standardText")
        standard_text.setWordWrap(True)
        standard_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(standard_box).addWidget(standard_text)
        template_box = QGroupBox("协议与公示的文字模板")
        template_text = QLabel("\n".join(describe_in_use()))
        template_text.setObjectName("templateText")
        template_text.setWordWrap(True)
        template_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        template_layout = QVBoxLayout(template_box)
        template_layout.addWidget(template_text)
        template_button = QPushButton("打开本单位模板文件夹")
        template_button.clicked.connect(lambda _c=False: self._open(office_dir()))
        template_layout.addWidget(template_button)
        hint = QLabel("更正版标准文件（.toml）放入“补充的标准文件”文件夹后重新启动即可使用；"
                      "项目按征收决定公告日选用当时有效的标准。把系统默认模板复制到本单位模板文件夹"
                      "（文件名不变）后修改，即按本单位的文字出具协议和公示。")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(places)
        layout.addWidget(standard_box)
        layout.addWidget(template_box)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def _open(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        open_path(folder)
