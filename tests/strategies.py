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
        body["manufacturing"] = draw(st.booleans()) and draw(st.booleans())  # ignored (warned)
    else:
        body["gas_cost"] = draw(dec("0", "5000"))
        body["business_eligible"] = draw(st.booleans())
        body["manufacturing"] = use == "production" and draw(st.booleans())
    return body


@st.composite
def unregistered_part(draw):
    """A part without a title (办法第十八条): recognized (priced like a registered part of its
    use, no inner area), temporary (the department's amount) or illegal (area only)."""
    registration = draw(st.sampled_from(["recognized", "temporary", "illegal"]))
    use = draw(st.sampled_from(["residential", "commercial", "production"]))
    body = {"use": use, "area": draw(dec("2.00", "200.00")), "registration": registration}
    if registration == "temporary":
        body["temporary_amount"] = draw(dec("0", "60000"))
    elif registration == "recognized":
        body.update({"unit_price": draw(dec("500", "9000")),
                     "decoration_value": draw(dec("0", "20000")),
                     "water_accounts": draw(counts), "power_accounts": draw(counts),
                     "gas_accounts": draw(counts),
                     "business_eligible": draw(st.booleans()),
                     "manufacturing": draw(st.booleans())})
        if use != "residential":
            body["gas_cost"] = draw(dec("0", "3000"))
    return body


@st.composite
def project_dates(draw):
    """A project's dates under revision 3: the announcement, the signing deadline, maybe the
    signing period's first day, a presign period before the announcement and the day the
    decision was made."""
    announced = date(2023, 3, 16) + timedelta(days=draw(st.integers(0, 900)))
    deadline = announced + timedelta(days=draw(st.integers(10, 120)))
    project = {"announced_on": announced.isoformat(), "signing_deadline": deadline.isoformat()}
    if draw(st.booleans()):
        start = announced + timedelta(days=draw(st.integers(0, (deadline - announced).days)))
        project["signing_start"] = start.isoformat()
    if draw(st.booleans()):
        end = announced - timedelta(days=draw(st.integers(1, 30)))
        project["presign_start"] = (end - timedelta(days=draw(st.integers(0, 20)))).isoformat()
        project["presign_end"] = end.isoformat()
    if draw(st.booleans()):
        made = announced - timedelta(days=draw(st.integers(0, 10)))
        project["decision_made_on"] = made.isoformat()
    return project


@st.composite
def signing(draw, project):
    """How the case ends (or stands): unsigned, signed in the signing period (or after the
    deadline: a warning), a presign inside the presign period and before the decision, or
    settled by a 补偿决定 — always valid under revision 3's date checks."""
    announced = date.fromisoformat(project["announced_on"])
    deadline = date.fromisoformat(project["signing_deadline"])
    kinds = ["unsigned", "signed", "signed", "decided"]
    first = project.get("presign_start")
    limit = date.fromisoformat(project.get("decision_made_on") or project["announced_on"])
    presign_last = None
    if first is not None:
        presign_last = min(date.fromisoformat(project["presign_end"]), limit - timedelta(days=1))
        if presign_last >= date.fromisoformat(first):
            kinds.append("presign")
    kind = draw(st.sampled_from(kinds))
    if kind == "signed":
        start = max(announced, date.fromisoformat(project.get("signing_start")
                                                  or project["announced_on"]))
        signed = start + timedelta(days=draw(st.integers(0, (deadline - start).days + 20)))
        return {"signed_on": signed.isoformat()}
    if kind == "presign":
        begin = date.fromisoformat(first)
        signed = begin + timedelta(days=draw(st.integers(0, (presign_last - begin).days)))
        return {"signed_on": signed.isoformat(), "presign": True}
    if kind == "decided":
        return {"signed_on": None,
                "decided_on": (deadline + timedelta(days=draw(st.integers(1, 90)))).isoformat()}
    return {"signed_on": None}


@st.composite
def calc_request(draw, method=None):
    project = draw(project_dates())
    method = method or draw(st.sampled_from(["money", "exchange"]))
    parts = draw(st.lists(part(), min_size=1, max_size=4))
    parts += draw(st.lists(unregistered_part(), max_size=2))
    case = {
        "method": method,
        "min_housing_eligible": draw(st.booleans()),
        **draw(signing(project)),
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
            house = {"area": f"{area:.2f}", "inner_area": f"{inner:.2f}",
                     "unit_price": draw(dec("2000", "9000"))}
            use = draw(st.sampled_from([None, "residential", "commercial", "production"]))
            if use is not None:
                house["use"] = use
            houses.append(house)
        case["exchange"] = {
            "houses": houses, "transition_months": draw(st.integers(0, 36)),
            "turnover_house": draw(st.booleans()),
            "turnover_premises": draw(st.booleans()),
            "interruption_months": draw(st.integers(0, 12)),
            "overdue_months": draw(st.integers(0, 6)),
        }
    project.update({
        "zone": draw(st.sampled_from(["core", "outer"])),
        "guide_reward_for": draw(st.sampled_from(["money", "exchange", "both", "none"])),
        "residential_extra_area": draw(dec("0", "5")),
        "nonresidential_guide_rate": draw(dec("0", "0.05", 3)),
        "manufacturing_uplift": draw(dec("0", "0.50")),
        "equipment_rate": draw(dec("0.10", "0.20")),
        "maintenance_fund_rate": draw(dec("0", "80")),
    })
    # the readings: absent (the default) or either of their two choices
    for key, choices in (("ontime_reward_mixed", ["both", "larger"]),
                         ("decision_guide_reward", ["as_plan", "none"])):
        choice = draw(st.sampled_from([None, *choices]))
        if choice is not None:
            project[key] = choice
    return {"project": project, "case": case}


rarely = st.integers(0, 7).map(lambda n: n == 7)   # (hypothesis starts from the small end)
RETIRED = {"exchange_interruption_rate": ["0.05", "0.005"],
           "early_days_from": ["period", "signing_day"],
           "second_move_requires_on_time": [True, False]}


@st.composite
def maybe_refused_request(draw, method=None):
    """A request that may break one or more of revision 3's new rules: a retired reading named,
    a signing or decision date anywhere around the periods, the presign flag either way, the
    presign period half given or reversed, the decision made after its announcement."""
    req = draw(calc_request(method))
    project, case = req["project"], req["case"]
    announced = date.fromisoformat(project["announced_on"])

    def around() -> str:
        return (announced + timedelta(days=draw(st.integers(-60, 120)))).isoformat()

    for key, choices in RETIRED.items():
        if draw(rarely):
            project[key] = draw(st.sampled_from(choices))
    if draw(st.booleans()):
        case["signed_on"] = draw(st.one_of(st.none(), st.builds(around)))
    if draw(st.booleans()):
        case["presign"] = draw(st.booleans())
    if draw(rarely):
        case["decided_on"] = around()
    if draw(rarely):
        project["presign_start"] = around()
        if draw(st.booleans()):
            project.pop("presign_end", None)
    if draw(rarely):
        project["decision_made_on"] = around()
    return req
