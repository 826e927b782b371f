"""Benchmark: agreement PDFs as a clerk waits for them, the stored record loaded and the file
written each time: 1,000 agreements exported in one go (export_documents: records read, PDFs
built, files written and moved into place), and 200 one at a time (each case's record loaded,
its PDF built and written, as the preview's "save as" does). Target (issue 16): ≤ 150 ms per
document over 1,000.

Run: .venv/bin/python bench/bench_pdf.py [--db PATH]   (a 10,000-case database built with
bench_store.fill when missing; the first 1,000 complete cases are exported)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

COUNT = 1_000
SINGLE = 200
TARGET_MS = 150


def main() -> None:
    from bench_store import open_filled, print_load
    from sqlalchemy import select

    from wulong_desk.fileio import write_atomically
    from wulong_desk.services.documents.exports import build_document, export_documents
    from wulong_desk.store.models import Case, CaseResult

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    print_load()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WULONG_DESK_HOME"] = tmp
        db = args.db or Path(tmp) / "pdf.sqlite"
        store, _project_id, _seconds = open_filled(db, 10_000)
        with store.read() as session:
            ids = list(session.scalars(
                select(Case.id).join(CaseResult).where(Case.project_id == 1, CaseResult.ok)
                .order_by(Case.id).limit(COUNT)))
        start = time.perf_counter()
        result = export_documents(store, 1, Path(tmp) / "协议", case_ids=ids)
        batch = (time.perf_counter() - start) * 1000 / result.count
        print(f"{result.count:,} agreements exported (records read, PDFs built, files written): "
              f"{batch:.0f} ms per document (target ≤ {TARGET_MS} ms: "
              f"{'met' if batch <= TARGET_MS else 'MISSED'})", flush=True)

        single = []
        out = Path(tmp) / "one"
        out.mkdir()
        for case_id in ids[:SINGLE]:
            start = time.perf_counter()
            name, data = build_document(store, case_id, "agreement")
            write_atomically(out / name, data, private=True)
            single.append((time.perf_counter() - start) * 1000)
        print(f"one at a time ({SINGLE}: record loaded, PDF built, file written): median "
              f"{statistics.median(single):.0f} ms, worst {max(single):.0f} ms")
        store.close()


if __name__ == "__main__":
    main()
