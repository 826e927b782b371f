"""Long work off the GUI thread, with a progress dialog that appears only if the work takes more
than half a second and can be cancelled.

The work is a plain function `work(progress) -> result` from the Qt-free services; it runs on a
worker thread and never touches a widget. `progress(done, total)` carries the figures back to
the GUI thread through a queued signal and answers False once the user has cancelled, so the
service stops and leaves nothing behind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QElapsedTimer, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from wulong_desk.errors import Cancelled, UserError
from wulong_desk.failures import plain_message
from wulong_desk.logs import log, log_crash

SHOW_AFTER_MS = 500
Work = Callable[[Callable[[int, int], bool]], Any]


class _Signals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class _Task(QRunnable):
    def __init__(self, work: Work, signals: _Signals, stop: threading.Event):
        super().__init__()
        self.work, self.signals, self.stop = work, signals, stop

    def _progress(self, done: int, total: int) -> bool:
        self.signals.progress.emit(done, total)
        return not self.stop.is_set()

    def run(self) -> None:
        try:
            result = self.work(self._progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except UserError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # reported, never lost on the worker thread
            log_crash(type(exc), exc, exc.__traceback__)
            self.signals.failed.emit(plain_message(exc)  # a full disk, a read-only folder …
                                     or f"内部错误：{type(exc).__name__}（详情已写入日志）")
        else:
            self.signals.done.emit(result)


class Job(QObject):
    """One run of `work` with its progress dialog. Connect to `succeeded`, `failed` and
    `cancelled` (each emitted once, on the GUI thread), then call start()."""

    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    _pool: QThreadPool | None = None

    def __init__(self, parent: QWidget, title: str, label: str, work: Work, *,
                 cancellable: bool = True):
        super().__init__(parent)
        self.title = title
        self._work = work
        self._stop = threading.Event()
        self._signals = _Signals()
        self._signals.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self._signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._signals.cancelled.connect(self._cancelled, Qt.ConnectionType.QueuedConnection)
        self.dialog = QProgressDialog(label, "取消", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        if not cancellable:  # work that cannot stop half-way offers no button that would lie
            self.dialog.setCancelButton(None)
        self.running = False
        self.outcome: str | None = None   # "succeeded" | "failed" | "cancelled"
        self.result: Any = None
        self.message = ""
        self._clock = QElapsedTimer()

    @classmethod
    def pool(cls) -> QThreadPool:
        """Jobs have their own threads (the table's totals keep the global pool)."""
        if cls._pool is None:
            cls._pool = QThreadPool()
            cls._pool.setMaxThreadCount(2)
        return cls._pool

    def start(self) -> None:
        self.running = True
        self._clock.start()
        self.dialog.setValue(0)  # starts the dialog's half-second clock; shown only if still busy
        log().info("开始：%s", self.title)
        self.pool().start(_Task(self._work, self._signals, self._stop))

    def cancel(self) -> None:
        if self.running and not self._stop.is_set():
            self._stop.set()
            self.dialog.setLabelText("正在取消…")

    def _progress(self, done: int, total: int) -> None:
        if not self.running:
            return
        if self.dialog.maximum() != total:
            self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1) - 1) if total else 0)

    def _finish(self, outcome: str) -> None:
        self.running = False
        self.outcome = outcome
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
        log().info("%s：%s（%d 毫秒）", {"succeeded": "完成", "failed": "失败",
                                       "cancelled": "已取消"}[outcome],
                   self.title, self._clock.elapsed())

    def _done(self, result: object) -> None:
        self.result = result
        self._finish("succeeded")
        self.succeeded.emit(result)

    def _failed(self, message: str) -> None:
        self.message = message
        self._finish("failed")
        self.failed.emit(message)

    def _cancelled(self) -> None:
        self._finish("cancelled")
        self.cancelled.emit()

    def wait(self, timeout_ms: int = 30000) -> str | None:
        """For tests and the self-test: process events until the job has ended."""
        clock = QElapsedTimer()
        clock.start()
        while self.running and clock.elapsed() < timeout_ms:
            self.pool().waitForDone(20)
            QApplication.processEvents()
        return self.outcome
