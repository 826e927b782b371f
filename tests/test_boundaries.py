"""Boundary cases of the rules, as a table: each row is a request and the figures it must give."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import request, residential

from wulong_desk.rules import InputError, compute, default_standards, read_request

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
    ("outer zone temporary housing",
     request({"zone": "outer"}, method="exchange", exchange=exchange_terms()),
     {"R9_TEMP": "13440.00"}),
    ("core zone temporary housing",
     request({"zone": "core"}, method="exchange", exchange=exchange_terms()),
     {"R9_TEMP": "19200.00"}),
    ("exchange without turnover house: monthly interruption",
     request(method="exchange", parts=[SHOP], exchange=exchange_terms()),
     {"L1_INTERRUPT": "100000.00", "R9_TEMP": "0.00", "R8_MOVE": "3000.00"}),
    ("exchange with turnover house: no interruption, no temporary housing",
     request(method="exchange", parts=[residential("80.00", "70.00"), SHOP],
             exchange=exchange_terms(turnover_house=True)),
     {"L1_INTERRUPT": "0.00", "R9_TEMP": "0.00"}),
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
