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
from wulong_desk.ui.app import make_app, open_window
app = make_app()
# the app's own start path (ui.app.run minus the operator prompt and the lock)
w, opening = open_window(Path(sys.argv[2]), "bench"); w.resize(1280, 780)
def painted():
    assert w.model.rowCount() > 0
    print(time.time() - t0)  # the case table is on screen
    if opening is not None:
        opening.wait()
        assert opening.outcome == "succeeded" and w.store is not None
    print(time.time() - t0)  # the store is open: every action works
    w.store.close(); app.quit()
QTimer.singleShot(0, painted)
app.exec()
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


def startup(code: str, *args: str) -> tuple[float, float]:
    """Median of 5 runs: (first painted, last figure printed) in ms."""
    first, last = [], []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", code, repr(time.time()), *args],
                             capture_output=True, text=True, check=True,
                             env={**os.environ, "WULONG_DESK_HOME": tempfile.mkdtemp()})
        figures = out.stdout.strip().splitlines()
        first.append(float(figures[0]) * 1000)
        last.append(float(figures[-1]) * 1000)
    return statistics.median(first), statistics.median(last)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db10k", type=Path)
    parser.add_argument("--db50k", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db10k = ensure_db(args.db10k, 10_000, Path(tmp))
        bare, _ = startup(BARE)
        app, ready = startup(APP, str(db10k))
        print(f"start-up to first painted table: bare PySide6 window {bare:.0f} ms, "
              f"Wulong Desk with 10,000 cases {app:.0f} ms = {app / bare:.2f}× "
              f"(median of 5; target ≤ 2×); store open and every action ready at "
              f"{ready:.0f} ms")

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
