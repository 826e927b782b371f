"""The fourteen lines of the standard, one small function each, found by code in LINES.

A line function takes the household (its case, the project's options, the standard, and the
quantities several lines share) and the line's declaration in the standard file (label,
citation, group, formula templates, zero-notes) and returns the explained Line. Formulas only;
every rate and amount comes from the standard file. Adding a line is a function here, its entry
in LINES and its entry in the standard file (the standard's lint refuses a file whose lines
are not exactly LINES, in order).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from wulong_desk.rules.breakdown import Line, Term, Value, fill
from wulong_desk.rules.decimals import ONE, ZERO, ZERO_AMOUNT, num, rate, ratio4, round2
from wulong_desk.rules.model import (
    COMMERCIAL,
    EXCHANGE,
    ILLEGAL,
    RECOGNIZED,
    REGISTERED,
    RESIDENTIAL,
    TEMPORARY,
    CaseInput,
    ExchangeTerms,
    Part,
    ProjectOptions,
    RetiredReadings,
)

if TYPE_CHECKING:
    from wulong_desk.rules.standard import LineSpec, Standard

ZERO_NOTE = "计算结果为0"  # a zero line's note when the standard gives no reason of its own
CHOSEN = "项目选定的读法"  # how a formula names the reading it used


@dataclass(frozen=True)
class Household:
    """One case with the quantities several lines share (spec "Derived quantities")."""

    case: CaseInput
    project: ProjectOptions
    standard: Standard
    residential: tuple[Part, ...]     # R: registered residential parts
    nonresidential: tuple[Part, ...]  # N: registered non-residential parts
    paid: tuple[Part, ...]            # registered and recognized parts (L1, L2, L3)
    recognized: tuple[Part, ...]
    temporary: tuple[Part, ...]
    illegal: tuple[Part, ...]
    area_u: Decimal                   # A_U: Σ area of recognized parts
    comp_areas: tuple[Decimal, ...]  # each residential part's compensable area (第三十六条)
    area_r: Decimal  # residential title area
    area_n: Decimal  # non-residential title area
    value_r: Decimal  # Σ area × unit price, residential
    value_n: Decimal  # Σ area × unit price, non-residential
    comp_area_r: Decimal  # Σ compensable area, residential
    price_r: Decimal  # P_R: the residential value per m², rounded
    min_topup: Decimal  # m² added up to the housing floor (第三十七条)
    # None: revision 3. A record computed under revision 2 (or 1): the retired readings it used,
    # for a later event on it (compute.compute_revision2 only)
    retired: RetiredReadings | None = None

    @property
    def p(self) -> Mapping[str, Decimal]:
        return self.standard.values

    @property
    def exchange(self) -> ExchangeTerms | None:
        return self.case.exchange if self.case.method == EXCHANGE else None

    @property
    def min_value(self) -> Decimal:
        return self.min_topup * self.price_r

    @property
    def reward_area_r(self) -> Decimal:
        return self.area_r + self.min_topup

    @property
    def building_area(self) -> Decimal:
        """被征收房屋建筑面积 of 办法第三十五、三十九条: registered and recognized buildings."""
        return self.area_r + self.area_n + self.area_u

    def reading(self, key: str) -> str:
        """The words of the reading the project chose for `key`, marked as the project's (a
        retired reading: the value the revision-2 record was computed with)."""
        if key in self.standard.readings:
            value = getattr(self.project, key)
            return f"{self.standard.readings[key].label_for(value)}，{CHOSEN}"
        value = getattr(self.retired, key)
        return f"{self.standard.retired_readings[key].label_for(value)}，{CHOSEN}"


def compensable_area(part: Part, floor: Decimal) -> Decimal:
    """A residential part's area for compensation: inner × (1 + floor), rounded, when its shared
    ratio K = (area − inner) ÷ inner is at most the floor (compared exactly), else its area."""
    inner = part.inner_area if part.inner_area is not None else part.area
    if part.area - inner <= floor * inner:
        return round2(inner * (ONE + floor))
    return part.area


def household(case: CaseInput, project: ProjectOptions, standard: Standard,
              retired: RetiredReadings | None = None) -> Household:
    p = standard.values
    registered = [part for part in case.parts if part.registration == REGISTERED]
    residential = tuple(part for part in registered if part.use == RESIDENTIAL)
    nonresidential = tuple(part for part in registered if part.use != RESIDENTIAL)
    recognized = tuple(part for part in case.parts if part.registration == RECOGNIZED)
    comp_areas = tuple(compensable_area(part, p["shared_ratio_floor"]) for part in residential)
    area_r = sum((part.area for part in residential), ZERO)
    value_r = sum((part.area * part.unit_price for part in residential), ZERO)
    comp_area_r = sum(comp_areas, ZERO)
    price_r = round2(value_r / area_r) if residential else ZERO
    min_topup = ZERO
    if case.min_housing_eligible and residential and comp_area_r < p["min_housing_area"]:
        min_topup = p["min_housing_area"] - comp_area_r
    return Household(
        case, project, standard, residential, nonresidential,
        paid=tuple(part for part in case.parts if part.registration in (REGISTERED, RECOGNIZED)),
        recognized=recognized,
        temporary=tuple(part for part in case.parts if part.registration == TEMPORARY),
        illegal=tuple(part for part in case.parts if part.registration == ILLEGAL),
        area_u=sum((part.area for part in recognized), ZERO),
        comp_areas=comp_areas,
        area_r=area_r,
        area_n=sum((part.area for part in nonresidential), ZERO),
        value_r=value_r,
        value_n=sum((part.area * part.unit_price for part in nonresidential), ZERO),
        comp_area_r=comp_area_r, price_r=price_r, min_topup=min_topup, retired=retired)


def make_line(spec: LineSpec, total: Decimal, terms: list[Term] | None = None, why: str = "",
              note: str = "") -> Line:
    """The line whose amount is `total` rounded once, half up to the cent. A zero line says
    why: `note` when given, else the standard's note named `why`, else that the result is 0."""
    amount = round2(total) if total else ZERO_AMOUNT
    if amount:
        note = ""
    else:
        amount = ZERO_AMOUNT
        note = note or (spec.note(why) if why else ZERO_NOTE)
    return Line(spec.code, spec.group, spec.label, amount, spec.cite, note, tuple(terms or ()))


