"""Benchmark: compute() over 10,000 generated households, and the batch CLI end to end.

Targets (issue 2): compute alone ≥ 20,000 households/s; `wulong-desk calc` batch ≥ 5,000/s.
Run: .venv/bin/python bench/bench_calc.py
"""

from __future__ import annotations

import json
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
PASSES = 7  # compute passes over the households
RUNS = 7  # batch command runs
# This machine class runs at two speeds, switching every fraction of a second (a shared core):
# both the best and the median are printed, the best as timeit reports it.


def _spread(rates: list[float]) -> str:
    return (f"best {max(rates):,.0f}, median {statistics.median(rates):,.0f}, "
            f"worst {min(rates):,.0f} households/s")


def main() -> None:
    reqs = requests(COUNT)
    standards = default_standards()
    parsed = [read_request(json.loads(json.dumps(r), parse_float=Decimal), standards)
              for r in reqs]
    rates = []
    for _ in range(PASSES):
        start = time.perf_counter()
        for options, case, standard in parsed:
            compute(case, options, standard)
        rates.append(COUNT / (time.perf_counter() - start))
    print(f"compute: {COUNT} households, {PASSES} passes: {_spread(rates)} "
          f"(target ≥ 20,000/s)")

    start = time.perf_counter()
    for r in reqs:
        options, case, standard = read_request(r, standards)
        compute(case, options, standard).to_json_text()
    elapsed = time.perf_counter() - start
    print(f"validate + compute + JSON text in one process: {COUNT / elapsed:,.0f} households/s")

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
    print(f"batch CLI end to end (process start included, output to a file), {COUNT} "
          f"households, {RUNS} runs: {_spread(rates)} (target ≥ 5,000/s)")


if __name__ == "__main__":
    main()
