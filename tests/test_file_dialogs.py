"""Qt's own file dialog in Chinese on a PC set to no language at all (a bare Linux, C locale):
its 类型 column says 文件夹 (the app's supplement to Qt's translation) and its 修改日期 reads as a
Chinese date, not 「6 12 2026 18:30」 (ui/app.py make_app)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

from PySide6.QtCore import QCoreApplication

from wulong_desk.ui.app import install_chinese_translation

SHOW_FOLDER = """
import sys
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QFileSystemModel
from wulong_desk.ui.app import make_app
app = make_app()
model = QFileSystemModel()
root = model.setRootPath(sys.argv[1])
for _ in range(100):
    if model.rowCount(root):
        break
    loop = QEventLoop()
    QTimer.singleShot(50, loop.quit)
    loop.exec()
row = [model.index(0, column, root).data() for column in (0, 2, 3)]
print("|".join(row))
"""


def test_the_file_dialog_says_folder_and_the_date_in_chinese_on_a_bare_system(tmp_path):
    folder = tmp_path / "案卷"
    folder.mkdir()
    (folder / "房源").mkdir()
    when = datetime(2026, 6, 12, 18, 30).timestamp()
    os.utime(folder / "房源", (when, when))
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("LC_") and key not in ("LANG", "LANGUAGE")}
    env["LANG"] = "C.UTF-8"
    shown = subprocess.run([sys.executable, "-c", SHOW_FOLDER, str(folder)], env=env,
                           capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "房源|文件夹|2026/6/12 18:30"


def test_the_supplement_translates_the_file_dialogs_type_column(qapp):
    assert install_chinese_translation(qapp)
    translate = QCoreApplication.translate
    assert translate("QAbstractFileIconProvider", "Folder", "All other platforms") == "文件夹"
    assert translate("QAbstractFileIconProvider", "File Folder",
                     "Match Windows Explorer") == "文件夹"
