"""Benchmark: the project summary (now with paid and outstanding) and the due list the
dashboard shows, on a generated project. Anchors: summary ≤ 100 ms at 50,000 cases (issue 3);
the due list is read on the dashboard's worker thread, anchor ≤ 1 s at 50,000 cases (issue 19).

Run: .venv/bin/python bench/bench_procedure.py [--cases N] [--db PATH]
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

from bench_store import open_filled, timed

from wulong_desk.services.procedure.due_list import due_list
from wulong_desk.services.procedure.workdays import WorkCalendar
from wulong_desk.services.projects.summary import project_summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--db", type=Path, help="keep the database here; reused if it exists")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    db = args.db or Path(folder.name) / "bench.sqlite"
    store, project_id, elapsed = open_filled(db, args.cases)
    if elapsed is not None:
        print(f"inserted {args.cases} cases in {elapsed:.1f} s")
    calendar = WorkCalendar()
    with store.read() as session:
        ms, summary = timed(lambda: project_summary(session, project_id), repeat=7)
        print(f"project summary with paid/outstanding ({summary.households} households): "
              f"{ms:.1f} ms (median of 7; anchor ≤ 100 ms at 50,000)")
        ms, items = timed(lambda: due_list(session, project_id, date(2026, 11, 30), calendar),
                          repeat=5)
        print(f"due list ({len(items)} lines): {ms:.1f} ms (median of 5; anchor ≤ 1000 ms "
              f"at 50,000)")
    store.close()
    folder.cleanup()


if __name__ == "__main__":
    main()
