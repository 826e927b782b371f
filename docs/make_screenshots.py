"""Save real screenshots of the main window and the case editor with demo data.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py
Writes main-window.png, case-editor.png, dashboard.png, export-dialog.png and preview.png
to docs/screenshots/.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
OUT = Path(__file__).resolve().parent / "screenshots"


def settle(app, seconds: float) -> None:
    import time

    until = time.monotonic() + seconds
    while time.monotonic() < until:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    with tempfile.TemporaryDirectory() as home:
        os.environ["WULONG_DESK_HOME"] = home
        from wulong_desk.services.demo import create_demo
        from wulong_desk.store import open_store
        from wulong_desk.ui.app import make_app
        from wulong_desk.ui.main_window import MainWindow

        app = make_app()
        store = open_store(Path(home) / "demo.sqlite", "演示")
        create_demo(store)
        window = MainWindow(store)
        window.resize(1400, 820)
        window.show()
        window.wait_for_totals()
        app.processEvents()
        OUT.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(OUT / "main-window.png"))
        row = next(i for i, r in enumerate(window.model.rows) if r.method == "exchange")
        editor = window.open_case(window.model.case_id(row))
        assert editor is not None
        editor.resize(1500, 900)
        app.processEvents()
        editor.grab().save(str(OUT / "case-editor.png"))
        editor.close()
        window.tabs.setCurrentWidget(window.dashboard)
        window.dashboard.wait()
        app.processEvents()
        window.grab().save(str(OUT / "dashboard.png"))
        window.tabs.setCurrentWidget(window.table)
        from wulong_desk.ui.export_dialog import ExportDialog

        window.table.selectRow(row)
        dialog = ExportDialog(window.project_name(), window.model.total_count,
                              window.selected_case_ids(), window)
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(OUT / "export-dialog.png"))
        dialog.close()
        preview = window.exports.preview_selected()
        assert preview is not None and preview.job is not None
        preview.job.wait()
        settle(app, 1.5)  # QPdfView renders pages on its own threads
        preview.grab().save(str(OUT / "preview.png"))
        preview.close()
        window.close()
        store.close()
    print(f"saved to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
