"""Boundary cases of the rules, as a table: each row is a request and the figures it must give.

Expected figures are worked by hand from the spec (revision 3): R9 counts transition + overdue
months; R8 pays an exchange case one move unless it moved on time (「且须按期搬离」); L1 of an
exchange at the printed 5% a month; early days from the signing day, presigns included; a
turnover house stops R9 only, temporary premises stop L1 only. docs/calculation.md states each
rule these rows check (the lines, the rounding, the readings, the signing dates)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import request, residential

from wulong_desk.rules import InputError, compute, default_standards, read_request

pytestmark = pytest.mark.independent   # what kind of check: CONTRIBUTING.md

# a 旧城区改建 project with a presign period before its announcement (办法第二十三条)
PRESIGN_PROJECT = {"announced_on": "2023-08-15", "signing_start": "2023-08-21",
                   "presign_start": "2023-07-20", "presign_end": "2023-08-10"}
SHOP = {"use": "commercial", "area": "50.00", "unit_price": "10000", "business_eligible": True}
WORKSHOP = {"use": "production", "area": "100.00", "unit_price": "3000",
            "business_eligible": True, "manufacturing": True}


def exchange_terms(**kw):
    terms = {"houses": [{"area": "60.00", "inner_area": "50.00", "unit_price": "4500"}],
             "transition_months": 12, "turnover_house": False, "interruption_months": 3,
             "overdue_months": 1}
    terms.update(kw)
    return terms


def breakdown(req):
    options, case, standard = read_request(req, default_standards())
    return compute(case, options, standard)


CASES = [
    # (id, request, {code or total key: expected amount string})
    ("K exactly 15%: no top-up",
     request(parts=[residential("115.00", "100.00")]), {"V_SHARED": "0.00"}),
    ("K just under 15%: 0.01 m² top-up",
     request(parts=[residential("114.99", "100.00")]), {"V_SHARED": "40.00"}),
    ("K over 15%: no top-up",
     request(parts=[residential("115.01", "100.00")]), {"V_SHARED": "0.00"}),
    ("comp area 44.99: 0.01 m² floor top-up",
     request(min_housing_eligible=True, parts=[residential("44.99", "30.00")]),
     {"V_MIN": "40.00"}),
    ("comp area 45.00: no floor top-up",
     request(min_housing_eligible=True, parts=[residential("45.00", "30.00")]),
     {"V_MIN": "0.00"}),
    ("comp area 45.01: no floor top-up",
     request(min_housing_eligible=True, parts=[residential("45.01", "30.00")]),
     {"V_MIN": "0.00"}),
    ("not eligible: no floor top-up",
     request(min_housing_eligible=False, parts=[residential("30.00", "28.00")]),
     {"V_MIN": "0.00"}),
    ("signed on the deadline: 0 days",
     request(signed_on="2023-08-31"), {"R6_EARLY": "0.00"}),
    ("signed one day early",
     request(signed_on="2023-08-30", parts=[residential("80.00", "70.00"), SHOP]),
     {"R6_EARLY": "800.00"}),
    ("signed after the deadline",
     request(signed_on="2023-09-01"), {"R6_EARLY": "0.00"}),
    ("half a cent rounds up",
     request(parts=[residential("1.01", "1.01", "0.50")]), {"V_AREA": "0.51"}),
    ("half a cent in P_R rounds up (P_R = 1000.01)",
     request(min_housing_eligible=True,
             parts=[residential("20.00", "15.00", "1000.00"),
                    residential("20.00", "15.00", "1000.01")]),
     {"V_MIN": "5000.05"}),
    # 14 × 80.00 × (12 + 1 overdue)
    ("outer zone temporary housing",
     request({"zone": "outer"}, method="exchange", exchange=exchange_terms()),
     {"R9_TEMP": "14560.00"}),
    ("core zone temporary housing",
     request({"zone": "core"}, method="exchange", exchange=exchange_terms()),
     {"R9_TEMP": "20800.00"}),
    ("overdue months alone still pay temporary housing",
     request(method="exchange", exchange=exchange_terms(transition_months=0, overdue_months=2)),
     {"R9_TEMP": "3200.00"}),
    # 0.05 × 500000 × (3 + 1); not moved on time: one move 30 × 50
    ("exchange without turnover house: monthly interruption",
     request(method="exchange", parts=[SHOP], exchange=exchange_terms()),
     {"L1_INTERRUPT": "100000.00", "R9_TEMP": "0.00", "R8_MOVE": "1500.00"}),
    ("exchange moved on time: two moves",
     request(method="exchange", moved_on_time=True, parts=[SHOP], exchange=exchange_terms()),
     {"R8_MOVE": "3000.00"}),
    ("exchange with turnover house: interruption still paid, no temporary housing",
     request(method="exchange", parts=[residential("80.00", "70.00"), SHOP],
             exchange=exchange_terms(turnover_house=True)),
     {"L1_INTERRUPT": "100000.00", "R9_TEMP": "0.00"}),
    ("exchange with temporary premises: no interruption, temporary housing paid",
     request(method="exchange", parts=[residential("80.00", "70.00"), SHOP],
             exchange=exchange_terms(turnover_premises=True)),
     {"L1_INTERRUPT": "0.00", "R9_TEMP": "20800.00"}),
    ("manufacturing uplift only on non-residential parts: 0.06 × 320000 (not raised)",
     request({"manufacturing_uplift": "0.5"},
             parts=[residential("80.00", "70.00", business_eligible=True, manufacturing=True)]),
     {"L1_INTERRUPT": "19200.00"}),
    ("mixed title on time, reading 'larger': 20000",
     request({"ontime_reward_mixed": "larger"}, moved_on_time=True,
             parts=[residential("80.00", "70.00"), SHOP]),
     {"R7_ONTIME": "20000.00"}),
    ("recognized building counts in the land comparison: (200 − 80 − 50 − 20) × 100",
     request(land_area="200.00", land_unit_price="100",
             parts=[residential("80.00", "70.00"), SHOP,
                    {"use": "residential", "registration": "recognized", "area": "20.00",
                     "unit_price": "1000", "water_accounts": 1}]),
     {"V_LAND": "5000.00", "V_UNREG": "20000.00", "L3_FACILITY": "600.00",
      "V_AREA": "820000.00"}),
    ("recognized building: no top-up, no floor, no reward area",
     request({"guide_reward_for": "money"}, min_housing_eligible=True,
             parts=[residential("50.00", "50.00", "1000"),
                    {"use": "residential", "registration": "recognized", "area": "30.00",
                     "unit_price": "1000"}]),
     {"V_SHARED": "7500.00", "V_MIN": "0.00", "R5_GUIDE": "6000.00", "V_UNREG": "30000.00"}),
    ("temporary and illegal buildings: only the set amount",
     request(parts=[residential("80.00", "70.00"),
                    {"use": "commercial", "registration": "temporary", "area": "10.00",
                     "temporary_amount": "3000.50"},
                    {"use": "production", "registration": "illegal", "area": "40.00"}],
             moved_on_time=True),
     {"V_UNREG": "3000.50", "R7_ONTIME": "10000.00", "R8_MOVE": "2000.00"}),
    ("presign: days from the presign day itself (2023-08-01 → 08-31: 30 days)",
     request(PRESIGN_PROJECT, signed_on="2023-08-01", presign=True),
     {"R6_EARLY": "9000.00"}),
    ("presign on the last day of its period (08-10 → 08-31: 21 days)",
     request(PRESIGN_PROJECT, signed_on="2023-08-10", presign=True),
     {"R6_EARLY": "6300.00"}),
    ("signing on the signing period's first day (08-21 → 08-31: 10 days)",
     request(PRESIGN_PROJECT, signed_on="2023-08-21"),
     {"R6_EARLY": "3000.00"}),
    ("settled by decision: no signing, no early days; guide reward as planned",
     request({"guide_reward_for": "money"}, decided_on="2023-10-10"),
     {"R6_EARLY": "0.00", "R5_GUIDE": "48000.00"}),
    ("settled by decision, the plan limits the guide reward to signed households",
     request({"guide_reward_for": "money", "decision_guide_reward": "none"},
             decided_on="2023-10-10"),
     {"R5_GUIDE": "0.00"}),
    ("commercial exchange house: not capped (35 × 9500)",
     request(method="exchange", exchange=exchange_terms(
         houses=[{"use": "commercial", "area": "35.00", "inner_area": "28.00",
                  "unit_price": "9500"}])),
     {"exchange_price": "332500.00"}),
    ("residential exchange house: capped (28 × 1.15 = 32.20 × 9500)",
     request(method="exchange", exchange=exchange_terms(
         houses=[{"area": "35.00", "inner_area": "28.00", "unit_price": "9500"}])),
     {"exchange_price": "305900.00"}),
    ("maintenance fund: recognized area counts in X (E 100, X 80 + 10)",
     request({"maintenance_fund_rate": "10"}, method="exchange",
             parts=[residential("80.00", "70.00"),
                    {"use": "residential", "registration": "recognized", "area": "10.00",
                     "unit_price": "1000"}],
             exchange=exchange_terms(houses=[{"area": "100.00", "unit_price": "4000"}])),
     {"fund_department": "900.00", "fund_household": "100.00"}),
    ("residential + commercial + production title",
     request({"manufacturing_uplift": "0.2", "guide_reward_for": "money"},
             moved_on_time=True, parts=[residential("80.00", "70.00", "5000"), SHOP, WORKSHOP]),
     {"L1_INTERRUPT": "51600.00", "R7_ONTIME": "30000.00", "R8_MOVE": "7500.00",
      "R5_GUIDE": "88000.00"}),
    ("equipment at 0.10 and 0.20",
     request(equipment=[{"name": "甲", "reusable": True, "net_value": "10000", "rate": "0.10"},
                        {"name": "乙", "reusable": True, "net_value": "10000", "rate": "0.20"}]),
     {"L4_EQUIP": "3000.00"}),
    ("exchange house within 15%: payable = area",
     request(method="exchange", exchange=exchange_terms(
         houses=[{"area": "57.50", "inner_area": "50.00", "unit_price": "4000"}])),
     {"exchange_price": "230000.00"}),
    ("exchange house without inner area: payable = area",
     request(method="exchange", exchange=exchange_terms(
         houses=[{"area": "70.00", "unit_price": "4000"}])),
     {"exchange_price": "280000.00"}),
]


@pytest.mark.parametrize(("name", "req", "expected"), CASES, ids=[c[0] for c in CASES])
def test_boundary(name, req, expected):
    result = breakdown(req)
    for key, amount in expected.items():
        if key in result.settlement:
            got = result.settlement[key]
        else:
            got = result.line(key).amount
        assert got == Decimal(amount), f"{name}: {key}"


def test_after_deadline_is_a_warning_not_an_error():
    result = breakdown(request(signed_on="2023-09-01"))
    assert any("晚于签约期限" in w for w in result.warnings)


@pytest.mark.parametrize("rate", ["0.09", "0.21"])
def test_equipment_rate_outside_the_range_is_refused(rate):
    with pytest.raises(InputError, match=r"case.equipment\[0\].rate"):
        breakdown(request(equipment=[{"name": "甲", "reusable": True, "net_value": "1",
                                      "rate": rate}]))


@pytest.mark.parametrize(("warning_case", "text"), [
    (request(parts=[residential("80.00", "70.00", business_eligible=True)]), "办法第四十条"),
    (request(parts=[{**SHOP, "business_eligible": False, "manufacturing": True}]), "生产制造"),
    (request(method="exchange", exchange=exchange_terms(houses=[])), "尚未选定"),
    (request(parts=[{**SHOP, "gas_cost": "100"}]), "天然气"),
])
def test_spec_warnings(warning_case, text):
    assert any(text in w for w in breakdown(warning_case).warnings)


@pytest.mark.parametrize(("warning_case", "text"), [
    (request(method="exchange", parts=[SHOP], exchange=exchange_terms()), "5%"),
    (request(parts=[residential("80.00", "70.00", business_eligible=True,
                                manufacturing=True)]), "不适用生产制造上浮"),
    (request(min_housing_eligible=True, parts=[residential("30.00", "28.00"), SHOP]),
     "第三十七条"),
    (request(parts=[residential("80.00", "70.00"),
                    {"use": "production", "registration": "illegal", "area": "40.00"}]),
     "40.00 m²，不予补偿"),
])
def test_revision_2_and_3_warnings(warning_case, text):
    assert any(text in w for w in breakdown(warning_case).warnings)


def test_no_printed_rate_warning_without_monthly_interruption():
    premises = request(method="exchange", parts=[SHOP],
                       exchange=exchange_terms(turnover_premises=True))
    money = request(parts=[SHOP])   # the one-off 6%: not the monthly rate
    assert breakdown(money).line("L1_INTERRUPT").amount == Decimal("30000.00")
    for req in (premises, money):
        assert not any(w.startswith("L1_INTERRUPT") for w in breakdown(req).warnings)


UNREG = {"use": "commercial", "area": "10.00"}


@pytest.mark.parametrize(("req", "path"), [
    (request({"signing_start": "2023-09-01"}), "project.signing_start"),
    (request(parts=[{**UNREG, "registration": "recognized", "unit_price": "100"}]),
     "case.parts"),
    (request(parts=[residential("80.00", "70.00"), {**UNREG, "registration": "lawful"}]),
     r"case.parts\[1\].registration"),
    (request(parts=[residential("80.00", "70.00"), {**UNREG, "registration": "temporary"}]),
     r"case.parts\[1\].temporary_amount"),
    (request(parts=[residential("80.00", "70.00"),
                    {**UNREG, "registration": "temporary", "temporary_amount": "1",
                     "unit_price": "100"}]),
     r"case.parts\[1\].unit_price"),
    (request(parts=[residential("80.00", "70.00"),
                    {**UNREG, "registration": "illegal", "decoration_value": "100"}]),
     r"case.parts\[1\].decoration_value"),
    (request(parts=[residential("80.00", "70.00", gas_cost="100")]),
     r"case.parts\[0\].gas_cost"),
    (request({"exchange_interruption_rate": "0.03"}), "project.exchange_interruption_rate"),
    (request({"early_days_from": "today"}), "project.early_days_from"),
    (request({"second_move_requires_on_time": True}), "project.second_move_requires_on_time"),
    (request(PRESIGN_PROJECT, signed_on="2023-08-11", presign=True), "case.signed_on"),
    (request(PRESIGN_PROJECT, signed_on="2023-08-01"), "case.signed_on"),
    (request(PRESIGN_PROJECT, signed_on="2023-08-18"), "case.signed_on"),
    (request(signed_on="2023-08-01", presign=True), "case.presign"),
    (request(signed_on="2023-08-01", decided_on="2023-09-01"), "case.decided_on"),
    (request({**PRESIGN_PROJECT, "presign_end": "2023-07-01"}), "project.presign_start"),
    (request({"decision_made_on": "2023-06-02"}), "project.decision_made_on"),
])
def test_revision_2_and_3_input_errors(req, path):
    with pytest.raises(InputError, match=path):
        breakdown(req)