# ---------------------------------------------------------------- value (价值补偿)

def v_area(h: Household, spec: LineSpec) -> Line:
    """Every registered part's title area × its assessed unit price (办法第二十六、二十七条)."""
    terms: list[Term] = [(spec.t("term"), {"area": part.area, "unit_price": part.unit_price})
                         for part in h.case.parts if part.registration == REGISTERED]
    return make_line(spec, h.value_r + h.value_n, terms)


def v_shared(h: Household, spec: LineSpec) -> Line:
    """The residential shared-area top-up at each part's unit price (办法第三十六条第一款)."""
    terms: list[Term] = []
    total = ZERO
    for part, comp in zip(h.residential, h.comp_areas, strict=True):
        topup = comp - part.area
        if topup > ZERO:
            inner = part.inner_area if part.inner_area is not None else part.area
            terms.append((spec.t("term"), {
                "area": part.area, "inner_area": inner, "k": ratio4((part.area - inner) / inner),
                "comp_area": comp, "topup": topup, "unit_price": part.unit_price}))
            total += topup * part.unit_price
    return make_line(spec, total, terms, "no_topup" if h.residential else "no_residential")


def v_min(h: Household, spec: LineSpec) -> Line:
    """The top-up to the minimum housing area at P_R (办法第三十七条)."""
    if h.min_topup > ZERO:
        return make_line(spec, h.min_value, [
            (spec.t("term"), {"comp_area_total": h.comp_area_r, "price_r": h.price_r})])
    if not h.residential:
        return make_line(spec, ZERO, why="no_residential")
    if not h.case.min_housing_eligible:
        return make_line(spec, ZERO, why="not_eligible")
    return make_line(spec, ZERO, note=spec.note("enough", comp_area_total=num(h.comp_area_r)))


def v_land(h: Household, spec: LineSpec) -> Line:
    """Land-use area beyond the building area × the land unit price (办法第三十五条)."""
    case = h.case
    building = h.building_area
    if case.land_area is None or case.land_unit_price is None:
        return make_line(spec, ZERO, why="no_input")
    if building >= case.land_area:
        return make_line(spec, ZERO, note=spec.note(
            "not_exceeding", land_area=num(case.land_area), building_area=num(building)))
    values: dict[str, Value] = {"land_area": case.land_area, "building_area": building,
                                "land_unit_price": case.land_unit_price}
    return make_line(spec, (case.land_area - building) * case.land_unit_price,
                     [(spec.t("term"), values)])


