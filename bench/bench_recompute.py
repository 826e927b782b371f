"""Benchmark: recompute every unsigned case of a 10,000-case project, the database writes
included (what a correction to the standard or to the project's options sets off). Target
(issue 16): ≤ 10 s.

Run: .venv/bin/python bench/bench_recompute.py [--db PATH]   (built with bench_store.fill when
missing; a copy is worked on, so the database given is left as it is)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_S = 10.0


def _report(what: str, elapsed: float) -> None:
    print(f"{what}, loading and writing included: {elapsed:.1f} s (target ≤ {TARGET_S:.0f} s: "
          f"{'met' if elapsed <= TARGET_S else 'MISSED'})", flush=True)


def main() -> None:
    from bench_store import open_filled, print_load
    from sqlalchemy import select, text

    from wulong_desk.services.cases.calculation import RECOMPUTE_LOADS, recompute
    from wulong_desk.statuses import STATUSES, is_frozen
    from wulong_desk.store import open_store
    from wulong_desk.store.models import Case

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    print_load()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WULONG_DESK_HOME"] = tmp
        db = Path(tmp) / "recompute.sqlite"
        if args.db:
            shutil.copy(args.db, db)
        open_filled(db, 10_000)[0].close()  # built when not given; timed below on a fresh open
        store = open_store(db, "bench", auto_backup=False)
        unsigned = tuple(s for s in STATUSES if not is_frozen(s))
        # the generated project is mostly signed: every case is recomputed too, the most a
        # 10,000-case project can ask (all unsigned; loaded as update_project loads them). A
        # signed record is never rewritten, so for that run this copy's cases are made unsigned
        for label, statuses in (("unsigned", unsigned), ("all, as if none were signed", STATUSES)):
            if statuses is STATUSES:
                with store.transaction() as session:
                    session.execute(text("UPDATE cases SET status = 'assessed', "
                                         "signed_on = NULL WHERE project_id = 1"))
            start = time.perf_counter()
            with store.transaction() as session:
                cases = session.scalars(select(Case).where(
                    Case.project_id == 1, Case.status.in_(statuses)).options(*RECOMPUTE_LOADS)
                ).all()
                for case in cases:
                    recompute(session, case)
            _report(f"recomputed {len(cases):,} cases ({label})", time.perf_counter() - start)
        store.close()


if __name__ == "__main__":
    main()
