"""Benchmark: `wulong-desk calc` over a 10,000-household batch, end to end.

Target (issue 16): ≥ 2,000 households/s, process start, reading, computing and writing the
results to a file included. Also shown: compute() alone, for reference.
Run: .venv/bin/python bench/bench_calc.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen import requests

from wulong_desk.rules import compute, default_standards, read_request

COUNT = 10_000
RUNS = 5
TARGET = 2_000  # households/s, end to end


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    reqs = requests(COUNT)
    standards = default_standards()
    parsed = [read_request(json.loads(json.dumps(r), parse_float=Decimal), standards)
              for r in reqs]
    start = time.perf_counter()
    for options, case, standard in parsed:
        compute(case, options, standard)
    print(f"compute() alone: {COUNT / (time.perf_counter() - start):,.0f} households/s "
          "(no target; for reference)")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.json"
        out = Path(tmp) / "results.json"
        path.write_text(json.dumps(reqs, ensure_ascii=False), encoding="utf-8")
        rates = []
        for _ in range(RUNS):
            # as a clerk runs it: `wulong-desk calc batch.json > results.json`
            with open(out, "wb") as sink:
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "wulong_desk", "calc", str(path)],
                               stdout=sink, check=True)
                rates.append(COUNT / (time.perf_counter() - start))
            assert len(json.loads(out.read_text(encoding="utf-8"))) == COUNT
    median = statistics.median(rates)
    print(f"calc batch end to end, {COUNT:,} households, median of {RUNS} runs: "
          f"{median:,.0f} households/s (worst {min(rates):,.0f}) — target ≥ {TARGET:,}/s: "
          f"{'met' if median >= TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
