"""compute(case, project, standard) → Breakdown. Pure: no I/O, no clock, no Qt.

Each line is computed by its function in rules/lines.py, in the order the standard file
declares the lines; the totals are the sums of the rounded lines by the group each line
declares; then the exchange settlement. Rounding and the settlement follow
../shared/spec/wulong-2023-rules.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from wulong_desk.rules.breakdown import GROUPS, SETTLEMENT_KEYS, Breakdown, Line
from wulong_desk.rules.decimals import ONE, ZERO, round2
from wulong_desk.rules.lines import LINES, Household, household
from wulong_desk.rules.model import EXCHANGE, MONEY, RESIDENTIAL, CaseInput, ProjectOptions

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


def engine_warnings(h: Household, lines: tuple[Line, ...]) -> tuple[str, ...]:
    """The warnings that depend on figures: the printed 5% monthly rate in use on an exchange
    case with business interruption; the 45 m² floor given to a title with non-residential
    parts (for the department to confirm, 办法第三十七条)."""
    found: list[str] = []
    reading = h.standard.readings.get("exchange_interruption_rate")
    amounts = {line.code: line.amount for line in lines}
    if (h.exchange is not None and reading is not None and reading.warning
            and amounts.get("L1_INTERRUPT")
            and reading.is_default(h.project.exchange_interruption_rate)):
        found.append(f"L1_INTERRUPT: {reading.warning}")
    if h.min_topup > ZERO and any(not part.residential for part in h.paid):
        found.append("V_MIN: 本户另有非住宅部分，是否属于“被征收房屋为住宅”由征收部门确认"
                     "（办法第三十七条）")
    return tuple(found)


def compute(case: CaseInput, project: ProjectOptions, standard: Standard) -> Breakdown:
    assert case.method in (MONEY, EXCHANGE)
    h = household(case, project, standard)
    lines = tuple(LINES[code](h, spec) for code, spec in standard.lines.items())
    totals = group_totals(lines)
    houses = exchange_houses(h)
    quantities = {"area": h.area_r + h.area_n,
                  "comp_area": h.comp_area_r + h.min_topup + h.area_n,
                  "min_topup": h.min_topup, "price_r": h.price_r,
                  "recognized_area": h.area_u,
                  "temporary_area": sum((part.area for part in h.temporary), ZERO),
                  "illegal_area": sum((part.area for part in h.illegal), ZERO)}
    return Breakdown(standard.id, standard.sha256, lines, totals, settlement(h, totals, houses),
                     case.warnings + engine_warnings(h, lines), quantities, houses)
