"""compute(case, project, standard) → Breakdown. Pure: no I/O, no clock, no Qt.

Formulas only; every rate and amount comes from the standard file (standard.p(name)).
Line order, rounding and the exchange settlement follow ../shared/spec/wulong-2023-rules.md.
"""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter

from wulong_desk.rules.breakdown import Breakdown, Line, Term, Value
from wulong_desk.rules.decimals import ONE, ZERO, ZERO_AMOUNT, num, rate, ratio4, round2
from wulong_desk.rules.model import (
    COMMERCIAL,
    EXCHANGE,
    MONEY,
    RESIDENTIAL,
    CaseInput,
    ProjectOptions,
)
from wulong_desk.rules.standard import LineSpec, Standard

_new = tuple.__new__
_amount = itemgetter(3)  # Line.amount, read in C


def _line(spec: LineSpec, total: Decimal, terms: list[Term], why: str = "", note: str = ""
          ) -> Line:
    """The line whose amount is `total` rounded once (round2; a zero total needs no rounding).
    A zero line always says why: `note` when given, else the standard's note named `why`, else
    that the result is zero (a zero line without terms is then the standard's own, made at
    load). The record is built as the plain tuple it is: this runs 13 times a household."""
    amount = round2(total) if total else ZERO_AMOUNT
    if amount:
        return _new(Line, (spec.code, spec.group, spec.label, amount, spec.cite, "", tuple(terms)))
    if not note:
        if not terms:
            return spec.zero_lines[why]
        note = spec.zero_lines[why].note
    return _new(Line, (spec.code, spec.group, spec.label, ZERO_AMOUNT, spec.cite, note,
                       tuple(terms)))


