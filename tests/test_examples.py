"""The spec's three hand-checked examples, as exact strings (no tolerances)."""

from __future__ import annotations

import pytest
from helpers import example

from wulong_desk.rules import compute, default_standards, read_request

EXPECTED = {
    1: {
        "lines": {"V_AREA": "408200.00", "V_SHARED": "0.00", "V_MIN": "0.00", "V_LAND": "0.00",
                  "L1_INTERRUPT": "0.00", "L2_DECOR": "15000.00", "L3_FACILITY": "4650.00",
                  "L4_EQUIP": "0.00", "R5_GUIDE": "74984.00", "R6_EARLY": "9000.00",
                  "R7_ONTIME": "10000.00", "R8_MOVE": "2000.00", "R9_TEMP": "0.00"},
        "totals": {"value": "408200.00", "loss": "19650.00", "reward": "95984.00",
                   "total": "523834.00"},
        "settlement": {"exchange_price": "0.00", "value_difference": "0.00",
                       "net_payable": "0.00", "fund_department": "0.00",
                       "fund_household": "0.00"},
    },
    2: {
        "lines": {"V_AREA": "144000.00", "V_SHARED": "7800.00", "V_MIN": "28200.00",
                  "V_LAND": "0.00", "L1_INTERRUPT": "0.00", "L2_DECOR": "6000.00",
                  "L3_FACILITY": "0.00", "L4_EQUIP": "0.00", "R5_GUIDE": "20664.00",
                  "R6_EARLY": "3000.00", "R7_ONTIME": "10000.00", "R8_MOVE": "4000.00",
                  "R9_TEMP": "11340.00"},
        "totals": {"value": "180000.00", "loss": "6000.00", "reward": "49004.00",
                   "total": "235004.00"},
        "settlement": {"exchange_price": "258750.00", "value_difference": "-78750.00",
                       "net_payable": "-23746.00", "fund_department": "1440.00",
                       "fund_household": "960.00"},
    },
    3: {
        "lines": {"V_AREA": "1481120.00", "V_SHARED": "0.00", "V_MIN": "0.00",
                  "V_LAND": "14880.00", "L1_INTERRUPT": "67680.00", "L2_DECOR": "50000.00",
                  "L3_FACILITY": "17310.00", "L4_EQUIP": "23500.00", "R5_GUIDE": "92414.40",
                  "R6_EARLY": "63000.00", "R7_ONTIME": "0.00", "R8_MOVE": "8600.00",
                  "R9_TEMP": "0.00"},
        "totals": {"value": "1496000.00", "loss": "158490.00", "reward": "164014.40",
                   "total": "1818504.40"},
        "settlement": {"exchange_price": "0.00", "value_difference": "0.00",
                       "net_payable": "0.00", "fund_department": "0.00",
                       "fund_household": "0.00"},
    },
}


@pytest.mark.parametrize("n", [1, 2, 3])
def test_example_matches_the_hand_check(n):
    options, case, standard = read_request(example(n), default_standards())
    result = compute(case, options, standard).to_json()
    assert [line["code"] for line in result["lines"]] == list(EXPECTED[n]["lines"])
    assert {line["code"]: line["amount"] for line in result["lines"]} == EXPECTED[n]["lines"]
    assert result["totals"] == EXPECTED[n]["totals"]
    assert result["settlement"] == EXPECTED[n]["settlement"]
    assert result["standard"] == "wulong-2023"
    assert result["warnings"] == []


def test_formulas_show_the_numbers_used():
    options, case, standard = read_request(example(2), default_standards())
    lines = {line.code: line for line in compute(case, options, standard).lines}
    assert lines["V_SHARED"].formula.startswith("公摊系数 (36.00 − 33.00) ÷ 33.00 = 0.0909")
    assert "37.95" in lines["V_SHARED"].formula
    assert lines["V_MIN"].formula == "(45 − 37.95) × 4000.00 = 28200.00"
    assert lines["R5_GUIDE"].formula == "0.12 × (144000.00 + 28200.00) + 0 × 4000.00 = 20664.00"
    assert lines["R9_TEMP"].formula == "20 × (1 − 0.3) × max(43.05, 45) × 18 = 11340.00"
    assert lines["L3_FACILITY"].note  # zero lines say why
    assert lines["R9_TEMP"].citation == "标准第9项"


def test_every_line_has_a_citation_and_zero_lines_a_note():
    for n in (1, 2, 3):
        options, case, standard = read_request(example(n), default_standards())
        for line in compute(case, options, standard).lines:
            assert line.citation
            assert line.label
            assert line.formula.endswith(f"{line.amount:.2f}") or line.formula == "0.00"
            if line.amount == 0:
                assert line.note, line.code
            else:
                assert line.note == ""
