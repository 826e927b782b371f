"""compute(case, project, standard) → Breakdown. Pure: no I/O, no clock, no Qt.

Each line is computed by its function in rules/lines.py, in the order the standard file
declares the lines; the totals are the sums of the rounded lines by the group each line
declares; then the exchange settlement and the schedule (when each part of the total falls
due). Rounding, the settlement and the schedule follow ../shared/spec/wulong-2023-rules.md
(revision 3; docs/calculation.md says how the engine implements it).

compute_revision2 is the one way to figure a later event on a record computed under revision 2
(or 1): the same lines with the retired readings that record used.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from wulong_desk.rules.breakdown import GROUPS, SETTLEMENT_KEYS, Breakdown, Line
from wulong_desk.rules.decimals import ONE, ZERO, round2
from wulong_desk.rules.lines import (
    LINES,
    Household,
    household,
    l1_interrupt,
    move_once,
    move_times,
    r9_temp,
)
from wulong_desk.rules.model import (
    EXCHANGE,
    MONEY,
    RESIDENTIAL,
    CaseInput,
    ProjectOptions,
    RetiredReadings,
)

if TYPE_CHECKING:
    from wulong_desk.rules.standard import Standard


# ---------------------------------------------------------------- totals and settlement

def group_totals(lines: tuple[Line, ...]) -> dict[str, Decimal]:
    """Each group's sum of its rounded lines, and the grand total."""
    totals = dict.fromkeys(GROUPS, ZERO)
    for line in lines:
        totals[line.group] += line.amount
    totals["total"] = sum(totals.values(), ZERO)
    return totals


def exchange_houses(h: Household) -> tuple[dict[str, Decimal], ...]:
    """Each exchange house's payable area (for a residential house a shared ratio above the cap
    is borne by the department, 办法第三十六条第二款; a non-residential house pays its whole
    area) and its price."""
    cap = h.p["exchange_shared_cap"]
    houses = []
    for house in h.exchange.houses if h.exchange else ():
        inner = house.inner_area if house.inner_area is not None else house.area
        capped = house.use == RESIDENTIAL and house.area - inner > cap * inner
        payable = round2(inner * (ONE + cap)) if capped else house.area
        houses.append({"area": house.area, "payable_area": payable,
                       "unit_price": house.unit_price,
                       "price": round2(payable * house.unit_price)})
    return tuple(houses)


def settlement(h: Household, totals: dict[str, Decimal], houses: tuple[dict[str, Decimal], ...]
               ) -> dict[str, Decimal]:
    """The exchange settlement: the houses' price against the compensation, and who pays the
    maintenance fund for which area (all zero for money compensation)."""
    if h.exchange is None:
        return dict.fromkeys(SETTLEMENT_KEYS, ZERO)
    price = sum((house["price"] for house in houses), ZERO)
    area_e = sum((house["area"] for house in houses), ZERO)
    own = h.building_area  # registered and recognized buildings (办法第三十九条)
    fund_rate = h.project.maintenance_fund_rate
    return {
        "exchange_price": price,
        "value_difference": totals["value"] - price,
        "net_payable": totals["total"] - price,
        "fund_department": round2(fund_rate * min(area_e, own)),
        "fund_household": round2(fund_rate * max(ZERO, area_e - own)),
    }


def schedule(h: Household, amounts: dict[str, Decimal], total: Decimal) -> dict[str, Decimal]:
    """The total split by the event that makes each part owed (spec "When each amount falls
    due"), every figure a difference of rounded amounts:
    transition = L1 and R9 for the agreed months only (an exchange; a money case's one-off L1
    is owed before the move); overdue = what the months the house was delivered late add to
    them; after_move = R7 and, for an exchange paid two moves, R8 less one move; before_move
    = the rest."""
    transition = overdue = ZERO
    exchange = h.exchange
    if exchange is not None:
        agreed = h
        if exchange.overdue_months:
            agreed = replace(h, case=replace(h.case, exchange=replace(exchange,
                                                                     overdue_months=0)))
        spec = h.standard.lines
        l1_agreed = (l1_interrupt(agreed, spec["L1_INTERRUPT"]).amount if agreed is not h
                     else amounts["L1_INTERRUPT"])
        r9_agreed = (r9_temp(agreed, spec["R9_TEMP"]).amount if agreed is not h
                     else amounts["R9_TEMP"])
        transition = l1_agreed + r9_agreed
        overdue = (amounts["L1_INTERRUPT"] - l1_agreed) + (amounts["R9_TEMP"] - r9_agreed)
    after_move = amounts["R7_ONTIME"]
    if exchange is not None and move_times(h)[0] == h.p["move_times_exchange"]:
        after_move += amounts["R8_MOVE"] - move_once(h)
    return {"before_move": total - transition - overdue - after_move,
            "transition": transition, "after_move": after_move, "overdue": overdue}


def engine_warnings(h: Household, lines: tuple[Line, ...]) -> tuple[str, ...]:
    """The warnings that depend on figures: the printed 5% monthly rate in use on an exchange
    case with business interruption (the standard's own words, when its L1 line has them); the
    45 m² floor given to a title with non-residential parts (for the department to confirm,
    办法第三十七条)."""
    found: list[str] = []
    amounts = {line.code: line.amount for line in lines}
    l1 = h.standard.lines["L1_INTERRUPT"]
    printed = h.p["interrupt_exchange_rate"]
    used = printed if h.retired is None else h.retired.exchange_interruption_rate
    if (h.exchange is not None and amounts.get("L1_INTERRUPT") and used == printed
            and "printed_rate" in l1.rendered):
        found.append(f"L1_INTERRUPT: {l1.text('printed_rate')}")
    if h.min_topup > ZERO and any(not part.residential for part in h.paid):
        found.append("V_MIN: 本户另有非住宅部分，是否属于“被征收房屋为住宅”由征收部门确认"
                     "（办法第三十七条）")
    return tuple(found)


def compute(case: CaseInput, project: ProjectOptions, standard: Standard) -> Breakdown:
    """The case under calc contract revision 3."""
    return _compute(household(case, project, standard))


def compute_revision2(case: CaseInput, project: ProjectOptions, standard: Standard,
                      readings: RetiredReadings) -> Breakdown:
    """The case under the rules of a record computed under revision 2 (or 1): the retired
    readings it used (its rate, its count of early days, its second move), with revision 3's
    schedule. Only for a later event on such a record (a delay on a record signed at 5‰ is paid
    at 5‰, 办法第三十条) and the migration that fills such records' schedule; never for a new
    computation."""
    return _compute(household(case, project, standard, readings))


def _compute(h: Household) -> Breakdown:
    case, standard = h.case, h.standard
    assert case.method in (MONEY, EXCHANGE)
    lines = tuple(LINES[code](h, spec) for code, spec in standard.lines.items())
    totals = group_totals(lines)
    houses = exchange_houses(h)
    quantities = {"area": h.area_r + h.area_n,
                  "comp_area": h.comp_area_r + h.min_topup + h.area_n,
                  "min_topup": h.min_topup, "price_r": h.price_r,
                  "recognized_area": h.area_u,
                  "temporary_area": sum((part.area for part in h.temporary), ZERO),
                  "illegal_area": sum((part.area for part in h.illegal), ZERO)}
    amounts = {line.code: line.amount for line in lines}
    return Breakdown(standard.id, standard.sha256, lines, totals, settlement(h, totals, houses),
                     case.warnings + engine_warnings(h, lines), quantities, houses,
                     schedule(h, amounts, totals["total"]))
