"""An independent, deliberately plain reading of the spec, used only to cross-check the engine
(docs/calculation.md is the engine's side: the contract as implemented).

Written straight from ../shared/spec/wulong-2023-rules.md, revision 3: fourteen lines, buildings
without a title, the two turnover flags, R9 over transition + overdue months, exchange houses'
use, the two remaining readings (`ontime_reward_mixed`, `decision_guide_reward`), the printed 5%
monthly rate, early days always from `signed_on`, the second move only on time, presigns in their
own period, `decided_on`, and the schedule. The spec's figures are literals here (on purpose: it
must not share the engine's standard file or code). Takes the raw request dict.

`reference(req)` raises Refused, naming the fields involved, for the input errors revision 3
adds (a retired reading key, the presign period and decision date, the signing-date checks, a
case both signed and decided); every other input is assumed valid.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

D = Decimal
RETIRED = ("exchange_interruption_rate", "early_days_from", "second_move_requires_on_time")


class Refused(Exception):
    """The request is an input error; `fields` are the paths each problem involves."""

    def __init__(self, problems: list[set[str]]):
        super().__init__(problems)
        self.problems = problems

    @property
    def fields(self) -> set[str]:
        return set().union(*self.problems)


def r(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def dd(x, default="0") -> Decimal:
    return D(str(default)) if x is None else D(str(x))


def day(text):
    return None if text is None else date.fromisoformat(text)


def refusals(pj: dict, cs: dict) -> list[set[str]]:
    """The spec's revision-3 input errors, each as the set of fields it names."""
    found: list[set[str]] = [{f"project.{key}"} for key in RETIRED if key in pj]
    announced = day(pj["announced_on"])
    first, last = day(pj.get("presign_start")), day(pj.get("presign_end"))
    made = day(pj.get("decision_made_on"))
    if (first is None) != (last is None):
        found.append({"project.presign_start", "project.presign_end"})
    elif first is not None and first > last:
        found.append({"project.presign_start", "project.presign_end"})
    if made is not None and made > announced:
        found.append({"project.decision_made_on", "project.announced_on"})
    signed, decided = day(cs.get("signed_on")), day(cs.get("decided_on"))
    if signed is not None and decided is not None:
        found.append({"case.signed_on", "case.decided_on"})
    if cs.get("presign"):
        if signed is None:
            found.append({"case.signed_on", "case.presign"})
            return found
        if first is None or last is None or not first <= signed <= last:
            found.append({"case.signed_on", "case.presign", "project.presign_start",
                          "project.presign_end"})
        limit = made if made is not None else announced
        if signed >= limit:
            found.append({"case.signed_on", "project.decision_made_on", "project.announced_on"})
    elif signed is not None:
        if signed < announced:
            found.append({"case.signed_on", "project.announced_on"})
        start = day(pj.get("signing_start"))
        if start is not None and signed < start:
            found.append({"case.signed_on", "project.signing_start"})
    return found


