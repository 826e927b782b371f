"""The spec's four hand-checked examples, as exact strings (no tolerances); the figures are
typed from the spec's "Worked examples" (revision 2), never taken from the engine."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import example

from wulong_desk.rules import compute, default_standards, read_request

EXPECTED = {
    1: {
        "lines": {"V_AREA": "408200.00", "V_SHARED": "0.00", "V_MIN": "0.00", "V_LAND": "0.00",
                  "V_UNREG": "0.00", "L1_INTERRUPT": "0.00", "L2_DECOR": "15000.00",
                  "L3_FACILITY": "4650.00",
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
                  "V_LAND": "0.00", "V_UNREG": "0.00", "L1_INTERRUPT": "0.00",
                  "L2_DECOR": "6000.00",
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
                  "V_LAND": "14880.00", "V_UNREG": "0.00", "L1_INTERRUPT": "67680.00",
                  "L2_DECOR": "50000.00",
                  "L3_FACILITY": "17310.00", "L4_EQUIP": "23500.00", "R5_GUIDE": "92414.40",
                  "R6_EARLY": "63000.00", "R7_ONTIME": "0.00", "R8_MOVE": "8600.00",
                  "R9_TEMP": "0.00"},
        "totals": {"value": "1496000.00", "loss": "158490.00", "reward": "164014.40",
                   "total": "1818504.40"},
        "settlement": {"exchange_price": "0.00", "value_difference": "0.00",
                       "net_payable": "0.00", "fund_department": "0.00",
                       "fund_household": "0.00"},
    },
    4: {
        "lines": {"V_AREA": "710000.00", "V_SHARED": "6500.00", "V_MIN": "0.00",
                  "V_LAND": "0.00", "V_UNREG": "28500.00", "L1_INTERRUPT": "14400.00",
                  "L2_DECOR": "31000.00", "L3_FACILITY": "0.00", "L4_EQUIP": "0.00",
                  "R5_GUIDE": "60000.00", "R6_EARLY": "35700.00", "R7_ONTIME": "0.00",
                  "R8_MOVE": "3200.00", "R9_TEMP": "19600.00"},
        "totals": {"value": "745000.00", "loss": "45400.00", "reward": "118500.00",
                   "total": "908900.00"},
        "settlement": {"exchange_price": "727180.00", "value_difference": "17820.00",
                       "net_payable": "181720.00", "fund_department": "3450.00",
                       "fund_household": "0.00"},
    },
}


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_example_matches_the_hand_check(n):
    options, case, standard = read_request(example(n), default_standards())
    result = compute(case, options, standard).to_json()
    assert [line["code"] for line in result["lines"]] == list(EXPECTED[n]["lines"])
    assert {line["code"]: line["amount"] for line in result["lines"]} == EXPECTED[n]["lines"]
    assert result["totals"] == EXPECTED[n]["totals"]
    assert result["settlement"] == EXPECTED[n]["settlement"]
    assert result["standard"] == "wulong-2023"
    if n < 4:
        assert result["warnings"] == []


def test_example_4_warns_of_the_presign_and_the_unlawful_building():
    options, case, standard = read_request(example(4), default_standards())
    result = compute(case, options, standard)
    presign = [w for w in result.warnings if w.startswith("case.signed_on")]
    assert len(presign) == 1 and "预签" in presign[0] and "2023-09-10" in presign[0]
    assert any(w.startswith("case.parts[4]") and "20.00" in w and "不予补偿" in w
               for w in result.warnings)
    # 5‰ is the project's choice: no warning about the printed 5%
    assert not any(w.startswith("L1_INTERRUPT") for w in result.warnings)
    lines = {line.code: line for line in result.lines}
    assert lines["L1_INTERRUPT"].formula == \
        "0.005（按每月5‰，项目选定的读法） × 360000.00 × 8 = 14400.00"
    assert "20.00" in lines["V_UNREG"].note and "不予补偿" in lines["V_UNREG"].note
    assert "(12 + 逾期 2)" in lines["R9_TEMP"].formula
    assert "2023-09-10" in lines["R6_EARLY"].formula
    assert [h["payable_area"] for h in result.houses] == [Decimal("75.90"), Decimal("35.00")]


def test_example_4_under_the_other_readings():
    """The alternatives, by hand: 5% → L1 = 0.05 × 360000 × 8 = 144000.00 (with the warning);
    days from the signing day 08-20 → 72 days: 300 × 72 + 10 × 40 × 72 = 50400.00; every
    exchange case moves twice → R8 = 2 × 3200.00 = 6400.00."""
    raw = example(4)
    raw["project"].update(exchange_interruption_rate="0.05", early_days_from="signing_day",
                          second_move_requires_on_time=False)
    options, case, standard = read_request(raw, default_standards())
    result = compute(case, options, standard)
    amounts = {line.code: f"{line.amount:.2f}" for line in result.lines}
    assert amounts["L1_INTERRUPT"] == "144000.00"
    assert amounts["R6_EARLY"] == "50400.00"
    assert amounts["R8_MOVE"] == "6400.00"
    assert any(w.startswith("L1_INTERRUPT") and "5%" in w for w in result.warnings)


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
    for n in (1, 2, 3, 4):
        options, case, standard = read_request(example(n), default_standards())
        for line in compute(case, options, standard).lines:
            assert line.citation
            assert line.label
            assert line.formula.endswith(f"{line.amount:.2f}") or line.formula == "0.00"
            if line.amount == 0:
                assert line.note, line.code
            elif line.code != "V_UNREG":  # V_UNREG lists unpaid unlawful areas beside its amount
                assert line.note == ""
