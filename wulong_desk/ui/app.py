"""Start the desktop app: log, Qt application, bundled font, crash handler, operator, the
database's lock, the main window, the database; then offer drafts a crash left behind.

An up-to-date database is first looked at read-only with the standard library's sqlite3, so the
window and its case table are painted before SQLAlchemy (the slowest part of the start) has
loaded; the store then opens on a worker thread and the window comes alive. A new, older or
damaged database is opened the careful way first (migration after a backup, integrity check,
an explanation when it fails) before any window appears. Nothing imported here loads SQLAlchemy.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from wulong_desk import __version__
from wulong_desk.commands.common import operator_name
from wulong_desk.errors import UserError
from wulong_desk.logs import log, setup_logging
from wulong_desk.paths import default_db_path, resources_dir
from wulong_desk.server_address import is_server_url
from wulong_desk.services.first_look import first_look, sound
from wulong_desk.tempfiles import clean_at_start
from wulong_desk.ui.crash_handler import CrashHandler
from wulong_desk.ui.first_paint import after_first_paint
from wulong_desk.ui.fonts import register_fonts
from wulong_desk.ui.instance_lock import acquire
from wulong_desk.ui.jobs import Job
from wulong_desk.ui.main_window import MainWindow
from wulong_desk.ui.plain_imports import plain_imports
from wulong_desk.ui.settings import remember, settings

if TYPE_CHECKING:
    from wulong_desk.store import Store


def make_app() -> QApplication:
    if QApplication.instance() is None:
        QApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("WulongDesk")
    app.setApplicationDisplayName("武隆征收补偿案卷系统")
    register_fonts(app)
    install_chinese_translation(app)
    icon = resources_dir() / "icons" / "wulong-desk.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def install_chinese_translation(app: QApplication) -> bool:
    """Qt's own words in Chinese whatever the PC's language: the calendars' month and day
    names (the default locale), 是/否 in message boxes and the file and print dialogs (qtbase_zh_CN
    from Qt's translations folder, bundled by build_installer.py). On a PC whose system language
    is not Chinese the file dialogs are Qt's own, translated, rather than the system's."""
    if app.property("wulong_translated"):
        return True
    chinese = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    QLocale.setDefault(chinese)   # (widgets made from now on: calendars, number boxes)
    if not QLocale.system().uiLanguages() or not QLocale.system().uiLanguages()[0].startswith(
            "zh"):
        app.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(chinese, "qtbase", "_", folder):
        return False
    app.installTranslator(translator)
    supplement = QTranslator(app)  # searched first: the few strings qtbase_zh_CN lacks
    if supplement.load(str(resources_dir() / "translations" / "wulong_qt_zh_CN.qm")):
        app.installTranslator(supplement)
    app.setProperty("wulong_translated", True)
    return True


def no_screen() -> bool:
    """Linux/BSD without X11 or Wayland, and no Qt platform chosen: a window cannot open."""
    if not sys.platform.startswith(("linux", "freebsd")) or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def ask_operator(args: argparse.Namespace) -> str | None:
    """--operator (or WULONG_DESK_OPERATOR) wins; otherwise ask, offering the last name used
    (the first time the field is empty: the login name, e.g. "root", is not a person's name)."""
    if getattr(args, "operator", None) or os.environ.get("WULONG_DESK_OPERATOR"):
        return operator_name(args)
    from wulong_desk.ui.operator_dialog import OperatorDialog

    remembered = settings().value("operator", "", str)  # never the computer's login name
    dialog = OperatorDialog(remembered)
    if not dialog.exec():
        return None
    return dialog.name()


def run(args: argparse.Namespace) -> int:
    if no_screen():
        print("没有可用的屏幕（未设置 DISPLAY 或 WAYLAND_DISPLAY），无法打开窗口。"
              "请在桌面环境中运行，或用命令行：wulong-desk --help。", file=sys.stderr)
        return 2
    setup_logging()
    clean_at_start()  # temporary files and staging folders a killed export left behind
    app = make_app()
    crashes = CrashHandler(show_dialog=not getattr(args, "no_crash_dialog", False), parent=app)
    crashes.install()
    try:
        return _run(app, args)
    finally:
        crashes.uninstall()


def _run(app: QApplication, args: argparse.Namespace) -> int:
    if isinstance(getattr(args, "db", None), str):   # postgresql://… : the office server,
        return _run_on_server(app, args.db)           # where the login is the operator
    operator = ask_operator(args)
    if operator is None:
        return 0
    remember("operator", operator)
    db_path = Path(args.db) if getattr(args, "db", None) else default_db_path()
    try:
        lock = acquire(db_path)
    except UserError as exc:
        QMessageBox.warning(None, "数据库已打开", str(exc))
        return 1
    try:
        try:
            window, opening = open_window(db_path, operator)
        except UserError as exc:
            QMessageBox.critical(None, "无法打开数据库", str(exc))
            return 1
        log().info("已启动（版本 %s）", __version__)
        if opening is not None:
            opening.failed.connect(lambda message: (
                QMessageBox.critical(window, "无法打开数据库", message), app.exit(1)))
        code = app.exec()
        if opening is not None and opening.wait() == "succeeded" and window.store is None:
            opening.result.close()  # the window was closed before the store had opened
        if window.store is not None:
            window.store.close()
        window.deleteLater()
        log().info("已退出")
        return code
    finally:
        lock.unlock()


def _run_on_server(app: QApplication, address: str) -> int:
    """The window on the office server (no file to lock or glance at): painted at once, the
    connection made on a worker thread (open_server_window)."""
    window, connecting = open_server_window(address)
    log().info("已启动（版本 %s，办公室服务器）", __version__)
    connecting.failed.connect(lambda message: (
        QMessageBox.critical(window, "无法连接办公室服务器", message), app.exit(1)))
    code = app.exec()
    if connecting.wait() == "succeeded" and window.store is None:
        connecting.result.close()   # the window was closed before the connection was made
    if window.store is not None:
        window.store.close()
    window.deleteLater()
    log().info("已退出")
    return code


def open_server_window(address: str) -> tuple[MainWindow, Job]:
    """Show the main window at once and connect to the office server on a worker thread (the
    returned job; the window comes alive when it succeeds), as `open_window` opens a file. The
    password is the one the keyring remembers for the address (looked up on the worker too),
    else PGPASSWORD or .pgpass; the login is the operator."""
    window = MainWindow(None, operator=urlsplit(address.strip()).username or "")
    window.show()
    window.statusBar().showMessage("正在连接办公室服务器…")
    window.totals_label.setText("正在连接办公室服务器…")

    def connect(_progress: object) -> Store:
        from wulong_desk.store.server import open_server
        from wulong_desk.ui.server_login_dialog import remembered_password

        return open_server(address, password=remembered_password(address))

    job = Job(window, "连接办公室服务器", "正在连接办公室服务器并检查数据库…", connect,
              cancellable=False)
    job.succeeded.connect(lambda store: _attach(window, store, ready=False))
    job.start()
    return window, job


def open_window(db_path: Path, operator: str) -> tuple[MainWindow, Job | None]:
    """Show the main window on the database. With a first look, the window is painted at once
    and the store opens on a worker thread (the returned job; the window comes alive when it
    succeeds). Otherwise the store is opened here first (raises UserError when it cannot be)."""
    look = first_look(db_path, settings().value("last_project", None, int))
    if look is None:
        store = _open(db_path, operator)
        window = MainWindow(store)
        window.show()
        _ready(window)
        return window, None
    window = MainWindow(None, operator=operator, first_look=look)
    window.show()
    job = Job(window, "打开数据库", "正在打开数据库并检查其完整性…",
              lambda _progress: _open(db_path, operator, check_meanwhile=True),
              cancellable=False)
    job.succeeded.connect(lambda store: _attach(window, store))
    # once the table is on screen: started with the window, the opening's imports share the
    # interpreter with the first paint and hold it up (bench/bench_ui.py)
    after_first_paint(window.table.viewport(), job.start)
    return window, job


def _open(db_path: Path, operator: str, *, check_meanwhile: bool = False) -> Store:
    with plain_imports():
        import sqlalchemy  # noqa: F401  (its core first, then the check beside the rest)

    with ThreadPoolExecutor(max_workers=1) as pool:
        # check_meanwhile: the file's integrity check runs while the rest of SQLAlchemy and the
        # models load. SQLite checks without holding Python's lock, so on two cores the check
        # (0.1–0.15 s at 10,000 cases) adds little to the start; the store does not check it
        # again. (Started before the core, it slowed the first paint: bench/bench_ui.py.)
        a_file = not is_server_url(db_path)   # the office server: no file
        checking = pool.submit(sound, db_path) if check_meanwhile and a_file else None
        with plain_imports():
            from wulong_desk.services.maintenance import compute_missing
            from wulong_desk.store import open_store

        checked = checking is not None and checking.result()
    store = open_store(db_path, operator, checked=checked)
    if not store.read_only:
        compute_missing(store)
    return store


def _attach(window: MainWindow, store: Store, *, ready: bool = True) -> None:
    if not window.isVisible():
        return  # closed before the store had opened; the caller closes the store
    window.set_store(store)
    if ready:
        _ready(window)


def _ready(window: MainWindow) -> None:
    # started from the event loop, once what the window has queued is done (started at once,
    # the warm-up's imports held up the window's own first work by ~60 ms: bench/bench_ui.py)
    QTimer.singleShot(0, window, warm_up_documents)  # (not once the window has gone)
    if window.store is not None and window.store.read_only:
        QMessageBox.information(window, "只读打开", window.store.read_only)
    if window.store is not None and window.store.backup_warning:
        QMessageBox.warning(window, "自动备份未完成", window.store.backup_warning)
    check_templates(window)
    window.offer_first_start()
    window.housekeeping.offer_drafts()


def warm_up_documents() -> threading.Thread:
    """Once the window is usable: load the PDF library and parse the bundled CJK font on a
    background thread (Qt-free, no widget touched), so the clerk's first preview does not wait
    for them: clicked before the warm-up 0.7–0.8 s, after it 63–184 ms (bench/bench_ui.py)."""
    thread = threading.Thread(target=_load_pdf_library, name="warm-up", daemon=True)
    thread.start()
    return thread


def _load_pdf_library() -> None:
    from wulong_desk.exports.agreement import build_pdf  # noqa: F401  (reportlab)
    from wulong_desk.exports.pdf_style import register_font

    register_font()


def check_templates(window: QWidget) -> bool:
    """A broken clause template is named when the app starts, not when a clerk prints."""
    from wulong_desk.errors import UserError
    from wulong_desk.exports.templates import load_all

    try:
        load_all()
    except UserError as exc:
        QMessageBox.warning(window, "文字模板有误",
                            f"{exc}\n\n改正前不能出具协议或公示（“数据与标准…”中可找到模板文件夹）。")
        return False
    return True
