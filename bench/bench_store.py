"""Benchmark: insert 50,000 cases through the services, then time the search (first page and
the count of matches) and the project summary as a clerk meets them: the first query after the
database is opened (a fresh store each time), and then warm. Target (issue 16): ≤ 100 ms for
the first query after opening, at 50,000 cases.

Run: .venv/bin/python bench/bench_store.py [--cases N] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from wulong_desk.services.cases.changes import save_in_session
from wulong_desk.services.cases.lookup import get_project
from wulong_desk.services.cases.search import count_cases, search_cases
from wulong_desk.services.procedure.project_decision import decide_in_session
from wulong_desk.services.projects.demo import DEMO_PROJECT, DEMO_REASON, household
from wulong_desk.services.projects.project import create_in_session
from wulong_desk.services.projects.summary import project_summary
from wulong_desk.store import Store, open_store


def timed(fn, repeat: int = 15) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def print_load() -> None:
    """The machine's load, printed before the figures: a busy machine explains a slow one."""
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)


def open_filled(db: Path, count: int) -> tuple[Store, int, float | None]:
    """Open the benchmark database at db; a new one is first filled with `count` generated
    cases. Returns the store, the project's id and the seconds filling took (None: reused)."""
    fresh = not db.exists()
    store = open_store(db, "bench", auto_backup=False)
    if not fresh:
        return store, 1, None
    print(f"building {count:,} cases …", flush=True)
    start = time.perf_counter()
    project_id = fill(store, count)
    return store, project_id, time.perf_counter() - start


def fill(store, count: int) -> int:
    """Insert `count` generated cases into a new demo-like project (a 旧城区改建 project: its
    presigns saved before the decision, the other households after it, as the office does);
    returns its id."""
    rng = random.Random(7)
    deadline = date.fromisoformat(DEMO_PROJECT["signing_deadline"])
    forms = []
    for n in range(count):
        form = household(rng, n % 35, deadline)
        form["case_no"] = f"B-{n + 1:06d}"
        if form["case"].get("presign"):   # a converted presign: here it stays presigned
            form["status"] = "presigned"
        forms.append(form)
    with store.transaction() as session:
        project_id = create_in_session(session, dict(DEMO_PROJECT)).id
    presigns = [form for form in forms if form["status"] == "presigned"]
    _save_all(store, project_id, presigns)
    with store.transaction() as session:
        decide_in_session(session, get_project(session, project_id),
                          date.fromisoformat(DEMO_PROJECT["decision_made_on"]),
                          date.fromisoformat(DEMO_PROJECT["announced_on"]),
                          DEMO_PROJECT["decision_no"])
    _save_all(store, project_id, [form for form in forms if form["status"] != "presigned"])
    return project_id


def _save_all(store, project_id: int, forms: list, batch: int = 1000) -> None:
    for first in range(0, len(forms), batch):
        with store.transaction() as session:
            project = get_project(session, project_id)
            for form in forms[first:first + batch]:
                save_in_session(session, project, form, reason=DEMO_REASON)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--db", type=Path, help="keep the database here; reused if it exists")
    args = parser.parse_args()
    print_load()
    folder = tempfile.TemporaryDirectory()
    db = args.db or Path(folder.name) / "bench.sqlite"
    store, project_id, elapsed = open_filled(db, args.cases)
    if elapsed is None:
        print(f"reusing {db}")
    else:
        print(f"inserted {args.cases} cases (computed, audited) in {elapsed:.1f} s "
              f"= {args.cases / elapsed:,.0f} cases/s")

    with store.read() as session:
        name = search_cases(session, project_id, limit=1)[0].owner.split("、")[0]
    store.close()
    needle = name[1:]  # a given-name substring, e.g. 建华

    def search(session):
        rows = search_cases(session, project_id, needle, limit=200)
        return len(rows), count_cases(session, project_id, needle)

    def summary(session):
        return project_summary(session, project_id).households

    for label, query in (("search (first page and count of matches)", search),
                         ("project summary", summary)):
        first = []
        for _ in range(5):  # each time the first query on a freshly opened database
            store = open_store(db, "bench", auto_backup=False)
            with store.read() as session:
                start = time.perf_counter()
                answer = query(session)
                first.append((time.perf_counter() - start) * 1000)
                warm, _ = timed(lambda s=session, q=query: q(s))
            store.close()
        ms = statistics.median(first)
        print(f"{label} at {args.cases:,} cases ({answer}): first query after opening, median "
              f"of 5 opens {ms:.1f} ms (worst {max(first):.1f}), warm {warm:.1f} ms "
              f"(target ≤ 100 ms first after opening: {'met' if ms <= 100 else 'MISSED'})")
    folder.cleanup()


if __name__ == "__main__":
    main()
