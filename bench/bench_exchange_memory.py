"""Benchmark: the memory (and time) of `export-cases`, of the public notices (`notice`: the
分户补偿情况公示 with every household, settled or 拟, read from the computed records, and the
调查登记结果 read from the cases themselves), of the signed ledger (`ledger`: 汇总, a 分户明细
page per household over several sheets, 参数) and of `verify-ledger` reading that ledger back
cell by cell, for a 50,000-case project, each run as the command line runs it, in a process of
its own. Anchor (issue 25, item 6; issue 28 keeps it for every notice kind): peak memory
≤ 500 MB each at 50,000 cases (before: export-cases 950 MB, the ledger 2.1 GB and 153 s,
verify-ledger refused the app's own ledger). The peak is the child process's own high-water
mark (wait4's ru_maxrss), printed beside the anchor; the seconds beside it (no anchor: the
export and the check show their progress or run on the command line).

Run: .venv/bin/python bench/bench_exchange_memory.py [--db PATH] [--cases N]
     (the database is built with bench_store.fill if missing; keep it with --db to rerun)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_store import open_filled, print_load

ANCHOR_MB = 500


def peak_of(argv: list[str]) -> tuple[float, float, int]:
    """Run the command line in a child process; its peak memory (MB), seconds, exit code."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "wulong_desk", *argv],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        print(child.stderr.read().decode("utf-8", "replace") if child.stderr else "")
    return usage.ru_maxrss / 1024, time.perf_counter() - start, child.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--only", nargs="*", help="run only these (e.g. ledger verify-ledger)")
    args = parser.parse_args()
    print_load()
    folder = tempfile.TemporaryDirectory()
    db = args.db or Path(folder.name) / "bench.sqlite"
    store, project_id, elapsed = open_filled(db, args.cases)
    store.close()
    if elapsed is not None:
        print(f"built in {elapsed:.0f} s")
    out = Path(folder.name)
    runs = {
        "export-cases": ["export-cases", "--db", str(db), "--project", str(project_id),
                         "--out", str(out / "cases.json")],
        "notice compensation (all)": ["notice", "--db", str(db), "--project", str(project_id),
                                      "--kind", "compensation", "--include-unsigned",
                                      "--out", str(out / "notice.xlsx"),
                                      "--from", "2023-06-01"],
        "notice survey": ["notice", "--db", str(db), "--project", str(project_id),
                          "--kind", "survey", "--out", str(out / "survey.xlsx")],
        "ledger": ["ledger", "--db", str(db), "--project", str(project_id),
                   "--out", str(out / "ledger.xlsx")],
        "verify-ledger": ["verify-ledger", str(out / "ledger.xlsx"), "--db", str(db)],
    }
    failed = False
    for name, argv in runs.items():
        if args.only and name not in args.only:
            continue
        peak, seconds, code = peak_of(argv)
        ok = code == 0 and peak <= ANCHOR_MB
        failed = failed or not ok
        print(f"{name:26s} {args.cases:,} cases: peak {peak:6.0f} MB   anchor ≤ {ANCHOR_MB} MB   "
              f"{seconds:6.1f} s   {'ok' if ok else 'OVER' if code == 0 else f'exit {code}'}")
    size = (out / "cases.json").stat().st_size if (out / "cases.json").exists() else 0
    print(f"package size: {size / 1024 / 1024:.0f} MB")
    if (out / "ledger.xlsx").exists():
        print(f"ledger size: {(out / 'ledger.xlsx').stat().st_size / 1024 / 1024:.0f} MB")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
