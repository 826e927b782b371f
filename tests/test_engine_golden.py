"""The engine's output, byte for byte, as the engine before issue 16's rewrite wrote it.

tests/fixtures/engine-golden.json.gz was made once by tests/fixtures/make_engine_golden.py from
the old engine (a 309-line compute() with tuple-built records and a hand-written encoder): 1,003
requests with their contract output and stored record. The table-driven engine must reproduce
every one exactly — amounts, formulas, notes, record inputs, and the batch command's text.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from decimal import Decimal
from functools import cache

from helpers import FIXTURES

from wulong_desk.rules import compute, default_standards, read_request


@cache
def golden() -> dict:
    with gzip.open(FIXTURES / "engine-golden.json.gz", "rt", encoding="utf-8") as handle:
        return json.loads(handle.read(), parse_float=Decimal)


def test_the_fixture_is_large_and_varied():
    data = golden()
    assert len(data["requests"]) == len(data["outputs"]) == len(data["records"]) > 1000
    methods = {req["case"]["method"] for req in data["requests"]}
    assert methods == {"money", "exchange"}


def test_every_output_and_record_is_the_old_engines_byte_for_byte():
    data = golden()
    standards = default_standards()
    for index, req in enumerate(data["requests"]):
        options, case, standard = read_request(req, standards)
        breakdown = compute(case, options, standard)
        assert json.dumps(breakdown.to_json(), ensure_ascii=False) == data["outputs"][index], index
        assert json.dumps(breakdown.to_record("golden"), ensure_ascii=False) == \
            data["records"][index], index


def test_the_batch_command_writes_the_old_outputs_in_order():
    data = golden()
    batch = json.dumps(data["requests"], ensure_ascii=False, default=str)
    proc = subprocess.run([sys.executable, "-m", "wulong_desk", "calc", "-"],
                          input=batch.encode("utf-8"), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode("utf-8")
    expected = "[" + ", ".join(data["outputs"]) + "]\n"
    assert proc.stdout.decode("utf-8") == expected
