"""Benchmark: one agreement cold (a fresh process: imports, font, document), and 1,000
agreements in one batch (per document). Target (issue 6): ≤ 150 ms per document in batch.

Run: .venv/bin/python bench/bench_pdf.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLD = r"""
import sys, time
t0 = time.perf_counter()
from wulong_desk.exports.agreement import build_pdf
from wulong_desk.services.records import load_case
from wulong_desk.store import open_store
store = open_store(sys.argv[1], "bench", auto_backup=False)
with store.read() as session:
    project, entry = load_case(session, 2)
build_pdf(entry.method, project, entry)
print((time.perf_counter() - t0) * 1000)
"""


def main() -> None:
    from wulong_desk.exports.agreement import build_pdf
    from wulong_desk.services.demo import create_demo
    from wulong_desk.services.records import load_records
    from wulong_desk.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "pdf.sqlite"
        store = open_store(db, "bench", auto_backup=False)
        project_id = create_demo(store, households=36)
        with store.read() as session:
            records = load_records(session, project_id)
        cold = float(subprocess.run([sys.executable, "-c", COLD, str(db)], check=True,
                                    capture_output=True, text=True).stdout.strip())
        print(f"one agreement cold (new process, imports included): {cold:.0f} ms")
        entries = records.entries
        start = time.perf_counter()
        for n in range(1000):
            entry = entries[n % len(entries)]
            build_pdf(entry.method, records.project, entry)
        elapsed = time.perf_counter() - start
        print(f"1,000 agreements in one batch: {elapsed:.1f} s = {elapsed:.0f} ms per document "
              f"(target ≤ 150 ms)")
        store.close()


if __name__ == "__main__":
    main()
