"""Benchmark: the office server (PostgreSQL) beside a file (SQLite) in the same run.

1. List (first page + count), search (first page + count of matches) and the project summary
   at 50,000 cases, each the median of warm runs on an open store; the ratio PostgreSQL /
   SQLite is printed beside the target (≤ 2× SQLite and ≤ 150 ms, issue 18).
2. Saves per second with 8 concurrent writers (separate processes, each saving shared cases
   with the version it read, as tests/test_concurrent_saves.py does), on both.

A throw-away PostgreSQL cluster is started (tests/pg_cluster.py) unless --server names one
(its password from PGPASSWORD or .pgpass; the database must exist and be empty or
`server init`-ed).

Run: .venv/bin/python bench/bench_server.py [--cases N] [--saves N] [--server URL]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_store import fill, print_load  # noqa: E402

from wulong_desk.services.cases.search import count_cases, search_cases  # noqa: E402
from wulong_desk.services.projects.summary import project_summary  # noqa: E402
from wulong_desk.store import open_store  # noqa: E402

TARGET_RATIO = 2.0
TARGET_MS = 150.0
WRITERS = 8


def warm_ms(store, query, repeat: int = 15) -> tuple[float, object]:
    with store.read() as session:
        answer = query(session)   # the first one warms the caches and plans
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            answer = query(session)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), answer


def queries(project_id: int, needle: str) -> dict[str, object]:
    return {
        "list (first page and count)": lambda s: (
            len(search_cases(s, project_id, "", limit=200)), count_cases(s, project_id, "")),
        "search (first page and count)": lambda s: (
            len(search_cases(s, project_id, needle, limit=200)),
            count_cases(s, project_id, needle)),
        "project summary": lambda s: project_summary(s, project_id).households,
    }


def writers(target: str, saves: int) -> tuple[float, int, int]:
    """8 processes saving shared cases at once: (saves applied per second, applied, conflicts)."""
    from store_helpers import case_form, project_form

    from wulong_desk.services.cases import changes as cases
    from wulong_desk.services.projects import project as projects

    store = open_store(target, "bench")
    project_id = projects.create_project(store, project_form() | {"name": "并发保存"})
    ids = [cases.save_case(store, project_id, case_form(case_no=f"W-{i}")).case_id
           for i in range(WRITERS * 2)]
    store.close()
    worker = ROOT / "tests" / "concurrency_worker.py"
    env = os.environ | {"PYTHONPATH": str(ROOT / "tests")}
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, str(worker), target, str(w), str(saves),
                               str(project_id), json.dumps(ids)], stdout=subprocess.PIPE,
                              text=True, env=env) for w in range(WRITERS)]
    outcomes = [json.loads(p.communicate()[0]) for p in procs]
    elapsed = time.perf_counter() - start
    applied = sum(len(o["applied"]) for o in outcomes)
    conflicts = sum(len(o["conflicts"]) for o in outcomes)
    return applied / elapsed, applied, conflicts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--saves", type=int, default=100, help="saves per writer")
    parser.add_argument("--server", help="postgresql://user@host:port/db (default: a "
                                         "throw-away cluster)")
    args = parser.parse_args()
    print_load()
    folder = tempfile.TemporaryDirectory()
    cluster = None
    server = args.server
    if server is None:
        from pg_cluster import OWNER_PASSWORD, Cluster, find_binaries

        binaries = find_binaries()
        if binaries is None:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
        cluster = Cluster(binaries)
        cluster.start()
        os.environ["PGPASSWORD"] = OWNER_PASSWORD
        server = cluster.create_database("bench")
        cluster.create_database("bench_writers")
    from wulong_desk.store.server import init_server

    try:
        init_server(server)
        targets = {"SQLite": str(Path(folder.name) / "bench.sqlite"), "PostgreSQL": server}
        results: dict[str, dict[str, float]] = {}
        for name, target in targets.items():
            store = open_store(target, "bench")
            start = time.perf_counter()
            project_id = fill(store, args.cases)
            elapsed = time.perf_counter() - start
            print(f"{name}: inserted {args.cases:,} cases (computed, audited) in {elapsed:.1f} s "
                  f"= {args.cases / elapsed:,.0f} cases/s")
            if name == "PostgreSQL":
                with store.engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")
            with store.read() as session:
                needle = search_cases(session, project_id, limit=1)[0].owner.split("、")[0][1:]
            results[name] = {}
            for label, query in queries(project_id, needle).items():
                ms, answer = warm_ms(store, query)
                results[name][label] = ms
                print(f"  {name} {label} at {args.cases:,} cases ({answer}): {ms:.1f} ms")
            store.close()
        for label in results["SQLite"]:
            lite, pg = results["SQLite"][label], results["PostgreSQL"][label]
            met = pg <= TARGET_RATIO * lite and pg <= TARGET_MS
            print(f"{label}: PostgreSQL {pg:.1f} ms / SQLite {lite:.1f} ms = {pg / lite:.2f}× "
                  f"(target ≤ {TARGET_RATIO:.0f}× and ≤ {TARGET_MS:.0f} ms: "
                  f"{'met' if met else 'MISSED'})")
        writer_targets = {"SQLite": str(Path(folder.name) / "writers.sqlite"),
                          "PostgreSQL": (cluster.url(database="bench_writers") if cluster
                                         else server)}
        for name, target in writer_targets.items():
            if name == "PostgreSQL" and cluster:
                init_server(target)
            rate, applied, conflicts = writers(target, args.saves)
            print(f"{name}: {WRITERS} writers × {args.saves} saves: {rate:.1f} saves/s applied "
                  f"({applied} applied, {conflicts} reported as conflicts, none lost)")
    finally:
        if cluster is not None:
            cluster.stop()
        folder.cleanup()


if __name__ == "__main__":
    main()
