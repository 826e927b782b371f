"""Benchmark: the 10,000-case ledger export as a clerk waits for it — the stored records read,
the workbook built (three sheets) and the file written — against a bare openpyxl write-only
dump of the same cell values to a file, in the same run. Target (issue 16): ≤ 1.5×.

Run: .venv/bin/python bench/bench_ledger.py [--db PATH]   (built with bench_store.fill if missing)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook, load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_store import fill

from wulong_desk.services.exports import export_ledger
from wulong_desk.store import open_store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WULONG_DESK_HOME"] = tmp
        db = args.db or Path(tmp) / "ledger.sqlite"
        fresh = not db.exists()
        store = open_store(db, "bench", auto_backup=False)
        if fresh:
            print(f"building {args.cases} cases …", flush=True)
            fill(store, args.cases)
        out = Path(tmp) / "台账.xlsx"
        start = time.perf_counter()
        result = export_ledger(store, 1, out, public=False, operator="bench")
        ledger = time.perf_counter() - start
        store.close()

        # the bare dump: exactly the cell values of every sheet, no styles, no page set-up
        source = load_workbook(out, read_only=True)
        sheets = [(ws.title, list(ws.iter_rows(values_only=True))) for ws in source.worksheets]
        source.close()
        start = time.perf_counter()
        bare = Workbook(write_only=True)
        for title, rows in sheets:
            ws = bare.create_sheet(title)
            for row in rows:
                ws.append(row)
        bare.save(Path(tmp) / "bare.xlsx")
        dump = time.perf_counter() - start
        ratio = ledger / dump
        print(f"ledger of {result.count:,} cases (records read, 3 sheets built, file written) "
              f"{ledger:.1f} s; bare openpyxl write-only dump of the same values to a file "
              f"{dump:.1f} s; ratio {ratio:.2f} (target ≤ 1.5: "
              f"{'met' if ratio <= 1.5 else 'MISSED'})")


if __name__ == "__main__":
    main()
