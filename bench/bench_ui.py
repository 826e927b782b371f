"""Benchmark what a clerk waits for in the desktop app, each figure printed beside its target:

1. start-up with 10,000 cases, beside a bare PySide6 window (a QMainWindow with a QTableView)
   started in turn with it: to the first painted case table, and until the window is usable —
   every action, menu and toolbar enabled (≤ 1.5 s on the reference 2-core machine); the app
   keeps its user data folder (settings) from start to start, as on a clerk's computer;
2. the first agreement preview in the running app (10,000 cases), from the click on 预览协议 to
   the page shown (≤ 500 ms), the PDF library loaded as the app loads it while it opens the
   store (--cold-preview: not loaded, the first click loads it);
3. a keystroke in the case editor until its breakdown is repainted (≤ 16 ms);
4. the filter per keystroke at 50,000 cases, the table's first page and the status bar's count
   and sum included, cold (each text typed the first time after opening) and warm (≤ 50 ms).

Run: .venv/bin/python bench/bench_ui.py [--db10k PATH] [--db50k PATH]   (databases are built
with bench_store.fill when missing — the 50,000-case one takes several minutes)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# Both scripts print the seconds since the parent's clock reading (argv[1]) when the table's
# viewport has finished its first paint (with rows, for the app), and the app also when every
# action is enabled.
WATCH = r"""
import sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QToolBar
class FirstPaint(QObject):
    def __init__(self, table, has_rows):
        super().__init__()
        self.table, self.has_rows, self.done = table, has_rows, False
        table.viewport().installEventFilter(self)
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not self.done and self.has_rows():
            self.done = True
            QTimer.singleShot(0, lambda: print("painted", time.time() - t0, flush=True))
        return False
"""

BARE = WATCH + r"""
from PySide6.QtWidgets import QMainWindow, QTableView
app = QApplication([])
w = QMainWindow(); table = QTableView(); w.setCentralWidget(table); w.resize(1280, 780)
watch = FirstPaint(table, lambda: True)
w.show()
QTimer.singleShot(0, lambda: QTimer.singleShot(0, app.quit))
app.exec()
"""

APP = WATCH + r"""
# `wulong-desk --db PATH --operator bench` as a clerk starts it (the same entry point, the same
# code), watched from outside: once the main window is shown, the first paint of the case table
# and every action enabled
from wulong_desk.ui.main_window import MainWindow
shown = MainWindow.show
def usable(window):
    actions = window.findChildren(QAction)
    bars = window.findChildren(QToolBar)
    return (window.store is not None and window.menuBar().isEnabled()
            and all(a.isEnabled() for a in actions) and all(b.isEnabled() for b in bars))
def show(window):
    shown(window)
    window._paint_watch = FirstPaint(window.table, lambda: window.model.rowCount() > 0)
    QTimer.singleShot(0, lambda: check(window))
def check(window):
    # looked at from the event loop, then every 5 ms
    if usable(window) and window._paint_watch.done:
        print("usable", time.time() - t0, flush=True)
        print("cpu", time.process_time(), flush=True)  # the process's processor time so far
        QTimer.singleShot(0, window.close)
    else:
        QTimer.singleShot(5, lambda: check(window))
MainWindow.show = show
from wulong_desk.cli import main
sys.exit(main(["--db", sys.argv[2], "--operator", "bench", "--no-crash-dialog"]))
"""

RUNS = 7
USABLE_MS = 1500  # on the reference 2-core machine


def ensure_db(path: Path | None, count: int, folder: Path) -> Path:
    from bench_store import open_filled

    db = path or folder / f"ui-{count}.sqlite"
    open_filled(db, count)[0].close()
    return db


def started(code: str, *args: str, home: str | None = None) -> dict[str, float]:
    """One start in a fresh process: {"painted": ms, "usable": ms}. `home`: the user data
    folder (settings, log), kept from start to start as on a clerk's computer."""
    out = subprocess.run([sys.executable, "-c", code, repr(time.time()), *args],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "WULONG_DESK_HOME": home or tempfile.mkdtemp()})
    return {line.split()[0]: float(line.split()[1]) * 1000 for line in out.stdout.splitlines()}


def startup(db: Path) -> None:
    bare, painted, usable, cpu = [], [], [], []
    # the app's settings as every day after the first: one start not counted writes them
    home = tempfile.mkdtemp()
    started(APP, str(db), home=home)
    for _ in range(RUNS):  # in turn, so that a machine slowing down slows both
        bare.append(started(BARE)["painted"])
        app = started(APP, str(db), home=home)
        painted.append(app["painted"])
        usable.append(app["usable"])
        cpu.append(app["cpu"])
    b, p, u = (statistics.median(x) for x in (bare, painted, usable))
    # each start against the bare window started just before it (this machine's speed drifts)
    p_ratio = statistics.median(a / c for a, c in zip(painted, bare, strict=True))
    u_ratio = statistics.median(a / c for a, c in zip(usable, bare, strict=True))
    print(f"start-up, 10,000 cases ({RUNS} pairs, bare window and app in turn; medians): bare "
          f"PySide6 window painted {b:.0f} ms")
    print(f"  first painted case table {p:.0f} ms ({p_ratio:.2f}× the bare window)")
    print(f"  usable, every action enabled {u:.0f} ms ({u_ratio:.2f}× the bare window; worst "
          f"{max(usable):.0f} ms) (target ≤ {USABLE_MS} ms: "
          f"{'met' if u <= USABLE_MS else 'MISSED'})")
    print(f"  processor time the app's process had used by then {statistics.median(cpu):.0f} ms "
          "(what other work on the machine does not lengthen)")