def v_unreg(h: Household, spec: LineSpec) -> Line:
    """Buildings without a title (办法第十八条): a recognized one at area × unit price, a
    temporary one at the amount the department set; an unlawful one gets nothing and its area
    is listed in the note."""
    terms: list[Term] = []
    total = ZERO
    for part in h.recognized:
        terms.append((spec.t("term_recognized"), {"area": part.area,
                                                  "unit_price": part.unit_price}))
        total += part.area * part.unit_price
    for part in h.temporary:
        amount = part.temporary_amount or ZERO
        terms.append((spec.t("term_temporary"), {"temporary_amount": amount}))
        total += amount
    note = ""
    if h.illegal:
        illegal_area = sum((part.area for part in h.illegal), ZERO)
        note = spec.text("illegal").format(illegal=num(illegal_area))
    line = make_line(spec, total, terms, "none", note=note)
    return line._replace(note=note) if note else line


# ---------------------------------------------------------------- loss (损失补偿)

def l1_interrupt(h: Household, spec: LineSpec) -> Line:
    """Loss from interrupted business of the eligible registered and recognized parts: once for
    money, monthly at the standard's printed rate for an exchange without temporary premises
    (a revision-2 record: at the rate its reading chose); non-residential manufacturing parts
    raised by the project's uplift (标准第1项)."""
    p = h.p
    exchange = h.exchange
    eligible = [part for part in h.paid if part.business_eligible]
    if not eligible:
        return make_line(spec, ZERO, why="none_eligible")
    if exchange is not None and exchange.turnover_premises:
        return make_line(spec, ZERO, why="turnover")
    is_exchange = h.case.method == EXCHANGE
    months = exchange.interruption_months + exchange.overdue_months if exchange else 0
    if is_exchange and months == 0:
        return make_line(spec, ZERO, why="no_months")
    uplift = h.project.manufacturing_uplift
    monthly = p["interrupt_exchange_rate"]
    exchange_key = "term_exchange"
    reading = ""
    if is_exchange and h.retired is not None:
        monthly = h.retired.exchange_interruption_rate
        exchange_key = "term_exchange_reading"
        reading = h.reading("exchange_interruption_rate")
    terms: list[Term] = []
    total = ZERO
    for part in eligible:
        base = part.area * part.unit_price
        raised = part.manufacturing and not part.residential
        factor = ONE + uplift if raised else ONE
        uplift_text = (spec.text("uplift").format(manufacturing_uplift=rate(uplift))
                       if raised and uplift else "")
        values: dict[str, Value] = {"base": base, "uplift": uplift_text, "months": months}
        if is_exchange:
            if reading:
                values.update(rate=rate(monthly), reading=reading)
            total += monthly * base * months * factor
            terms.append((spec.t(exchange_key), values))
        else:
            total += p["interrupt_money_rate"] * base * factor
            terms.append((spec.t("term_money"), values))
    return make_line(spec, total, terms)


def l2_decor(h: Household, spec: LineSpec) -> Line:
    """The assessed value of each part's decoration (标准第2项)."""
    decorated = [part.decoration_value for part in h.paid if part.decoration_value]
    terms: list[Term] = [(spec.t("term"), {"decoration_value": value}) for value in decorated]
    return make_line(spec, sum(decorated, ZERO), terms, "none")


def l3_facility(h: Household, spec: LineSpec) -> Line:
    """Water, power and gas accounts at the standard's amounts; none for an exchange, where
    they are reconnected instead (标准第3项)."""
    if h.case.method == EXCHANGE:
        return make_line(spec, ZERO, why="exchange")
    p = h.p
    terms: list[Term] = []
    total = ZERO
    for part in h.paid:
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
    return make_line(spec, total, terms, "none")


def l4_equip(h: Household, spec: LineSpec) -> Line:
    """Equipment: a reusable item's net value × its rate (the project's unless its own), a lost
    item's assessed value (标准第4项)."""
    terms: list[Term] = []
    total = ZERO
    for item in h.case.equipment:
        if item.reusable:
            item_rate = item.rate if item.rate is not None else h.project.equipment_rate
            net = item.net_value or ZERO
            terms.append((spec.t("term_reusable"), {"net_value": net, "rate": rate(item_rate)}))
            total += net * item_rate
        else:
            assessed = item.assessed_value or ZERO
            terms.append((spec.t("term_lost"), {"assessed_value": assessed}))
            total += assessed
    return make_line(spec, total, terms, "none")


