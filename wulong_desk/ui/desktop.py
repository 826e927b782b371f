"""Hand files and folders to the system: open a finished export or the folder that holds it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget


def open_path(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def offer_open(parent: QWidget, title: str, text: str, path: Path) -> QMessageBox:
    """A non-blocking note that the export is done, offering to open the file (or the folder of
    documents) and the folder that holds it."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("exportDoneBox")
    open_file = box.addButton("打开文件夹" if path.is_dir() else "打开文件",
                              QMessageBox.ButtonRole.AcceptRole)
    open_folder = None if path.is_dir() else box.addButton("打开所在文件夹",
                                                             QMessageBox.ButtonRole.ActionRole)
    box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)

    def clicked(button: object) -> None:
        if button is open_file:
            open_path(path)
        elif button is open_folder:
            open_path(path.parent)

    box.buttonClicked.connect(clicked)
    box.open()
    return box