def _until(app, done, tries: int = 1000) -> None:
    """Process events until done() (a bounded number of passes: spinning processEvents() in
    a tight loop some millions of times crashes this PySide6 build on a refcount)."""
    for _ in range(tries):
        app.processEvents()
        if done():
            return
    raise TimeoutError


def preview_and_editor(db: Path, cold_preview: bool = False) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtTest import QTest

    from wulong_desk.store import open_store
    from wulong_desk.ui.app import load_document_library, make_app
    from wulong_desk.ui.main_window import MainWindow

    qt_app = make_app()
    store = open_store(db, "bench", auto_backup=False)
    window = MainWindow(store)
    window.show()
    window.wait_for_totals()
    if not cold_preview:  # as the app does while 正在打开… is on screen
        load_document_library()
    window.table.selectRow(0)

    times = []
    for _ in range(2):
        start = time.perf_counter()
        window.preview_action.trigger()  # the click on 预览协议
        preview = window.exports.previews[-1]
        assert preview.job is not None and preview.job.wait() == "succeeded"
        qt_app.processEvents()
        assert preview.document.status() == QPdfDocument.Status.Ready
        assert preview.document.pageCount() > 0
        preview.view.viewport().repaint()  # the first page drawn
        times.append((time.perf_counter() - start) * 1000)
        preview.close()
        qt_app.processEvents()
    when = " (the PDF library not loaded before the click)" if cold_preview else ""
    print(f"first agreement preview in the running app, click to page shown{when}: "
          f"{times[0]:.0f} ms "
          f"(target ≤ 500 ms: {'met' if times[0] <= 500 else 'MISSED'}); "
          f"the next {times[1]:.0f} ms")

    unsigned = next(row.id for row in window.model.rows if row.status == "surveyed")
    editor = window.open_case(unsigned)  # (a signed case's money fields are locked)
    qt_app.processEvents()
    editor._timer.setInterval(0)  # (the editor waits 120 ms for the typing to pause; not counted)
    edit = editor.ui.landAreaEdit
    edit.setFocus()
    keys = [Qt.Key.Key_3, Qt.Key.Key_0, Qt.Key.Key_0, Qt.Key.Key_Backspace,
            Qt.Key.Key_Backspace, Qt.Key.Key_Backspace] * 5
    times = []
    for key in keys:
        before = editor.last_preview
        start = time.perf_counter()
        QTest.keyClick(edit, key)
        _until(qt_app, lambda b=before: editor.last_preview is not b)
        editor.panel.repaint()  # the breakdown drawn with the new figures
        times.append((time.perf_counter() - start) * 1000)
    print(f"keystroke in the case editor to the breakdown repainted: median "
          f"{statistics.median(times):.1f} ms, worst {max(times):.1f} ms over {len(times)} keys "
          f"(target ≤ 16 ms: {'met' if statistics.median(times) <= 16 else 'MISSED'})")
    editor.discard_draft()
    editor.reject()
    window.close()
    store.close()


def filtering(db: Path) -> None:
    from wulong_desk.store import open_store
    from wulong_desk.ui.app import make_app
    from wulong_desk.ui.main_window import MainWindow

    qt_app = make_app()
    store = open_store(db, "bench", auto_backup=False)  # opened here: the first queries are cold
    window = MainWindow(store)
    window.show()
    qt_app.processEvents()
    name = window.model.rows[0].owner.split("、")[0]
    texts = [name[:1], name[:2], name[:3], "芙", "芙蓉", "5002", "50023", "500232", "139"]

    def keystroke(text: str) -> float:
        window.search.blockSignals(True)  # (the app waits 150 ms for typing to pause: not counted)
        window.search.setText(text)
        window.search.blockSignals(False)
        start = time.perf_counter()
        window.apply_filter()
        qt_app.processEvents()  # the table repainted with the first page of matches
        window.wait_for_totals()  # the count and sum in the status bar
        window.totals_label.repaint()
        return (time.perf_counter() - start) * 1000

    cold = [keystroke(text) for text in texts]
    keystroke("")
    warm = [keystroke(text) for text in texts for _ in range(3)]
    for label, times in (("cold (each text the first time after opening)", cold),
                         ("warm", warm)):
        median = statistics.median(times)
        print(f"filter per keystroke at 50,000 cases incl. count and sum, {label}: median "
              f"{median:.1f} ms, worst {max(times):.1f} ms "
              f"(target ≤ 50 ms: {'met' if median <= 50 else 'MISSED'})")
    window.close()
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db10k", type=Path)
    parser.add_argument("--db50k", type=Path)
    parser.add_argument("--only", choices=("startup", "preview", "filter"))
    parser.add_argument("--cold-preview", action="store_true")
    args = parser.parse_args()
    from bench_store import print_load

    print_load()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WULONG_DESK_HOME"] = tmp
        if args.only in (None, "startup", "preview"):
            db10k = ensure_db(args.db10k, 10_000, Path(tmp))
            if args.only in (None, "startup"):
                startup(db10k)
            if args.only in (None, "preview"):
                preview_and_editor(db10k, args.cold_preview)
        if args.only in (None, "filter"):
            filtering(ensure_db(args.db50k, 50_000, Path(tmp)))


if __name__ == "__main__":
    main()
