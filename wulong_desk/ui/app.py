"""Start the desktop app, one plain sequence: log, Qt application, bundled font, crash handler,
operator, the database's lock; then, on a worker thread while a small window says 正在打开…, the
PDF library is loaded and the store opened (a migration after a backup, the integrity check, an
explanation when it fails); then the main window is shown on it and offers the drafts a crash
left behind.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from wulong_desk import __version__
from wulong_desk.commands.common import operator_name
from wulong_desk.errors import UserError
from wulong_desk.exports.templates import load_all
from wulong_desk.logs import log, setup_logging
from wulong_desk.paths import default_db_path, resources_dir
from wulong_desk.services.cases.maintenance import compute_missing
from wulong_desk.store import Store, open_store
from wulong_desk.store.server import open_server
from wulong_desk.tempfiles import clean_at_start, use_private_temp_folder
from wulong_desk.ui.crash_handler import CrashHandler
from wulong_desk.ui.fonts import register_fonts
from wulong_desk.ui.instance_lock import acquire
from wulong_desk.ui.jobs import Job
from wulong_desk.ui.main_window import MainWindow
from wulong_desk.ui.server_login_dialog import remembered_password
from wulong_desk.ui.settings import remember, settings


def make_app() -> QApplication:
    if QApplication.instance() is None:
        chinese_dates_on_a_bare_system()
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


BARE_LOCALES = ("", "C", "POSIX")


def chinese_dates_on_a_bare_system() -> None:
    """Qt's file dialog writes a file's 修改日期 in the system's format (QLocale.system(), not
    the default locale): on a Linux PC with no language set (C, C.UTF-8, POSIX) that reads
    「6 12 2026 18:30」. There Qt is told the Chinese format for dates (LC_TIME, read by Qt
    when the application starts: call this before it; the C library's locale is unchanged).
    A PC with a language of its own, and Windows (which has no such variable), keep theirs."""
    if sys.platform.startswith(("win", "darwin")) or os.environ.get("LC_ALL"):
        return
    current = os.environ.get("LC_TIME") or os.environ.get("LANG") or ""
    if current.split(".")[0] in BARE_LOCALES:
        os.environ["LC_TIME"] = "zh_CN.UTF-8"


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
    use_private_temp_folder()  # this run's temporary files: in the private folder
    app = make_app()
    crashes = CrashHandler(show_dialog=not getattr(args, "no_crash_dialog", False), parent=app)
    crashes.install()
    try:
        return _run(app, args)
    finally:
        crashes.uninstall()


def _run(app: QApplication, args: argparse.Namespace) -> int:
    """Who works and where, the store opened, the window on it, the event loop; then the store
    closed and the file's lock let go."""
    where = getattr(args, "db", None)
    lock = None
    try:
        if isinstance(where, str):  # postgresql://… : the office server (the login is the operator)
            store = opened("连接办公室服务器", "正在连接办公室服务器…",
                           lambda: open_server(where, password=remembered_password(where)))
        else:
            operator = ask_operator(args)
            if operator is None:
                return 0
            remember("operator", operator)
            db_path = Path(where) if where else default_db_path()
            try:
                lock = acquire(db_path)
            except UserError as exc:
                QMessageBox.warning(None, "数据库已打开", str(exc))
                return 1
            store = opened("打开数据库", "正在打开…", lambda: open_database(db_path, operator))
        if store is None:
            return 1
        window = MainWindow(store)
        window.show()
        _ready(window)
        log().info("已启动（版本 %s%s）", __version__, "，办公室服务器" if store.server else "")
        code = app.exec()
        if window.store is not None:  # (a restore may have put another store in its place)
            window.store.close()
        window.deleteLater()
        log().info("已退出")
        return code
    finally:
        if lock is not None:
            lock.unlock()


def open_database(db_path: Path, operator: str) -> Store:
    """The store on the file (created, migrated after a backup, checked); the records a crash
    left uncomputed computed. Raises UserError when it cannot be opened."""
    store = open_store(db_path, operator)
    if not store.read_only:
        compute_missing(store)
    return store


def opened(what: str, saying: str, work: Callable[[], Store]) -> Store | None:
    """work() on a worker thread while a small window says `saying` (the GUI keeps painting;
    past half a second a progress dialog says what is done); the document library is loaded
    first. When it fails, a message box (无法<what>) says why and the answer is None."""
    note = opening_note(saying)
    note.show()

    def load_then_open(_progress: object) -> Store:
        load_document_library()
        return work()

    job = Job(note, what, f"正在{what}…", load_then_open, cancellable=False)
    waiting = QEventLoop()
    job.succeeded.connect(waiting.quit)
    job.failed.connect(waiting.quit)
    job.start()
    waiting.exec()  # (the job's answers are queued: they arrive inside this loop)
    note.close()
    note.deleteLater()
    if job.outcome != "succeeded":
        QMessageBox.critical(None, f"无法{what}", job.message)
        return None
    return job.result


def load_document_library() -> None:
    """The PDF library and the bundled CJK font, loaded while 正在打开… is on screen, so that the
    clerk's first preview does not wait for them (~0.35 s; bench/bench_ui.py)."""
    import wulong_desk.exports.agreement  # noqa: F401  (reportlab, the capital numerals)
    from wulong_desk.exports.pdf_style import register_font

    register_font()


def opening_note(saying: str) -> QLabel:
    """A small frameless window in the middle of the screen: the app's name and `saying`."""
    note = QLabel(f"武隆征收补偿案卷系统\n\n{saying}")
    note.setObjectName("openingNote")
    note.setWindowFlags(Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
    note.setAlignment(Qt.AlignmentFlag.AlignCenter)
    note.setMargin(40)
    note.adjustSize()
    screen = QApplication.primaryScreen()
    if screen is not None:
        note.move(screen.availableGeometry().center() - note.rect().center())
    return note


def _ready(window: MainWindow) -> None:
    if window.store is not None and window.store.read_only:
        QMessageBox.information(window, "只读打开", window.store.read_only)
    if window.store is not None and window.store.backup_warning:
        QMessageBox.warning(window, "自动备份未完成", window.store.backup_warning)
    check_templates(window)
    window.offer_first_start()
    window.housekeeping.offer_drafts()


def check_templates(window: QWidget) -> bool:
    """A broken clause template is named when the app starts, not when a clerk prints."""
    try:
        load_all()
    except UserError as exc:
        QMessageBox.warning(window, "文字模板有误",
                            f"{exc}\n\n改正前不能出具协议或公示（“数据与标准…”中可找到模板文件夹）。")
        return False
    return True
