"""`wulong-desk calc`: the command-line contract, end to end in a child process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, example, request


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wulong_desk", *args], input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


@pytest.mark.independent
def test_calc_file_reproduces_example_2():
    proc = run_cli("calc", str(FIXTURES / "example-2.json"))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert list(out) == ["standard", "lines", "totals", "settlement", "schedule", "warnings"]
    assert out["totals"]["total"] == "235004.00"
    assert out["settlement"]["net_payable"] == "-23746.00"
    assert [list(line) for line in out["lines"]] == [
        ["code", "label", "amount", "formula", "citation", "note"]] * 14
    assert proc.stderr == ""


@pytest.mark.independent
def test_calc_reads_standard_input_and_json_numbers_exactly():
    req = request(parts=[{"use": "residential", "area": 33.33, "inner_area": 33.33,
                          "unit_price": 1234.5}])
    text = json.dumps(req)
    proc = run_cli("calc", "-", stdin=text)
    assert proc.returncode == 0, proc.stderr
    # 33.33 × 1234.5 = 41145.885 → 41145.89 (half up, exact: no binary float on the way)
    assert json.loads(proc.stdout)["lines"][0]["amount"] == "41145.89"


@pytest.mark.independent
def test_batch_keeps_order():
    batch = [example(3), example(1), example(2)]
    proc = run_cli("calc", "-", stdin=json.dumps(batch, default=str))
    assert proc.returncode == 0, proc.stderr
    totals = [r["totals"]["total"] for r in json.loads(proc.stdout)]
    assert totals == ["1818504.40", "523834.00", "235004.00"]


def test_batch_reports_the_index():
    bad = request(method="cash")
    proc = run_cli("calc", "-", stdin=json.dumps([request(), request(), bad], default=str))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("[2].case.method: ")


BAD_INPUTS = [
    ("not json", "{oops", ["$: JSON 格式错误"]),
    ("nested past any reader", "[" * 100_000 + "]" * 100_000, ["$: JSON 嵌套层数过多"]),
    ("an integer of 5,000 digits",
     json.dumps(request()).replace('"zone"', '"x": ' + "9" * 5000 + ', "zone"'),
     ["$: JSON 中有超过"]),
    ("NaN for an area",
     json.dumps(request(parts=[{"use": "commercial", "area": "NaN", "unit_price": "1"}])),
     ["case.parts[0].area: "]),
    ("a bare NaN for an area",
     json.dumps(request(parts=[{"use": "commercial", "area": 1, "unit_price": "1"}])).replace(
         '"area": 1', '"area": NaN'),
     ["case.parts[0].area: 应为数字"]),
    ("an exponent past any amount",
     json.dumps(request(parts=[{"use": "commercial", "area": 1, "unit_price": "1"}])).replace(
         '"area": 1', '"area": 1e999999999'),
     ["case.parts[0].area: 数值过大"]),
    ("not an object", "[1]", ["[0].$: "]),
    ("missing project", json.dumps({"case": request()["case"]}), ["project: "]),
    ("missing inner area",
     json.dumps(request(parts=[{"use": "residential", "area": "50", "unit_price": "1"}])),
     ["case.parts[0].inner_area: "]),
    ("bad method", json.dumps(request(method="cash")), ["case.method: "]),
    ("zone out of list", json.dumps(request({"zone": "centre"})), ["project.zone: "]),
    ("extra area above 5", json.dumps(request({"residential_extra_area": "5.5"})),
     ["project.residential_extra_area: ", "标准第5项说明3"]),
    ("guide rate above 5%", json.dumps(request({"nonresidential_guide_rate": "0.06"})),
     ["project.nonresidential_guide_rate: "]),
    ("uplift above 50%", json.dumps(request({"manufacturing_uplift": "0.51"})),
     ["project.manufacturing_uplift: "]),
    ("negative area", json.dumps(request(parts=[{"use": "commercial", "area": "-1",
                                                 "unit_price": "1"}])),
     ["case.parts[0].area: 必须大于0"]),
    ("three decimals of area",
     json.dumps(request(parts=[{"use": "commercial", "area": "1.005", "unit_price": "1"}])),
     ["case.parts[0].area: 最多保留2位小数"]),
    ("inner larger than area",
     json.dumps(request(parts=[{"use": "residential", "area": "50", "inner_area": "60",
                                "unit_price": "1"}])),
     ["case.parts[0].inner_area: 套内面积不能大于证载面积"]),
    ("bad date", json.dumps(request({"signing_deadline": "31/08/2023"})),
     ["project.signing_deadline: "]),
    ("announced before the standard", json.dumps(request({"announced_on": "2022-12-01"})),
     ["project.announced_on: ", "no standard in force on 2022-12-01"]),
    ("fractional meter count",
     json.dumps(request(parts=[{"use": "commercial", "area": "10", "unit_price": "1",
                                "water_accounts": 1.5}])),
     ["case.parts[0].water_accounts: 应为整数"]),
    ("boolean as string", json.dumps(request(moved_on_time="yes")), ["case.moved_on_time: "]),
    ("exchange without terms", json.dumps(request(method="exchange")), ["case.exchange: "]),
    ("no parts", json.dumps(request(parts=[])), ["case.parts: "]),
    ("reusable equipment without net value",
     json.dumps(request(equipment=[{"name": "x", "reusable": True}])),
     ["case.equipment[0].net_value: "]),
]


@pytest.mark.parametrize(("name", "text", "fragments"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_exit_2_with_field_paths(name, text, fragments):
    if name == "not an object":
        text = json.dumps([1])
    proc = run_cli("calc", "-", stdin=text)
    assert proc.returncode == 2, proc.stdout
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr
    for line in proc.stderr.strip().splitlines():
        assert ": " in line  # every line names a field path


def test_every_problem_is_reported_at_once():
    req = request({"zone": "x"}, method="cash",
                  parts=[{"use": "residential", "area": "abc", "unit_price": "1"}])
    proc = run_cli("calc", "-", stdin=json.dumps(req))
    assert proc.returncode == 2
    paths = [line.split(":")[0] for line in proc.stderr.strip().splitlines()]
    assert paths == ["project.zone", "case.method", "case.parts[0].area",
                     "case.parts[0].inner_area"]


def test_standard_input_not_in_utf8_is_a_clear_message():
    proc = subprocess.run([sys.executable, "-m", "wulong_desk", "calc", "-"],
                          input=b"\xff\xfe{", capture_output=True)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert "标准输入不是 UTF-8 编码" in proc.stderr.decode("utf-8")


def test_missing_file_is_a_clear_message():
    proc = run_cli("calc", "/nonexistent/x.json")
    assert proc.returncode == 2
    assert "找不到输入文件" in proc.stderr
    assert "Traceback" not in proc.stderr


def _large_batch(count):
    from gen import requests

    return requests(count, seed=7)


@pytest.fixture
def bench_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "bench"))


@pytest.mark.consistency
def test_a_batch_gives_each_household_its_own_result(bench_on_path):
    """The batch's output is the array of each household's single result, in input order."""
    from wulong_desk.commands.calc import calculate_one
    from wulong_desk.rules import default_standards

    batch = _large_batch(600)
    proc = run_cli("calc", "-", stdin=json.dumps(batch, ensure_ascii=False))
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    standards = default_standards()
    assert len(results) == len(batch)
    for index, item in enumerate(batch):
        expected = calculate_one(json.loads(json.dumps(item), parse_float=str), standards)
        assert results[index] == expected, index


def test_the_calc_command_starts_no_process():
    """One process reads, computes and writes: nothing in the command manages processes."""
    source = (Path(__file__).resolve().parents[1] / "wulong_desk" / "commands" / "calc.py"
              ).read_text(encoding="utf-8")
    for word in ("multiprocessing", "subprocess", "concurrent", "threading", "gc."):
        assert word not in source


def test_bad_households_anywhere_in_a_batch_stop_the_whole_batch(bench_on_path):
    batch = _large_batch(900)
    last = len(batch) - 1
    batch[last]["case"]["parts"][0]["area"] = "十二"
    batch[5]["case"]["method"] = "cash"
    proc = run_cli("calc", "-", stdin=json.dumps(batch, ensure_ascii=False))
    assert proc.returncode == 2
    assert proc.stdout == ""
    paths = [line.split(":")[0] for line in proc.stderr.strip().splitlines()]
    assert paths == ["[5].case.method", f"[{last}].case.parts[0].area"]
