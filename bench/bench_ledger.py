"""Benchmark: the 10,000-case ledger export as a clerk waits for it — the stored records read,
the workbook built (three sheets) and the file written — against a bare openpyxl write-only
dump of the same cell values to a file. Target (issue 16): ≤ 1.5×; printed for the workbook
built and written, and for the whole export with the reading. The two are run in turn, three
times, and each export is set against the dump run just before it (this machine's speed drifts).
Both are single-threaded, so their processor times are printed too: on a machine shared with
other work they move far less than the clock time the target is about.

Run: .venv/bin/python bench/bench_ledger.py [--db PATH]   (built with bench_store.fill if missing)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook, load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_store import open_filled, print_load

from wulong_desk.exports.ledger import build_ledger, write_bytes
from wulong_desk.services.documents.records import load_records

PAIRS = 3


def bare_dump(sheets: list[tuple[str, list[tuple]]], out: Path) -> tuple[float, float]:
    """Exactly the cell values of every sheet, no styles, no page set-up, to a file.
    Returns the seconds it took by the clock and of processor time."""
    start, cpu = time.perf_counter(), time.process_time()
    bare = Workbook(write_only=True)
    for title, rows in sheets:
        ws = bare.create_sheet(title)
        for row in rows:
            ws.append(row)
    bare.save(out)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    print_load()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WULONG_DESK_HOME"] = tmp
        db = args.db or Path(tmp) / "ledger.sqlite"
        store, _project_id, _seconds = open_filled(db, args.cases)
        out = Path(tmp) / "台账.xlsx"
        sheets: list[tuple[str, list[tuple]]] = []
        built, whole, built_cpu, whole_cpu = [], [], [], []
        for _ in range(PAIRS):
            timed = bare_dump(sheets, Path(tmp) / "bare.xlsx") if sheets else None
            start, cpu = time.perf_counter(), time.process_time()
            with store.read() as session:  # what export_ledger does, timed in its two parts
                records = load_records(session, 1)
            reading, reading_cpu = time.perf_counter() - start, time.process_time() - cpu
            start, cpu = time.perf_counter(), time.process_time()
            write_bytes(build_ledger(records, public=False, operator="bench"), out, public=False)
            writing, writing_cpu = time.perf_counter() - start, time.process_time() - cpu
            if not sheets:  # the values to dump, read back from the first ledger
                source = load_workbook(out, read_only=True)
                sheets = [(ws.title, list(ws.iter_rows(values_only=True)))
                          for ws in source.worksheets]
                source.close()
                timed = bare_dump(sheets, Path(tmp) / "bare.xlsx")
            assert timed is not None
            dump, dump_cpu = timed
            print(f"  records read {reading:.1f} s, sheets built and file written "
                  f"{writing:.1f} s, bare dump {dump:.1f} s (processor time {reading_cpu:.1f} "
                  f"/ {writing_cpu:.1f} / {dump_cpu:.1f} s)", flush=True)
            built.append(writing / dump)
            whole.append((reading + writing) / dump)
            built_cpu.append(writing_cpu / dump_cpu)
            whole_cpu.append((reading_cpu + writing_cpu) / dump_cpu)
        store.close()
        b, w = statistics.median(built), statistics.median(whole)
        bc, wc = statistics.median(built_cpu), statistics.median(whole_cpu)
        print(f"ledger of {len(records.entries):,} cases vs a bare openpyxl write-only dump of "
              f"the same values (median of {PAIRS} pairs):")
        print(f"  built and written: {b:.2f}× (target ≤ 1.5×: {'met' if b <= 1.5 else 'MISSED'});"
              f" in processor time {bc:.2f}×")
        print(f"  the whole export, reading included: {w:.2f}× (target ≤ 1.5×: "
              f"{'met' if w <= 1.5 else 'MISSED'}); in processor time {wc:.2f}×")


if __name__ == "__main__":
    main()
