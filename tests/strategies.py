"""Hypothesis strategies that build valid calc requests (decimal strings, never floats)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st


def dec(lo: str, hi: str, places: int = 2):
    scale = 10**places
    return st.integers(int(Decimal(lo) * scale), int(Decimal(hi) * scale)).map(
        lambda n: f"{Decimal(n) / scale:.{places}f}")


counts = st.integers(0, 3)


@st.composite
def part(draw, use=None):
    use = use or draw(st.sampled_from(["residential", "commercial", "production"]))
    area = draw(dec("5.00", "400.00"))
    body = {"use": use, "area": area, "unit_price": draw(dec("800", "15000")),
            "decoration_value": draw(dec("0", "80000")),
            "water_accounts": draw(counts), "power_accounts": draw(counts),
            "gas_accounts": draw(counts)}
    if use == "residential":
        a = Decimal(area)
        # inner between 70% and 100% of area
        inner = draw(st.integers(int(a * 70), int(a * 100))) / Decimal(100)
        body["inner_area"] = f"{max(inner, Decimal('1.00')):.2f}"
        body["business_eligible"] = draw(st.booleans()) and draw(st.booleans())
    else:
        body["gas_cost"] = draw(dec("0", "5000"))
        body["business_eligible"] = draw(st.booleans())
        body["manufacturing"] = use == "production" and draw(st.booleans())
    return body


@st.composite
def calc_request(draw, method=None):
    announced = date(2023, 3, 16) + timedelta(days=draw(st.integers(0, 900)))
    deadline = announced + timedelta(days=draw(st.integers(10, 120)))
    method = method or draw(st.sampled_from(["money", "exchange"]))
    parts = draw(st.lists(part(), min_size=1, max_size=4))
    signed = draw(st.one_of(st.none(), st.integers(-20, 130)))
    case = {
        "method": method,
        "min_housing_eligible": draw(st.booleans()),
        "signed_on": None if signed is None else (announced + timedelta(days=signed)).isoformat(),
        "moved_on_time": draw(st.booleans()),
        "parts": parts,
        "equipment": draw(st.lists(st.one_of(
            st.fixed_dictionaries({"name": st.just("设备"), "reusable": st.just(True),
                                   "net_value": dec("0", "90000")},
                                  optional={"rate": dec("0.10", "0.20")}),
            st.fixed_dictionaries({"name": st.just("设备"), "reusable": st.just(False),
                                   "assessed_value": dec("0", "50000")})), max_size=3)),
    }
    if draw(st.booleans()):
        case["land_area"] = draw(dec("10.00", "900.00"))
        case["land_unit_price"] = draw(dec("100", "2000"))
    if method == "exchange":
        houses = []
        for _ in range(draw(st.integers(0, 2))):
            area = Decimal(draw(dec("30.00", "150.00")))
            inner = draw(st.integers(int(area * 70), int(area * 100))) / Decimal(100)
            houses.append({"area": f"{area:.2f}", "inner_area": f"{inner:.2f}",
                           "unit_price": draw(dec("2000", "9000"))})
        case["exchange"] = {
            "houses": houses, "transition_months": draw(st.integers(0, 36)),
            "turnover_house": draw(st.booleans()),
            "interruption_months": draw(st.integers(0, 12)),
            "overdue_months": draw(st.integers(0, 6)),
        }
    project = {
        "announced_on": announced.isoformat(), "signing_deadline": deadline.isoformat(),
        "zone": draw(st.sampled_from(["core", "outer"])),
        "guide_reward_for": draw(st.sampled_from(["money", "exchange", "both", "none"])),
        "residential_extra_area": draw(dec("0", "5")),
        "nonresidential_guide_rate": draw(dec("0", "0.05", 3)),
        "manufacturing_uplift": draw(dec("0", "0.50")),
        "equipment_rate": draw(dec("0.10", "0.20")),
        "maintenance_fund_rate": draw(dec("0", "80")),
    }
    return {"project": project, "case": case}
