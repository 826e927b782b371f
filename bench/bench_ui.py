"""Benchmark the desktop app: start-up to the first painted case table with 10,000 cases against
a bare PySide6 window measured in the same run, and per-keystroke filter time at 50,000 cases.

Targets (issue 4): start-up ≤ 2× the bare window; filter ≤ 50 ms a keystroke.
Run: .venv/bin/python bench/bench_ui.py [--db10k PATH] [--db50k PATH]   (databases are built
with bench_store.fill when missing — the 50,000-case one takes a few minutes)
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

BARE = r"""
import sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication([])
w = QMainWindow(); table = QTableView(); w.setCentralWidget(table); w.resize(1280, 780); w.show()
def painted():
    print(time.time() - t0); app.quit()
QTimer.singleShot(0, painted)
app.exec()
"""

APP = r"""
import sys, time
t0 = float(sys.argv[1])
from pathlib import Path
from PySide6.QtCore import QTimer
# `wulong-desk --db PATH --operator bench` as a clerk starts it (the same entry point, the
# same code), watched through two of the main window's own steps
from wulong_desk.ui.main_window import MainWindow
shown, attached = MainWindow.show, MainWindow.set_store
def painted(window):
    assert window.model.rowCount() > 0
    print(time.time() - t0, flush=True)  # the case table is on screen
def show(window):
    shown(window)
    QTimer.singleShot(0, lambda: painted(window))
def set_store(window, store):
    attached(window, store)
    print(time.time() - t0, flush=True)  # the store is open: every action works
    QTimer.singleShot(0, window.close)
MainWindow.show, MainWindow.set_store = show, set_store
from wulong_desk.cli import main
sys.exit(main(["--db", sys.argv[2], "--operator", "bench", "--no-crash-dialog"]))
"""


def ensure_db(path: Path | None, count: int, folder: Path) -> Path:
    from bench_store import fill

    from wulong_desk.store import open_store

    db = path or folder / f"ui-{count}.sqlite"
    if not db.exists():
        print(f"building {count} cases in {db} …", flush=True)
        store = open_store(db, "bench", auto_backup=False)
        fill(store, count)
        store.close()
    return db


RUNS = 9


def startup_once(code: str, *args: str) -> tuple[float, float]:
    """One start in a fresh process: (first painted, last figure printed) in ms."""
    out = subprocess.run([sys.executable, "-c", code, repr(time.time()), *args],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "WULONG_DESK_HOME": tempfile.mkdtemp()})
    figures = out.stdout.strip().splitlines()
    return float(figures[0]) * 1000, float(figures[-1]) * 1000


def startups(db: Path) -> tuple[float, float, float, float]:
    """The bare window and the app started in turn, RUNS times each (so a machine that slows
    down meanwhile slows both): medians of bare, app first paint, app ready, and of the
    ratios of each pair."""
    bare, app, ready, ratios = [], [], [], []
    for _ in range(RUNS):
        b, _ = startup_once(BARE)
        a, r = startup_once(APP, str(db))
        bare.append(b)
        app.append(a)
        ready.append(r)
        ratios.append(a / b)
    return (statistics.median(bare), statistics.median(app), statistics.median(ready),
            statistics.median(ratios))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db10k", type=Path)
    parser.add_argument("--db50k", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db10k = ensure_db(args.db10k, 10_000, Path(tmp))
        bare, app, ready, ratio = startups(db10k)
        print(f"start-up to first painted table: bare PySide6 window {bare:.0f} ms, "
              f"Wulong Desk with 10,000 cases {app:.0f} ms; ratio {ratio:.2f}× "
              f"(median of {RUNS} pairs run in turn; target ≤ 2×); store open and every "
              f"action ready at {ready:.0f} ms")

        db50k = ensure_db(args.db50k, 50_000, Path(tmp))
        os.environ["WULONG_DESK_HOME"] = tmp
        from wulong_desk.store import open_store
        from wulong_desk.ui.app import make_app
        from wulong_desk.ui.main_window import MainWindow

        qt_app = make_app()
        store = open_store(db50k, "bench", auto_backup=False)
        window = MainWindow(store)
        window.show()
        qt_app.processEvents()
        name = window.model.rows[0].owner.split("、")[0]
        times = []
        for text in [name[:1], name[:2], name[:3], name[:2], name[:1], "", "芙", "芙蓉",
                     "5002", "50023", "500232"]:
            window.search.blockSignals(True)
            window.search.setText(text)
            window.search.blockSignals(False)
            start = time.perf_counter()
            window.apply_filter()
            qt_app.processEvents()  # the table is repainted with the first page of matches
            times.append((time.perf_counter() - start) * 1000)
            window.wait_for_totals()  # (the count and sum arrive from a worker thread)
        print("filter per keystroke at 50,000 cases: "
              f"median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms "
              f"(target ≤ 50 ms)")
        window.close()
        store.close()


if __name__ == "__main__":
    main()
