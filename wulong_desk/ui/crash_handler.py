"""When something unexpected goes wrong: log it (without personal data), tell the user in plain
words with a report they can copy for the maintainers, and keep the app running. Saved cases
are safe in the database; an open case's draft is autosaved.

A known situation (failures.plain_message: a full disk, a locked database, the office server
gone away) is not a crash: it is logged the same way, but the user sees its plain sentence in a
message box, as the command line prints it, never the report.

`--no-crash-dialog` (scripts, CI) writes the report to standard error instead of a dialog.
The dialog's module is loaded when there is something to show (the handler is installed before
the main window is painted).
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from wulong_desk.failures import plain_message
from wulong_desk.logs import log_crash

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from wulong_desk.ui.crash_dialog import CrashDialog


class CrashHandler(QObject):
    """Installed as sys.excepthook and threading.excepthook. Reports from a worker thread reach
    the GUI thread through a queued signal, so the dialog is only ever made there."""

    reported = Signal(str)
    told = Signal(str)

    def __init__(self, show_dialog: bool, parent: QObject | None = None):
        super().__init__(parent)
        self.show_dialog = show_dialog
        self.dialogs: list[CrashDialog] = []
        self.reports: list[str] = []
        self.notices: list[QMessageBox] = []
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.told.connect(self._tell, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(self, kind: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        report = log_crash(kind, exc, tb)
        plain = plain_message(exc)
        if plain is not None:
            self.told.emit(plain)
            return
        self.reports.append(report)
        self.reported.emit(report)

    def _tell(self, message: str) -> None:
        if not self.show_dialog:
            print(f"错误：{message}", file=sys.stderr)
            return
        if self.notices:   # one at a time: a refresh failing every minute adds none
            return
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, "操作未完成", message,
                          QMessageBox.StandardButton.Ok)
        box.button(QMessageBox.StandardButton.Ok).setText("确定")
        self.notices.append(box)
        box.finished.connect(lambda _r: self.notices.remove(box))
        box.open()

    def _show(self, report: str) -> None:
        if not self.show_dialog:
            print(report, file=sys.stderr)
            return
        if len(self.dialogs) >= 3:  # an error in a loop must not bury the screen in dialogs
            return
        from wulong_desk.ui.crash_dialog import CrashDialog

        dialog = CrashDialog(report)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r: self.dialogs.remove(dialog))
        dialog.open()
