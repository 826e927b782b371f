"""Benchmark: a 10,000-case ledger export against a bare openpyxl write-only dump of the same
cell values, in the same run. Target (issue 5): ratio ≤ 1.5.

Run: .venv/bin/python bench/bench_ledger.py [--db PATH]   (built with bench_store.fill if missing)
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_store import fill

from wulong_desk.exports.ledger import build_ledger
from wulong_desk.services.records import load_records
from wulong_desk.store import open_store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "ledger.sqlite"
        fresh = not db.exists()
        store = open_store(db, "bench", auto_backup=False)
        if fresh:
            print(f"building {args.cases} cases …", flush=True)
            fill(store, args.cases)
        start = time.perf_counter()
        with store.read() as session:
            records = load_records(session, 1)
        loading = time.perf_counter() - start
        start = time.perf_counter()
        data = build_ledger(records, public=False, operator="bench", exported_at=datetime.now())
        ledger = time.perf_counter() - start
        print(f"{len(records.entries)} cases: reading the stored records {loading:.2f} s, "
              f"ledger workbook (3 sheets) {ledger:.2f} s")

        # the bare dump: exactly the cell values of every sheet, no styles, no page set-up
        source = load_workbook(io.BytesIO(data), read_only=True)
        sheets = [(ws.title, list(ws.iter_rows(values_only=True))) for ws in source.worksheets]
        source.close()
        start = time.perf_counter()
        bare = Workbook(write_only=True)
        for title, rows in sheets:
            ws = bare.create_sheet(title)
            for row in rows:
                ws.append(row)
        bare.save(io.BytesIO())
        dump = time.perf_counter() - start
        print(f"bare write-only dump of the same values {dump:.2f} s; "
              f"ratio {ledger / dump:.2f} (target ≤ 1.5)")
        store.close()


if __name__ == "__main__":
    main()