# ---------------------------------------------------------------- reward (奖励补助)

def r5_guide(h: Household, spec: LineSpec) -> Line:
    """The reward for the compensation method the project rewards (标准第5项)."""
    project = h.project
    if project.guide_reward_for not in (h.case.method, "both"):
        return make_line(spec, ZERO, why="not_chosen")
    if h.case.decided_on is not None and project.decision_guide_reward == "none":
        return make_line(spec, ZERO, why="decided_none")
    terms: list[Term] = []
    total = ZERO
    if h.residential:
        extra = project.residential_extra_area
        terms.append((spec.t("term_residential"), {
            "value_r": h.value_r, "min_value": h.min_value, "extra_area": rate(extra),
            "price_r": h.price_r}))
        total += h.p["guide_res_rate"] * (h.value_r + h.min_value) + extra * h.price_r
    if h.nonresidential:
        terms.append((spec.t("term_nonresidential"), {
            "rate_n": rate(project.nonresidential_guide_rate), "value_n": h.value_n}))
        total += project.nonresidential_guide_rate * h.value_n
    return make_line(spec, total, terms)


def early_start(h: Household) -> date | None:
    """The day early-signing days count from: the signing day, presigns included (标准第6项
    「自签约之日起」). A revision-2 record under the reading `period` counted from the later of
    the signing day and the signing period's first day."""
    signed_on = h.case.signed_on
    start = h.project.signing_start
    if signed_on is None:
        return None
    if (h.retired is not None and h.retired.early_days_from == "period" and start is not None
            and start > signed_on):
        return start
    return signed_on


def r6_early(h: Household, spec: LineSpec) -> Line:
    """Per day signed before the deadline: per household (residential), per m² (other)
    (标准第6项). The signing day itself is not counted."""
    signed_on = h.case.signed_on
    deadline = h.project.signing_deadline
    if signed_on is None:
        return make_line(spec, ZERO, why="decided" if h.case.decided_on else "unsigned")
    if signed_on > deadline:
        return make_line(spec, ZERO, why="late")
    start = early_start(h) or signed_on
    days = max((deadline - start).days, 0)
    if days == 0:
        return make_line(spec, ZERO, why="zero_days")
    start_text = ""
    if (h.retired is not None and h.project.signing_start is not None
            and signed_on < h.project.signing_start):
        # a presign: say from which day its days were counted, and under which reading
        start_text = spec.text("start").format(start=start.isoformat(),
                                               reading=h.reading("early_days_from"))
    # a presign's start is said once, after the last term (its template has room for it)
    last = "term_nonresidential" if h.nonresidential else "term_residential"
    terms: list[Term] = []
    total = ZERO
    for key, values, amount in (
            ("term_residential", {"days": days}, h.p["early_res_per_day"] * days),
            ("term_nonresidential", {"days": days, "area_n": h.area_n},
             h.p["early_nonres_per_m2_day"] * h.area_n * days)):
        if not (h.residential if key == "term_residential" else h.nonresidential):
            continue
        if start_text and key == last:
            key, values = key + "_start", {**values, "start": start_text}
        terms.append((spec.t(key), values))
        total += amount
    return make_line(spec, total, terms, "zero_days")


def r7_ontime(h: Household, spec: LineSpec) -> Line:
    """A fixed reward for moving out on time, residential and non-residential; a title with
    both earns both, or the larger under the reading `larger` (标准第7项)."""
    if not h.case.moved_on_time:
        return make_line(spec, ZERO, why="not_moved")
    p = h.p
    if h.residential and h.nonresidential and h.project.ontime_reward_mixed == "larger":
        return make_line(spec, max(p["ontime_res"], p["ontime_nonres"]), [
            (spec.t("term_larger"), {"reading": h.reading("ontime_reward_mixed")})])
    terms: list[Term] = []
    total = ZERO
    if h.residential:
        terms.append((spec.t("term_residential"), {}))
        total += p["ontime_res"]
    if h.nonresidential:
        if h.residential:   # a title with both: the reading that pays both is named
            terms.append((spec.t("term_nonresidential_both"),
                          {"reading": h.reading("ontime_reward_mixed")}))
        else:
            terms.append((spec.t("term_nonresidential"), {}))
        total += p["ontime_nonres"]
    return make_line(spec, total, terms, "not_moved")


