"""Start the desktop app: Qt application, bundled font, operator, database, main window."""

from __future__ import annotations

import argparse
import os
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from wulong_desk.commands.common import operator_name
from wulong_desk.errors import UserError
from wulong_desk.services.maintenance import compute_missing
from wulong_desk.store import open_store
from wulong_desk.ui.fonts import register_fonts
from wulong_desk.ui.main_window import MainWindow
from wulong_desk.ui.settings import settings


def make_app() -> QApplication:
    if QApplication.instance() is None:
        QApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("WulongDesk")
    app.setApplicationDisplayName("武隆征收补偿案卷系统")
    register_fonts(app)
    return app


def no_screen() -> bool:
    """Linux/BSD without X11 or Wayland, and no Qt platform chosen: a window cannot open."""
    if not sys.platform.startswith(("linux", "freebsd")) or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    if no_screen():
        print("没有可用的屏幕（未设置 DISPLAY 或 WAYLAND_DISPLAY），无法打开窗口。"
              "请在桌面环境中运行，或用命令行：wulong-desk --help。", file=sys.stderr)
        return 2
    app = make_app()
    remembered = settings().value("operator", "", str)
    if not getattr(args, "operator", None) and remembered:
        args.operator = remembered
    operator = operator_name(args)
    settings().setValue("operator", operator)
    try:
        store = open_store(getattr(args, "db", None), operator)
        compute_missing(store)
    except UserError as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return 1
    window = MainWindow(store)
    window.show()
    window.offer_first_start()
    code = app.exec()
    store.close()
    return code
