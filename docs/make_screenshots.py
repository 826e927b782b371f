"""Save real screenshots of the main window and the case editor with demo data.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py [ledger]
(the windows at the size a 1366×768 laptop gives them: `LAPTOP`)
Writes main-window.png, case-editor.png, dashboard.png, export-dialog.png, preview.png,
history.png and data-dialog.png to docs/screenshots/; with LibreOffice and poppler-utils
installed also the printed pages: ledger-print.png (the signed ledger's 汇总),
ledger-household-print.png (a household's 分户明细 page), notice-print.png, agreement-page.png
and the other public notices' first pages (notice-survey-print.png,
notice-unregistered-print.png, notice-appraisal-print.png, notice-min-housing-print.png;
`notice_pages` alone writes these). With `ledger`, only the two ledger pages.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
OUT = Path(__file__).resolve().parent / "screenshots"
# the clerks' laptop: a 1366×768 screen less a 40-pixel taskbar; every window is shot at the size
# it has there (run under `xvfb-run -s "-screen 0 1366x768x24"` to see the same screen)
LAPTOP = (1366, 728)


def settle(app, seconds: float) -> None:
    import time

    until = time.monotonic() + seconds
    while time.monotonic() < until:
        app.processEvents()
        time.sleep(0.02)


def printed_pages(store, project_id: int, folder: Path) -> None:
    """The ledger and the notice as LibreOffice prints them, an agreement's first page."""
    import shutil
    import subprocess

    from wulong_desk.services.documents.exports import export_documents, export_ledger

    if not (shutil.which("soffice") and shutil.which("pdftoppm")):
        print("LibreOffice or poppler-utils missing: no printed pages")
        return
    ledger_pages(store, project_id, folder)
    export_ledger(store, project_id, folder / "notice.xlsx", public=True, operator="演示")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                    str(folder / "notice.xlsx")], check=True,
                   capture_output=True, env=_soffice_env(folder), timeout=300)
    notice_pages(store, project_id, folder)
    documents = export_documents(store, project_id, folder / "agreements", case_ids=None)
    exchange = next(p for p in documents.files if "产权调换" in p.name)
    for pdf, name, resolution in ((folder / "notice.pdf", "notice-print", 70),
                                  (exchange, "agreement-page", 60)):
        subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", "1",
                        "-singlefile", str(pdf), str(OUT / name)], check=True)


def ledger_pages(store, project_id: int, folder: Path) -> None:
    """The signed ledger as LibreOffice prints it: its 汇总's first page, and the first 分户明细
    page of a household with every kind of schedule (an exchange delivered late)."""
    import subprocess

    from wulong_desk.services.documents.exports import export_ledger

    export_ledger(store, project_id, folder / "ledger.xlsx", public=False, operator="演示")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                    str(folder / "ledger.xlsx")], check=True, capture_output=True,
                   env=_soffice_env(folder), timeout=300)
    pdf = folder / "ledger.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout.split("\f")
    household = next(number for number, page in enumerate(text, start=1)
                     if "分户补偿明细" in page and "逾期交房加付" in page)
    if "分户补偿明细（续）" in text[household - 1]:   # its page went on to a second sheet
        household -= 1
    for first, name in ((1, "ledger-print"), (household, "ledger-household-print")):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(first), "-l", str(first),
                        "-singlefile", str(pdf), str(OUT / name)], check=True)


def _soffice_env(folder: Path) -> dict[str, str]:
    """The bundled CJK font, so LibreOffice can draw the Chinese."""
    from wulong_desk.paths import resources_dir

    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<dir>{resources_dir() / "fonts"}</dir><cachedir>{folder / "fc"}</cachedir></fontconfig>""")
    return {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(folder)}


def notice_pages(store, project_id: int, folder: Path) -> None:
    """The first page of each of the other public notices, as LibreOffice prints it."""
    import subprocess
    from datetime import date

    from wulong_desk.services.documents.notices import export_notice

    kinds = ("survey", "unregistered", "appraisal", "min-housing")
    for kind in kinds:
        export_notice(store, project_id, folder / f"notice-{kind}.xlsx", kind=kind,
                      period=(date(2023, 5, 15), None))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                    *(str(folder / f"notice-{kind}.xlsx") for kind in kinds)], check=True,
                   capture_output=True, env=_soffice_env(folder), timeout=300)
    for kind in kinds:
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(folder / f"notice-{kind}.pdf"), str(OUT / f"notice-{kind}-print")],
                       check=True)


def main() -> int:
    if sys.argv[1:] == ["ledger"]:
        with tempfile.TemporaryDirectory() as home:
            os.environ["WULONG_DESK_HOME"] = home
            from wulong_desk.services.projects.demo import create_demo
            from wulong_desk.store import open_store

            store = open_store(Path(home) / "demo.sqlite", "演示")
            project_id = create_demo(store)
            OUT.mkdir(parents=True, exist_ok=True)
            ledger_pages(store, project_id, Path(home))
            store.close()
        print(f"saved to {OUT}")
        return 0
    with tempfile.TemporaryDirectory() as home:
        os.environ["WULONG_DESK_HOME"] = home
        from PySide6.QtCore import Qt

        from wulong_desk.services.projects.demo import create_demo
        from wulong_desk.store import open_store
        from wulong_desk.ui.app import make_app
        from wulong_desk.ui.main_window import MainWindow

        app = make_app()
        store = open_store(Path(home) / "demo.sqlite", "演示")
        create_demo(store)
        window = MainWindow(store)
        window.resize(*LAPTOP)
        window.show()
        window.wait_for_totals()
        app.processEvents()
        OUT.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(OUT / "main-window.png"))
        row = next(i for i, r in enumerate(window.model.rows) if r.method == "exchange")
        editor = window.open_case(window.model.case_id(row))
        assert editor is not None
        editor.setWindowState(editor.windowState() & ~Qt.WindowState.WindowMaximized)
        editor.resize(*LAPTOP)
        app.processEvents()
        editor.grab().save(str(OUT / "case-editor.png"))
        from wulong_desk.services.cases.changes import history
        from wulong_desk.ui.history_dialog import HistoryDialog

        shown = HistoryDialog(history(store, editor.case_id), editor)
        shown.resize(1100, 360)
        shown.show()
        app.processEvents()
        shown.grab().save(str(OUT / "history.png"))
        shown.close()
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
        dialog.kind_combo.setCurrentIndex(1)  # the public notice, with its 公示期
        dialog.period_from.setText("2023-09-28")   # (the 公示期 typed as a clerk writes it)
        app.processEvents()
        dialog.grab().save(str(OUT / "export-dialog.png"))
        dialog.close()
        from wulong_desk.services.projects.standard_info import project_standard
        from wulong_desk.ui.data_dialog import DataDialog

        with store.read() as session:
            standard = project_standard(session, window.project_id())
        data = DataDialog(store.path, standard, window)
        data.show()
        app.processEvents()
        data.grab().save(str(OUT / "data-dialog.png"))
        data.close()
        preview = window.exports.preview_selected()
        assert preview is not None and preview.job is not None
        preview.job.wait()
        settle(app, 1.5)  # QPdfView renders pages on its own threads
        preview.grab().save(str(OUT / "preview.png"))
        preview.close()
        printed_pages(store, window.project_id(), Path(home))
        window.close()
        store.close()
    print(f"saved to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