def move_times(h: Household) -> tuple[Decimal, str]:
    """How many moves the allowance pays, and its text: once for money; twice for an exchange
    that moved out on time, else once (「且须按期搬离」, 标准第8项; a revision-2 record under
    the reading `false` paid every exchange twice)."""
    p = h.p
    texts = h.standard.texts
    if h.case.method != EXCHANGE:
        return p["move_times_money"], texts["move_times_money"]
    requires = h.retired is None or h.retired.second_move_requires_on_time
    if requires and not h.case.moved_on_time:
        return p["move_times_money"], texts["move_times_money"]
    return p["move_times_exchange"], texts["move_times_exchange"]


def move_once(h: Household) -> Decimal:
    """The allowance for one move, rounded like a line (the schedule's after_move is R8 less
    this when the exchange pays two moves)."""
    p = h.p
    total = p["move_res"] if h.residential else ZERO
    for part in h.nonresidential:
        rate_key = "move_commercial" if part.use == COMMERCIAL else "move_production"
        total += p[rate_key] * part.area
    return round2(total)


def r8_move(h: Household, spec: LineSpec) -> Line:
    """Moving allowance per move: per household (residential), per m² by use (other)
    (标准第8项)."""
    p = h.p
    texts = h.standard.texts
    times, times_text = move_times(h)
    terms: list[Term] = []
    total = ZERO
    if h.residential:
        terms.append((spec.t("term_residential"), {"times": times_text}))
        total += p["move_res"] * times
    for part in h.nonresidential:
        rate_key = "move_commercial" if part.use == COMMERCIAL else "move_production"
        terms.append((spec.t("term_nonresidential"), {
            "rate": texts[rate_key], "area": part.area, "times": times_text}))
        total += p[rate_key] * part.area * times
    if terms and h.case.method == EXCHANGE and h.retired is not None:
        # a revision-2 record: its reading, said once after the last term
        terms[-1][1]["times"] = times_text + spec.text("times_note").format(
            reading=h.reading("second_move_requires_on_time"))
    return make_line(spec, total, terms, "none")


def r9_temp(h: Household, spec: LineSpec) -> Line:
    """Temporary housing for an exchange without a turnover house: rate × the larger of the
    residential area (with the top-up) and the floor × (transition + overdue months); outside
    the core zone the rate is reduced (标准第9项)."""
    exchange = h.exchange
    if exchange is None:
        return make_line(spec, ZERO, why="money")
    if exchange.turnover_house:
        return make_line(spec, ZERO, why="turnover")
    if not h.residential:
        return make_line(spec, ZERO, why="no_residential")
    months = exchange.transition_months + exchange.overdue_months
    if months == 0:
        return make_line(spec, ZERO, why="no_months")
    p = h.p
    if h.project.zone == "core":
        temp_rate = p["temp_rate"]
        rate_text = h.standard.texts["temp_rate"]
    else:
        temp_rate = p["temp_rate"] * (ONE - p["temp_outer_reduction"])
        rate_text = spec.text("rate_outer")
    months_text: Value = months
    if exchange.overdue_months:
        months_text = fill(spec.t("months"), {"transition": exchange.transition_months,
                                              "overdue": exchange.overdue_months})
    area = max(h.reward_area_r, p["temp_floor_area"])
    terms: list[Term] = [(spec.t("term"), {"rate": rate_text, "reward_area": h.reward_area_r,
                                           "months": months_text})]
    return make_line(spec, temp_rate * area * months, terms)


LINES: dict[str, Callable[[Household, LineSpec], Line]] = {
    "V_AREA": v_area,
    "V_SHARED": v_shared,
    "V_MIN": v_min,
    "V_LAND": v_land,
    "V_UNREG": v_unreg,
    "L1_INTERRUPT": l1_interrupt,
    "L2_DECOR": l2_decor,
    "L3_FACILITY": l3_facility,
    "L4_EQUIP": l4_equip,
    "R5_GUIDE": r5_guide,
    "R6_EARLY": r6_early,
    "R7_ONTIME": r7_ontime,
    "R8_MOVE": r8_move,
    "R9_TEMP": r9_temp,
}


