"""Pick a backup to put back in place of the database (the current file is kept as a safety
copy first, see store.backups.restore)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wulong_desk.store.backups import list_backups
from wulong_desk.ui.buttons import ok_cancel
from wulong_desk.ui.screen_fit import fit_to_screen
from wulong_desk.ui.settings import backup_folder

KINDS = {"auto": "每日自动备份", "manual": "手动备份", "before-restore": "恢复前的备份",
         "pre-migrate": "程序升级前的备份"}


def describe(path: Path) -> str:
    """A backup by its date and kind, in words (never its file name): 2026-12-01 14:05:12
    手动备份（1,234 KB）."""
    kind = next((label for key, label in KINDS.items() if f"-{key}-" in path.name), "其他备份")
    try:
        stat = path.stat()
    except OSError:
        return kind
    when = datetime.fromtimestamp(stat.st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    return f"{when}  {kind}（{stat.st_size / 1024:,.0f} KB）"


class RestoreDialog(QDialog):
    def __init__(self, db_path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("从备份恢复")
        fit_to_screen(self, 720, 420)
        self.chosen: Path | None = None
        self.list = QListWidget()
        self.list.setObjectName("backupList")
        for path in list_backups(db_path):
            item = QListWidgetItem(describe(path))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        other = QPushButton("选择其他备份文件…")
        other.clicked.connect(self.choose_file)
        buttons = ok_cancel(self, "恢复")
        note = QLabel("恢复会用所选备份替换当前数据库。当前数据库会先另存一份（“恢复前”备份），"
                      "恢复后仍可找回。")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.list, 1)
        layout.addWidget(other)
        layout.addWidget(buttons)

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "选择备份文件", str(backup_folder()),
                                                "数据库备份 (*.sqlite *.db);;所有文件 (*)")
        if chosen:
            self.chosen = Path(chosen)
            super().accept()

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = Path(item.data(Qt.ItemDataRole.UserRole))
        super().accept()
