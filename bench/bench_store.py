"""Benchmark: insert 50,000 cases through the services, then time a name-substring search and
the project summary. Targets (issue 3): search ≤ 30 ms, summary ≤ 100 ms at 50,000 cases.

Run: .venv/bin/python bench/bench_store.py [--cases N] [--db PATH]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from wulong_desk.services.cases import get_project, save_in_session
from wulong_desk.services.demo import DEMO_PROJECT, DEMO_REASON, household
from wulong_desk.services.projects import create_in_session
from wulong_desk.services.search import count_cases, search_cases
from wulong_desk.services.summary import project_summary
from wulong_desk.store import open_store


def timed(fn, repeat: int = 15) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def fill(store, count: int) -> int:
    """Insert `count` generated cases into a new demo-like project; returns its id."""
    rng = random.Random(7)
    deadline = date.fromisoformat(DEMO_PROJECT["signing_deadline"])
    with store.transaction() as session:
        project_id = create_in_session(session, dict(DEMO_PROJECT)).id
    batch = 1000
    for first in range(0, count, batch):
        with store.transaction() as session:
            project = get_project(session, project_id)
            for n in range(first, min(first + batch, count)):
                form = household(rng, n % 35, deadline)
                form["case_no"] = f"B-{n + 1:06d}"
                save_in_session(session, project, form, reason=DEMO_REASON)
    return project_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--db", type=Path, help="keep the database here; reused if it exists")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    db = args.db or Path(folder.name) / "bench.sqlite"
    reuse = db.exists()
    store = open_store(db, "bench", auto_backup=False)
    if reuse:
        project_id = 1
        print(f"reusing {db}")
    else:
        start = time.perf_counter()
        project_id = fill(store, args.cases)
        elapsed = time.perf_counter() - start
        print(f"inserted {args.cases} cases (computed, audited) in {elapsed:.1f} s "
              f"= {args.cases / elapsed:,.0f} cases/s")

    with store.read() as session:
        name = search_cases(session, project_id, limit=1)[0].owner.split("、")[0]
        needle = name[1:]  # a given-name substring, e.g. 建华
        ms, rows = timed(lambda: search_cases(session, project_id, needle, limit=200))
        total = count_cases(session, project_id, needle)
        print(f"search '{needle}': {total} matches, first page of {len(rows)} in {ms:.1f} ms "
              f"(median of 15; target ≤ 30 ms)")
        ms_count, _ = timed(lambda: count_cases(session, project_id, needle))
        print(f"count of matches: {ms_count:.1f} ms")
        ms, summary = timed(lambda: project_summary(session, project_id))
        print(f"project summary ({summary.households} households): {ms:.1f} ms "
              f"(median of 15; target ≤ 100 ms)")
    store.close()
    folder.cleanup()


if __name__ == "__main__":
    main()