def compute(case: CaseInput, project: ProjectOptions, standard: Standard) -> Breakdown:
    p = standard.values
    specs = standard.lines
    is_exchange = case.method == EXCHANGE
    exchange = case.exchange if is_exchange else None
    floor = p["shared_ratio_floor"]
    comp_factor = ONE + floor
    shared_template = specs["V_SHARED"].t("term")
    area_template = specs["V_AREA"].t("term")
    decoration_template = specs["L2_DECOR"].t("term")
    res = []
    nonres = []
    eligible = []
    area_r = area_n = value_r = value_n = shared_value = comp_area_r = decoration = ZERO
    area_terms: list[Term] = []
    shared_terms: list[Term] = []
    decoration_terms: list[Term] = []
    for part in case.parts:  # one pass for every derived sum and per-part term
        area = part.area
        unit_price = part.unit_price
        area_terms.append((area_template, {"area": area, "unit_price": unit_price}))
        if part.decoration_value:
            decoration += part.decoration_value
            decoration_terms.append((decoration_template,
                                     {"decoration_value": part.decoration_value}))
        if part.business_eligible:
            eligible.append(part)
        if part.use != RESIDENTIAL:
            nonres.append(part)
            area_n += area
            value_n += area * unit_price
            continue
        res.append(part)
        area_r += area
        value_r += area * unit_price
        inner = part.inner_area if part.inner_area is not None else area
        if area - inner <= floor * inner:  # K = (area − inner) / inner ≤ floor, exactly
            comp = round2(inner * comp_factor)
            topup = comp - area
            if topup > ZERO:
                shared_terms.append((shared_template, {
                    "area": area, "inner_area": inner,
                    "k": ratio4((area - inner) / inner), "comp_area": comp,
                    "topup": topup, "unit_price": unit_price}))
                shared_value += topup * unit_price
        else:
            comp = area
        comp_area_r += comp
    has_r = bool(res)
    has_n = bool(nonres)
    price_r = round2(value_r / area_r) if has_r else ZERO
    min_area = p["min_housing_area"]
    min_topup = ZERO
    if case.min_housing_eligible and has_r and comp_area_r < min_area:
        min_topup = min_area - comp_area_r
    reward_area_r = area_r + min_topup
    min_value = min_topup * price_r

    lines: list[Line] = []

    # ---- V_AREA
    lines.append(_line(specs["V_AREA"], value_r + value_n, area_terms))

    # ---- V_SHARED
    spec = specs["V_SHARED"]
    lines.append(_line(spec, shared_value, shared_terms,
                       "no_topup" if has_r else "no_residential"))

    # ---- V_MIN
    spec = specs["V_MIN"]
    if min_topup > ZERO:
        lines.append(_line(spec, min_value, [
            (spec.t("term"), {"comp_area_total": comp_area_r, "price_r": price_r})]))
    elif not has_r:
        lines.append(_line(spec, ZERO, [], "no_residential"))
    elif not case.min_housing_eligible:
        lines.append(_line(spec, ZERO, [], "not_eligible"))
    else:
        lines.append(_line(spec, ZERO, [], note=spec.note(
            "enough", comp_area_total=num(comp_area_r))))

    # ---- V_LAND
    spec = specs["V_LAND"]
    building = area_r + area_n
    if case.land_area is None or case.land_unit_price is None:
        lines.append(_line(spec, ZERO, [], "no_input"))
    elif building < case.land_area:
        values: dict[str, Value] = {"land_area": case.land_area, "building_area": building,
                                    "land_unit_price": case.land_unit_price}
        lines.append(_line(spec, (case.land_area - building) * case.land_unit_price,
                           [(spec.t("term"), values)]))
    else:
        lines.append(_line(spec, ZERO, [], note=spec.note(
            "not_exceeding", land_area=num(case.land_area), building_area=num(building))))

    # ---- L1_INTERRUPT
    spec = specs["L1_INTERRUPT"]
    uplift = project.manufacturing_uplift
    terms: list[Term] = []
    total = ZERO
    why = ""
    if not eligible:
        why = "none_eligible"
    elif exchange is not None and exchange.turnover_house:
        why = "turnover"
    else:
        months = (exchange.interruption_months + exchange.overdue_months) if exchange else 0
        if is_exchange and months == 0:
            why = "no_months"
        else:
            uplift_text = ""
            for part in eligible:
                base = part.area * part.unit_price
                factor = ONE + uplift if part.manufacturing else ONE
                uplift_text = (spec.text("uplift").format(manufacturing_uplift=rate(uplift))
                               if part.manufacturing and uplift else "")
                values = {"base": base, "uplift": uplift_text, "months": months}
                if is_exchange:
                    total += p["interrupt_exchange_monthly_rate"] * base * months * factor
                    terms.append((spec.t("term_exchange"), values))
                else:
                    total += p["interrupt_money_rate"] * base * factor
                    terms.append((spec.t("term_money"), values))
    lines.append(_line(spec, total, terms, why))

    # ---- L2_DECOR
    lines.append(_line(specs["L2_DECOR"], decoration, decoration_terms, "none"))

    # ---- L3_FACILITY
    spec = specs["L3_FACILITY"]
    terms = []
    total = ZERO
    if is_exchange:
        why = "exchange"
    else:
        why = "none"
        for part in case.parts:
            if part.use == RESIDENTIAL:
                amount = (p["facility_res_water"] * part.water_accounts
                          + p["facility_res_power"] * part.power_accounts
                          + p["facility_res_gas"] * part.gas_accounts)
                key = "term_residential"
            else:
                amount = (p["facility_nonres_water"] * part.water_accounts
                          + p["facility_nonres_power"] * part.power_accounts + part.gas_cost)
                key = "term_nonresidential"
            if amount:
                terms.append((spec.t(key), {
                    "water": part.water_accounts, "power": part.power_accounts,
                    "gas": part.gas_accounts, "gas_cost": part.gas_cost}))
                total += amount
    lines.append(_line(spec, total, terms, why))

    # ---- L4_EQUIP
    spec = specs["L4_EQUIP"]
    terms = []
    total = ZERO
    for item in case.equipment:
        if item.reusable:
            item_rate = item.rate if item.rate is not None else project.equipment_rate
            net = item.net_value or ZERO
            terms.append((spec.t("term_reusable"), {"net_value": net, "rate": rate(item_rate)}))
            total += net * item_rate
        else:
            assessed = item.assessed_value or ZERO
            terms.append((spec.t("term_lost"), {"assessed_value": assessed}))
            total += assessed
    lines.append(_line(spec, total, terms, "none"))

    # ---- R5_GUIDE
    spec = specs["R5_GUIDE"]
    terms = []
    total = ZERO
    why = ""
    if project.guide_reward_for in (case.method, "both"):
        if has_r:
            extra = project.residential_extra_area
            terms.append((spec.t("term_residential"), {
                "value_r": value_r, "min_value": min_value, "extra_area": rate(extra),
                "price_r": price_r}))
            total += p["guide_res_rate"] * (value_r + min_value) + extra * price_r
        if has_n:
            terms.append((spec.t("term_nonresidential"), {
                "rate_n": rate(project.nonresidential_guide_rate), "value_n": value_n}))
            total += project.nonresidential_guide_rate * value_n
    else:
        why = "not_chosen"
    lines.append(_line(spec, total, terms, why))

    # ---- R6_EARLY
    spec = specs["R6_EARLY"]
    terms = []
    total = ZERO
    days = 0
    if case.signed_on is None:
        why = "unsigned"
    elif case.signed_on > project.signing_deadline:
        why = "late"
    else:
        days = (project.signing_deadline - case.signed_on).days
        why = "zero_days"
    if days:
        if has_r:
            terms.append((spec.t("term_residential"), {"days": days}))
            total += p["early_res_per_day"] * days
        if has_n:
            terms.append((spec.t("term_nonresidential"), {"days": days, "area_n": area_n}))
            total += p["early_nonres_per_m2_day"] * area_n * days
    lines.append(_line(spec, total, terms, why))

    # ---- R7_ONTIME
    spec = specs["R7_ONTIME"]
    terms = []
    total = ZERO
    if case.moved_on_time:
        if has_r:
            terms.append((spec.t("term_residential"), {}))
            total += p["ontime_res"]
        if has_n:
            terms.append((spec.t("term_nonresidential"), {}))
            total += p["ontime_nonres"]
    lines.append(_line(spec, total, terms, "not_moved"))

    # ---- R8_MOVE
    spec = specs["R8_MOVE"]
    times_key = "move_times_exchange" if is_exchange else "move_times_money"
    times = p[times_key]
    times_text = standard.texts[times_key]
    terms = []
    total = ZERO
    if has_r:
        terms.append((spec.t("term_residential"), {"times": times_text}))
        total += p["move_res"] * times
    for part in nonres:
        rate_key = "move_commercial" if part.use == COMMERCIAL else "move_production"
        part_rate = p[rate_key]
        terms.append((spec.t("term_nonresidential"), {
            "rate": standard.texts[rate_key], "area": part.area, "times": times_text}))
        total += part_rate * part.area * times
    lines.append(_line(spec, total, terms, "none"))

    # ---- R9_TEMP
    spec = specs["R9_TEMP"]
    terms = []
    total = ZERO
    if exchange is None:
        why = "money"
    elif exchange.turnover_house:
        why = "turnover"
    elif not has_r:
        why = "no_residential"
    elif exchange.transition_months == 0:
        why = "no_months"
    else:
        if project.zone == "core":
            temp_rate = p["temp_rate"]
            rate_text = standard.texts["temp_rate"]
        else:
            temp_rate = p["temp_rate"] * (ONE - p["temp_outer_reduction"])
            rate_text = spec.text("rate_outer")
        calc_area = max(reward_area_r, p["temp_floor_area"])
        terms.append((spec.t("term"), {"rate": rate_text, "reward_area": reward_area_r,
                                        "months": exchange.transition_months}))
        total = temp_rate * calc_area * exchange.transition_months
    lines.append(_line(spec, total, terms, why))

    # ---- totals: sums of the rounded lines
    amounts = list(map(_amount, lines))
    value = amounts[0] + amounts[1] + amounts[2] + amounts[3]
    loss = amounts[4] + amounts[5] + amounts[6] + amounts[7]
    reward = amounts[8] + amounts[9] + amounts[10] + amounts[11] + amounts[12]
    grand = value + loss + reward
    totals = {"value": value, "loss": loss, "reward": reward, "total": grand}

    # ---- exchange settlement
    houses: list[dict[str, Decimal]] = []
    if exchange is not None:
        cap = p["exchange_shared_cap"]
        price = ZERO
        area_e = ZERO
        for house in exchange.houses:
            inner = house.inner_area if house.inner_area is not None else house.area
            if house.area - inner > cap * inner:  # K_h > cap: the excess is borne by the dept.
                payable = round2(inner * (ONE + cap))
            else:
                payable = house.area
            house_price = round2(payable * house.unit_price)
            houses.append({"area": house.area, "payable_area": payable,
                           "unit_price": house.unit_price, "price": house_price})
            price += house_price
            area_e += house.area
        fund_rate = project.maintenance_fund_rate
        own = area_r + area_n
        settlement = {
            "exchange_price": price,
            "value_difference": value - price,
            "net_payable": grand - price,
            "fund_department": round2(fund_rate * min(area_e, own)),
            "fund_household": round2(fund_rate * max(ZERO, area_e - own)),
        }
    else:
        settlement = dict.fromkeys(
            ("exchange_price", "value_difference", "net_payable", "fund_department",
             "fund_household"), ZERO)
    assert case.method in (MONEY, EXCHANGE)
    quantities = {"area": area_r + area_n, "comp_area": comp_area_r + min_topup + area_n,
                  "min_topup": min_topup, "price_r": price_r}
    return Breakdown(standard.id, standard.sha256, tuple(lines), totals, settlement,
                     case.warnings, quantities, tuple(houses))
