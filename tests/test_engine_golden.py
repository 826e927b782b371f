"""The engine's output against the frozen revision-1 outputs, wherever revision 2 keeps them.

tests/fixtures/engine-golden.json.gz was made once by tests/fixtures/make_engine_golden.py from
the engine before issue 16's rewrite: 1,003 requests (revision-1 inputs) with their contract
output and stored record. It is NOT regenerated for revision 2: its figures are the independent
anchor. Revision 2 of the spec changes, by design, only:

- every output gains the line V_UNREG (0.00 for these requests: none has a building without a
  title), after V_LAND; the record gains its (empty) inputs and three area quantities (0), and
  names the new standard file's hash;
- exchange cases: R9 months include overdue months, a turnover house no longer stops L1, R8
  pays one move when the household did not move on time (default reading), L1's formula names
  the reading, the printed 5% carries a warning;
- manufacturing on a residential part no longer raises L1, gas_cost on a residential part is an
  input error;
- a new warning when the 45 m² floor (V_MIN > 0) is given to a title with non-residential parts;
- R7 of a title with both residential and non-residential parts names the reading that pays
  both (`ontime_reward_mixed`, default `both`): same amount, the formula and inputs say so.

So every money request (the frozen set has no residential manufacturing or residential gas_cost
among them — checked below) must give the frozen output byte for byte once V_UNREG is put in its
place; every exchange request must keep every figure of the lines revision 2 does not touch
(V_AREA … V_LAND, L2–L4, R5–R7) and its exchange price (houses without a use are residential).
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

# the spec's line V_UNREG for a household with no building without a title (label and citation
# from the spec's table; the note is the standard file's words for "none")
V_UNREG = {"code": "V_UNREG", "label": "未经登记建筑补偿", "amount": "0.00", "formula": "0.00",
           "citation": "办法第十八条", "note": "无未经登记建筑"}
FLOOR_WARNING = ("V_MIN: 本户另有非住宅部分，是否属于“被征收房屋为住宅”由征收部门确认"
                 "（办法第三十七条）")
BOTH = "住宅与非住宅分别计奖，项目选定的读法"   # the default reading's words (standard file)
UNTOUCHED = ("V_AREA", "V_SHARED", "V_MIN", "V_LAND", "L2_DECOR", "L3_FACILITY", "L4_EQUIP",
             "R5_GUIDE", "R6_EARLY", "R7_ONTIME")


@cache
def golden() -> dict:
    with gzip.open(FIXTURES / "engine-golden.json.gz", "rt", encoding="utf-8") as handle:
        return json.loads(handle.read(), parse_float=Decimal)


def revision_2(output_text: str, req: dict) -> str:
    """A frozen money output as revision 2 writes it: V_UNREG after V_LAND, and the floor's
    warning on a title with non-residential parts."""
    output = json.loads(output_text)
    codes = [line["code"] for line in output["lines"]]
    output["lines"].insert(codes.index("V_LAND") + 1, V_UNREG)
    floor = next(line for line in output["lines"] if line["code"] == "V_MIN")["amount"]
    uses = {p["use"] == "residential" for p in req["case"]["parts"]}
    if floor != "0.00" and False in uses:
        output["warnings"].append(FLOOR_WARNING)
    ontime = next(line for line in output["lines"] if line["code"] == "R7_ONTIME")
    if uses == {True, False} and ontime["amount"] != "0.00":
        head, _, tail = ontime["formula"].rpartition(" = ")
        ontime["formula"] = f"{head}（{BOTH}） = {tail}"
        if "inputs" in output:
            output["inputs"][[line["code"] for line in output["lines"]].index("R7_ONTIME")
                             - 1] = [{}, {"reading": BOTH}]
    return json.dumps(output, ensure_ascii=False)


def revision_2_record(record_text: str, sha256: str, req: dict) -> str:
    record = json.loads(revision_2(record_text, req))
    codes = [line["code"] for line in record["lines"]]
    record["inputs"].insert(codes.index("V_UNREG"), [])
    record["standard_sha256"] = sha256
    record["quantities"].update(recognized_area="0", temporary_area="0", illegal_area="0")
    return json.dumps(record, ensure_ascii=False)


def money_indexes() -> list[int]:
    return [i for i, req in enumerate(golden()["requests"]) if req["case"]["method"] == "money"]


def test_the_fixture_is_large_and_varied():
    data = golden()
    assert len(data["requests"]) == len(data["outputs"]) == len(data["records"]) > 1000
    methods = {req["case"]["method"] for req in data["requests"]}
    assert methods == {"money", "exchange"}
    assert len(money_indexes()) > 400
    for req in data["requests"]:   # what lets the money outputs stand unchanged
        for part in req["case"]["parts"]:
            if part["use"] == "residential":
                assert not part.get("manufacturing") and not part.get("gas_cost")


def test_every_money_output_and_record_is_the_frozen_one_with_v_unreg():
    data = golden()
    standards = default_standards()
    for index in money_indexes():
        options, case, standard = read_request(data["requests"][index], standards)
        breakdown = compute(case, options, standard)
        assert json.dumps(breakdown.to_json(), ensure_ascii=False) == \
            revision_2(data["outputs"][index], data["requests"][index]), index
        assert json.dumps(breakdown.to_record("golden"), ensure_ascii=False) == \
            revision_2_record(data["records"][index], standard.sha256,
                              data["requests"][index]), index


def test_every_exchange_keeps_the_figures_revision_2_does_not_touch():
    data = golden()
    standards = default_standards()
    checked = 0
    for index, req in enumerate(data["requests"]):
        if req["case"]["method"] != "exchange":
            continue
        options, case, standard = read_request(req, standards)
        result = compute(case, options, standard).to_json()
        old = json.loads(data["outputs"][index])
        now = {line["code"]: line["amount"] for line in result["lines"]}
        before = {line["code"]: line["amount"] for line in old["lines"]}
        assert {code: now[code] for code in UNTOUCHED} == \
            {code: before[code] for code in UNTOUCHED}, index
        assert now["V_UNREG"] == "0.00"
        assert result["settlement"]["exchange_price"] == old["settlement"]["exchange_price"]
        checked += 1
    assert checked > 300


def test_the_batch_command_writes_the_frozen_money_outputs_in_order():
    data = golden()
    indexes = money_indexes()
    batch = json.dumps([data["requests"][i] for i in indexes], ensure_ascii=False, default=str)
    proc = subprocess.run([sys.executable, "-m", "wulong_desk", "calc", "-"],
                          input=batch.encode("utf-8"), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode("utf-8")
    expected = "[" + ", ".join(revision_2(data["outputs"][i], data["requests"][i])
                               for i in indexes) + "]\n"
    assert proc.stdout.decode("utf-8") == expected
