"""The spec's four hand-checked examples (revision 3) as golden tests: every line, the totals,
the settlement and the schedule as exact strings (no tolerances). The figures are typed from the
spec's "Worked examples" (../shared/spec/wulong-2023-rules.md, revision 3), never taken from the
engine; they replace the frozen-output file of earlier revisions. docs/calculation.md explains
each figure."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from helpers import FIXTURES, example

from wulong_desk.rules import InputError, compute, default_standards, read_request

pytestmark = pytest.mark.independent   # what kind of check: CONTRIBUTING.md

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
        "schedule": {"before_move": "513834.00", "transition": "0.00",
                     "after_move": "10000.00", "overdue": "0.00"},
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
        "schedule": {"before_move": "211664.00", "transition": "11340.00",
                     "after_move": "12000.00", "overdue": "0.00"},
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
        "schedule": {"before_move": "1818504.40", "transition": "0.00", "after_move": "0.00",
                     "overdue": "0.00"},
    },
    4: {
        "lines": {"V_AREA": "710000.00", "V_SHARED": "6500.00", "V_MIN": "0.00",
                  "V_LAND": "0.00", "V_UNREG": "28500.00", "L1_INTERRUPT": "144000.00",
                  "L2_DECOR": "31000.00", "L3_FACILITY": "0.00", "L4_EQUIP": "0.00",
                  "R5_GUIDE": "60000.00", "R6_EARLY": "50400.00", "R7_ONTIME": "0.00",
                  "R8_MOVE": "3200.00", "R9_TEMP": "19600.00"},
        "totals": {"value": "745000.00", "loss": "175000.00", "reward": "133200.00",
                   "total": "1053200.00"},
        "settlement": {"exchange_price": "727180.00", "value_difference": "17820.00",
                       "net_payable": "326020.00", "fund_department": "3450.00",
                       "fund_household": "0.00"},
        "schedule": {"before_move": "889600.00", "transition": "124800.00",
                     "after_move": "0.00", "overdue": "38800.00"},
    },
}
PRINTED_RATE = "L1_INTERRUPT: 停产停业损失按公报所印每月5%计"


def run(req):
    options, case, standard = read_request(req, default_standards())
    return compute(case, options, standard)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_example_matches_the_hand_check(n):
    result = run(example(n)).to_json()
    assert [line["code"] for line in result["lines"]] == list(EXPECTED[n]["lines"])
    assert {line["code"]: line["amount"] for line in result["lines"]} == EXPECTED[n]["lines"]
    assert result["totals"] == EXPECTED[n]["totals"]
    assert result["settlement"] == EXPECTED[n]["settlement"]
    assert result["schedule"] == EXPECTED[n]["schedule"]
    assert list(result) == ["standard", "lines", "totals", "settlement", "schedule", "warnings"]
    assert result["standard"] == "wulong-2023"
    if n < 4:
        assert result["warnings"] == []


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_the_calc_command_prints_the_hand_check(n):
    proc = subprocess.run([sys.executable, "-m", "wulong_desk", "calc",
                           str(FIXTURES / f"example-{n}.json")], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode("utf-8")
    result = json.loads(proc.stdout)
    assert {line["code"]: line["amount"] for line in result["lines"]} == EXPECTED[n]["lines"]
    for key in ("totals", "settlement", "schedule"):
        assert result[key] == EXPECTED[n][key]


def test_example_4_warns_of_the_printed_rate_and_the_unlawful_building():
    result = run(example(4))
    assert [w for w in result.warnings if w.startswith("L1_INTERRUPT")] == [
        w for w in result.warnings if w.startswith(PRINTED_RATE)]
    assert any(w.startswith(PRINTED_RATE) for w in result.warnings)
    assert any(w.startswith("case.parts[4]") and "20.00" in w and "不予补偿" in w
               for w in result.warnings)
    lines = {line.code: line for line in result.lines}
    # the standard's printed monthly rate, with no reading named (revision 3 retired it)
    assert lines["L1_INTERRUPT"].formula == "0.05 × 360000.00 × 8 = 144000.00"
    assert "20.00" in lines["V_UNREG"].note and "不予补偿" in lines["V_UNREG"].note
    assert "(12 + 逾期 2)" in lines["R9_TEMP"].formula
    # days from the presign day itself: 2023-08-20 → 2023-10-31 is 72 days
    assert lines["R6_EARLY"].formula == "300 × 72 + 10 × 40.00 × 72 = 50400.00"
    assert [h["payable_area"] for h in result.houses] == [Decimal("75.90"), Decimal("35.00")]


def test_the_schedule_adds_up_and_its_parts_are_the_spec_figures():
    """Example 4 by hand: L1_agreed 0.05 × 360000 × 6 = 108000.00, R9_agreed 20 × 70.00 × 12 =
    16800.00; overdue = (144000.00 − 108000.00) + (19600.00 − 16800.00)."""
    schedule = run(example(4)).schedule
    assert schedule["transition"] == Decimal("108000.00") + Decimal("16800.00")
    assert schedule["overdue"] == Decimal("36000.00") + Decimal("2800.00")
    for n in (1, 2, 3, 4):
        breakdown = run(example(n))
        assert sum(breakdown.schedule.values()) == breakdown.total


def test_example_2_on_time_owes_r7_and_the_second_move_after_the_move():
    """10000.00 (R7) + 4000.00 − 2000.00 (one move) = 12000.00; moving late, R8 is one move and
    after_move 0 (the spec's after_move is forfeited)."""
    late = example(2)
    late["case"]["moved_on_time"] = False
    breakdown = run(late)
    assert breakdown.line("R8_MOVE").amount == Decimal("2000.00")
    assert breakdown.line("R7_ONTIME").amount == 0
    assert breakdown.schedule["after_move"] == 0
    assert breakdown.schedule["transition"] == Decimal("11340.00")


def test_a_case_settled_by_decision_under_each_reading():
    """Example 2 settled by a 补偿决定 (no signing): R6 0 (no signing day); R5 20664.00 under
    `as_plan`, 0 under `none`, whose zero note says so."""
    decided = example(2)
    decided["case"]["signed_on"] = None
    decided["case"]["decided_on"] = "2023-08-15"
    as_plan = run(decided)
    assert as_plan.line("R6_EARLY").amount == 0
    assert "补偿决定" in as_plan.line("R6_EARLY").note
    assert as_plan.line("R5_GUIDE").amount == Decimal("20664.00")
    decided["project"]["decision_guide_reward"] = "none"
    none = run(decided)
    assert none.line("R5_GUIDE").amount == 0
    assert "补偿决定" in none.line("R5_GUIDE").note
    assert none.total == as_plan.total - Decimal("20664.00")
    signed = example(2)
    signed["project"]["decision_guide_reward"] = "none"     # a signed case keeps R5
    assert run(signed).line("R5_GUIDE").amount == Decimal("20664.00")


@pytest.mark.parametrize(("key", "value"), [("exchange_interruption_rate", "0.005"),
                                            ("early_days_from", "period"),
                                            ("second_move_requires_on_time", False)])
def test_a_retired_reading_is_an_input_error_naming_the_key(key, value):
    raw = example(4)
    raw["project"][key] = value
    with pytest.raises(InputError) as caught:
        run(raw)
    assert [p.path for p in caught.value.problems] == [f"project.{key}"]
    assert "第3版" in caught.value.problems[0].message


@pytest.mark.parametrize(("change", "paths"), [
    ({"signed_on": "2023-08-14"}, ["case.signed_on"]),                  # before the period
    ({"signed_on": "2023-09-01"}, ["case.signed_on", "case.signed_on"]),  # after it, announced
    ({"signed_on": None}, ["case.signed_on"]),                          # a presign needs a day
    ({"presign": False}, ["case.signed_on", "case.signed_on"]),         # before announced/start
    ({"presign": False, "signed_on": "2023-09-05"}, ["case.signed_on"]),  # before signing_start
    ({"decided_on": "2023-11-20"}, ["case.decided_on"]),
])
def test_signing_dates_are_checked_naming_both_fields(change, paths):
    raw = example(4)
    raw["case"].update(change)
    with pytest.raises(InputError) as caught:
        run(raw)
    assert [p.path for p in caught.value.problems] == paths
    for problem in caught.value.problems:   # the other field is named too
        assert "project." in problem.message or "case." in problem.message


def test_a_presign_before_the_decision_made():
    """decision_made_on replaces announced_on as the presign's limit: 08-20 is before 08-25,
    08-28 is inside the period but not before the decision."""
    raw = example(4)
    raw["project"]["decision_made_on"] = "2023-08-25"
    assert run(raw).total == Decimal("1053200.00")
    raw["case"]["signed_on"] = "2023-08-28"
    with pytest.raises(InputError) as caught:
        run(raw)
    assert [p.path for p in caught.value.problems] == ["case.signed_on"]
    assert "project.decision_made_on" in caught.value.problems[0].message
    raw["project"]["decision_made_on"] = "2023-09-02"          # after the announcement
    with pytest.raises(InputError) as caught:
        run(raw)
    assert "project.decision_made_on" in [p.path for p in caught.value.problems]


@pytest.mark.parametrize(("change", "path"), [
    ({"presign_end": None}, "project.presign_end"),
    ({"presign_start": "2023-09-01"}, "project.presign_start"),
])
def test_the_presign_period_is_both_or_neither_and_in_order(change, path):
    raw = example(4)
    raw["project"].update(change)
    raw["project"] = {k: v for k, v in raw["project"].items() if v is not None}
    raw["case"]["presign"] = False
    raw["case"]["signed_on"] = "2023-09-15"
    with pytest.raises(InputError) as caught:
        run(raw)
    assert path in [p.path for p in caught.value.problems]


def test_a_signing_after_the_deadline_stays_a_warning():
    raw = example(1)
    raw["case"]["signed_on"] = "2023-09-05"
    breakdown = run(raw)
    assert breakdown.line("R6_EARLY").amount == 0
    assert any(w.startswith("case.signed_on") and "晚于签约期限" in w
               for w in breakdown.warnings)


def test_formulas_show_the_numbers_used():
    lines = {line.code: line for line in run(example(2)).lines}
    assert lines["V_SHARED"].formula.startswith("公摊系数 (36.00 − 33.00) ÷ 33.00 = 0.0909")
    assert "37.95" in lines["V_SHARED"].formula
    assert lines["V_MIN"].formula == "(45 − 37.95) × 4000.00 = 28200.00"
    assert lines["R5_GUIDE"].formula == "0.12 × (144000.00 + 28200.00) + 0 × 4000.00 = 20664.00"
    assert lines["R9_TEMP"].formula == "20 × (1 − 0.3) × max(43.05, 45) × 18 = 11340.00"
    assert lines["R8_MOVE"].formula == "2000 × 2 = 4000.00"
    assert lines["L3_FACILITY"].note  # zero lines say why
    assert lines["R9_TEMP"].citation == "标准第9项"


def test_every_line_has_a_citation_and_zero_lines_a_note():
    for n in (1, 2, 3, 4):
        for line in run(example(n)).lines:
            assert line.citation
            assert line.label
            assert line.formula.endswith(f"{line.amount:.2f}") or line.formula == "0.00"
            if line.amount == 0:
                assert line.note, line.code
            elif line.code != "V_UNREG":  # V_UNREG lists unpaid unlawful areas beside its amount
                assert line.note == ""


def test_the_revision_2_path_keeps_a_revision_2_agreement_s_readings():
    """A record made under revision 2 is figured, for a later event, with the readings it was
    made with. Example 4 as revision 2 printed it (5‰, days from the signing period's first day
    2023-09-10: 51 days, the second move only on time): L1 0.005 × 360000 × 8 = 14400.00, R6
    300 × 51 + 10 × 40 × 51 = 35700.00, total 908900.00 (the revision-2 spec's figures); its
    schedule by revision 3's rule: transition 0.005 × 360000 × 6 + 20 × 70 × 12 = 27600.00,
    overdue 1800 × 2 + 1400 × 2 = 6400.00, after_move 0.00."""
    from wulong_desk.rules.compute import compute_revision2
    from wulong_desk.rules.model import RetiredReadings

    options, case, standard = read_request(example(4), default_standards(),
                                           signing_checks=False)
    readings = RetiredReadings(Decimal("0.005"), "period", True)
    old = compute_revision2(case, options, standard, readings)
    amounts = {line.code: f"{line.amount:.2f}" for line in old.lines}
    assert (amounts["L1_INTERRUPT"], amounts["R6_EARLY"], amounts["R8_MOVE"]) == (
        "14400.00", "35700.00", "3200.00")
    assert f"{old.total:.2f}" == "908900.00"
    assert f"{old.settlement['net_payable']:.2f}" == "181720.00"
    assert {key: f"{value:.2f}" for key, value in old.schedule.items()} == {
        "before_move": "874900.00", "transition": "27600.00", "after_move": "0.00",
        "overdue": "6400.00"}
    # its formulas name the readings it used, as its agreement did
    assert old.line("L1_INTERRUPT").formula == \
        "0.005（按每月5‰，项目选定的读法） × 360000.00 × 8 = 14400.00"
    assert "2023-09-10" in old.line("R6_EARLY").formula
    assert not any(w.startswith("L1_INTERRUPT") for w in old.warnings)   # not the printed 5%
    # two moves for every exchange under the other reading: R8 6400.00, the second after moving
    both = compute_revision2(case, options, standard,
                             RetiredReadings(Decimal("0.05"), "signing_day", False))
    assert f"{both.line('R8_MOVE').amount:.2f}" == "6400.00"
    assert f"{both.schedule['after_move']:.2f}" == "3200.00"
    assert f"{both.total:.2f}" == "1056400.00"    # 1053200.00 + the second move 3200.00