def reference(req: dict) -> dict:
    pj, cs = req["project"], req["case"]
    problems = refusals(pj, cs)
    if problems:
        raise Refused(problems)
    parts = cs["parts"]
    method = cs["method"]
    exch = cs.get("exchange") if method == "exchange" else None

    def reg(p):
        return p.get("registration") or "registered"

    registered = [p for p in parts if reg(p) == "registered"]
    recognized = [p for p in parts if reg(p) == "recognized"]
    temporary = [p for p in parts if reg(p) == "temporary"]
    paid = registered + recognized            # L1, L2, L3 look at these
    R = [p for p in registered if p["use"] == "residential"]
    N = [p for p in registered if p["use"] != "residential"]
    extra = dd(pj.get("residential_extra_area"))
    nrate = dd(pj.get("nonresidential_guide_rate"), "0.05")
    uplift = dd(pj.get("manufacturing_uplift"))
    eqrate = dd(pj.get("equipment_rate"), "0.15")
    fund = dd(pj.get("maintenance_fund_rate"))
    larger = pj.get("ontime_reward_mixed") == "larger"
    no_guide_on_decision = pj.get("decision_guide_reward") == "none"
    on_time = bool(cs.get("moved_on_time"))

    comp = []
    for p in R:
        a, i = dd(p["area"]), dd(p["inner_area"])
        k = (a - i) / i
        comp.append(r(i * D("1.15")) if k <= D("0.15") else a)
    AR = sum((dd(p["area"]) for p in R), D(0))
    AN = sum((dd(p["area"]) for p in N), D(0))
    AU = sum((dd(p["area"]) for p in recognized), D(0))
    AcompR = sum(comp, D(0))
    PR = r(sum(dd(p["area"]) * dd(p["unit_price"]) for p in R) / AR) if R else D(0)
    mt = D(45) - AcompR if (cs.get("min_housing_eligible") and R and AcompR < 45) else D(0)
    reward_area = AR + mt
    interruption = int((exch or {}).get("interruption_months") or 0)
    transition = int((exch or {}).get("transition_months") or 0)
    overdue = int((exch or {}).get("overdue_months") or 0)

    def l1_for(months: int) -> Decimal:
        total = D(0)
        for p in paid:
            if not p.get("business_eligible"):
                continue
            base = dd(p["area"]) * dd(p["unit_price"])
            m = 1 + uplift if (p.get("manufacturing") and p["use"] != "residential") else D(1)
            if method == "money":
                total += D("0.06") * base * m
            elif not exch.get("turnover_premises"):
                total += D("0.05") * base * months * m     # the printed 5% a month
        return r(total)

    def r9_for(months: int) -> Decimal:
        if method != "exchange" or exch["turnover_house"] or not R:
            return D("0.00")
        rate = D(20) if pj["zone"] == "core" else D(20) * (1 - D("0.30"))
        return r(rate * max(reward_area, D(45)) * months)

    def r8_for(times: int) -> Decimal:
        total = D(2000 * times if R else 0)
        for p in N:
            total += (30 if p["use"] == "commercial" else 40) * dd(p["area"]) * times
        return r(total)

    out = {}
    out["V_AREA"] = r(sum((dd(p["area"]) * dd(p["unit_price"]) for p in registered), D(0)))
    out["V_SHARED"] = r(sum(((c - dd(p["area"])) * dd(p["unit_price"])
                             for p, c in zip(R, comp, strict=True)), D(0)))
    out["V_MIN"] = r(mt * PR)
    la, lp = cs.get("land_area"), cs.get("land_unit_price")
    out["V_LAND"] = (r((dd(la) - AR - AN - AU) * dd(lp))
                     if la is not None and lp is not None and AR + AN + AU < dd(la)
                     else D("0.00"))
    out["V_UNREG"] = r(sum((dd(p["area"]) * dd(p["unit_price"]) for p in recognized), D(0))
                       + sum((dd(p["temporary_amount"]) for p in temporary), D(0)))
    out["L1_INTERRUPT"] = l1_for(interruption + overdue)
    out["L2_DECOR"] = r(sum((dd(p.get("decoration_value")) for p in paid), D(0)))
    l3 = D(0)
    if method == "money":
        for p in paid:
            w, e, g = (int(p.get(k) or 0) for k in ("water_accounts", "power_accounts",
                                                      "gas_accounts"))
            if p["use"] == "residential":
                l3 += 600 * w + 600 * e + 3450 * g
            else:
                l3 += 1180 * w + 2500 * e + dd(p.get("gas_cost"))
    out["L3_FACILITY"] = r(D(l3))
    l4 = D(0)
    for q in cs.get("equipment") or []:
        if q["reusable"]:
            l4 += dd(q["net_value"]) * dd(q.get("rate"), eqrate)
        else:
            l4 += dd(q["assessed_value"])
    out["L4_EQUIP"] = r(l4)
    r5 = D(0)
    decided = cs.get("decided_on") is not None
    if pj["guide_reward_for"] in (method, "both") and not (decided and no_guide_on_decision):
        if R:
            r5 += D("0.12") * (sum(dd(p["area"]) * dd(p["unit_price"]) for p in R) + mt * PR)
            r5 += extra * PR
        r5 += nrate * sum((dd(p["area"]) * dd(p["unit_price"]) for p in N), D(0))
    out["R5_GUIDE"] = r(r5)
    days = 0
    if cs.get("signed_on"):
        s, dl = day(cs["signed_on"]), day(pj["signing_deadline"])
        if s <= dl:
            days = (dl - s).days          # 「自签约之日起」, presigns included
    out["R6_EARLY"] = r((300 * days if R else 0) + 10 * AN * days)
    if not on_time:
        r7 = 0
    elif R and N and larger:
        r7 = 20000
    else:
        r7 = (10000 if R else 0) + (20000 if N else 0)
    out["R7_ONTIME"] = r(D(r7))
    times = 2 if (method == "exchange" and on_time) else 1   # 「且须按期搬离」
    out["R8_MOVE"] = r8_for(times)
    out["R9_TEMP"] = r9_for(transition + overdue)

    value = sum(out[k] for k in ("V_AREA", "V_SHARED", "V_MIN", "V_LAND", "V_UNREG"))
    loss = sum(out[k] for k in ("L1_INTERRUPT", "L2_DECOR", "L3_FACILITY", "L4_EQUIP"))
    reward = sum(out[k] for k in ("R5_GUIDE", "R6_EARLY", "R7_ONTIME", "R8_MOVE", "R9_TEMP"))
    total = value + loss + reward
    st = dict.fromkeys(("exchange_price", "value_difference", "net_payable", "fund_department",
                        "fund_household"), D(0))
    if exch is not None:
        price, E = D(0), D(0)
        for h in exch.get("houses") or []:
            a = dd(h["area"])
            i = dd(h.get("inner_area"), a)
            house_residential = (h.get("use") or "residential") == "residential"
            pay = r(i * D("1.15")) if house_residential and (a - i) / i > D("0.15") else a
            price += r(pay * dd(h["unit_price"]))
            E += a
        X = AR + AN + AU
        st = {"exchange_price": price, "value_difference": value - price,
              "net_payable": total - price, "fund_department": r(fund * min(E, X)),
              "fund_household": r(fund * max(D(0), E - X))}
    # when each part falls due (spec "When each amount falls due")
    if method == "exchange":
        l1_agreed, r9_agreed = l1_for(interruption), r9_for(transition)
        in_transition = l1_agreed + r9_agreed
        late = (out["L1_INTERRUPT"] - l1_agreed) + (out["R9_TEMP"] - r9_agreed)
    else:
        in_transition = late = D(0)
    after = out["R7_ONTIME"] + (out["R8_MOVE"] - r8_for(1) if times == 2 else D(0))
    schedule = {"before_move": total - in_transition - late - after,
                "transition": in_transition, "after_move": after, "overdue": late}
    fmt = lambda x: f"{r(x):f}"  # noqa: E731
    return {"lines": {k: fmt(v) for k, v in out.items()},
            "totals": {"value": fmt(value), "loss": fmt(loss), "reward": fmt(reward),
                       "total": fmt(total)},
            "settlement": {k: fmt(v) for k, v in st.items()},
            "schedule": {k: fmt(v) for k, v in schedule.items()}}
