"""The calc contract's JSON shapes, read from and written to the store's rows.

One place turns a stored project and case into the exact request `wulong-desk calc` takes, so the
stored breakdown, the case packages and the CLI always see the same inputs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from wulong_desk.rules.inputs import PROJECT_DATES, PROJECT_FIELDS
from wulong_desk.rules.model import (
    EXCHANGE,
    ILLEGAL,
    RECOGNIZED,
    REGISTERED,
    RESIDENTIAL,
    TEMPORARY,
)
from wulong_desk.store.models import Case, Project

# the revision of the calc contract (the spec) these shapes and the engine implement; a case
# package names it, and a receiver at another revision refuses the package. Every stored
# record keeps the revision it was computed under (case_results.contract_revision).
CONTRACT_REVISION = 3


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _day(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def project_to_contract(project: Project) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in PROJECT_FIELDS:
        value = getattr(project, key)
        if key in PROJECT_DATES:
            values[key] = _day(value)
        elif isinstance(value, Decimal):
            values[key] = _num(value)
        else:
            values[key] = value
    return values


def case_to_contract(case: Case) -> dict[str, Any]:
    """Exactly the calc contract's case fields (no names, no addresses)."""
    parts = []
    for part in case.parts:
        registration = part.registration or REGISTERED
        row: dict[str, Any] = {"use": part.use, "area": _num(part.area)}
        if registration != REGISTERED:
            row["registration"] = registration
        if registration == TEMPORARY:
            row["temporary_amount"] = _num(part.temporary_amount)
        if registration in (TEMPORARY, ILLEGAL):
            parts.append({k: v for k, v in row.items() if v is not None})
            continue
        if part.use == RESIDENTIAL and registration != RECOGNIZED:
            row["inner_area"] = _num(part.inner_area)
        if part.unit_price is not None:
            row["unit_price"] = _num(part.unit_price)
        row.update({
            "decoration_value": _num(part.decoration_value),
            "water_accounts": part.water_accounts, "power_accounts": part.power_accounts,
            "gas_accounts": part.gas_accounts,
        })
        if part.use != RESIDENTIAL:
            row["gas_cost"] = _num(part.gas_cost)
        row["business_eligible"] = part.business_eligible
        if part.use != RESIDENTIAL:
            row["manufacturing"] = part.manufacturing
        parts.append({k: v for k, v in row.items() if v is not None})
    equipment = []
    for item in case.equipment:
        entry: dict[str, Any] = {"name": item.name, "reusable": item.reusable}
        if item.reusable:
            entry["net_value"] = _num(item.net_value)
            if item.rate is not None:
                entry["rate"] = _num(item.rate)
        else:
            entry["assessed_value"] = _num(item.assessed_value)
        equipment.append({k: v for k, v in entry.items() if v is not None})
    out: dict[str, Any] = {
        "method": case.method,
        "min_housing_eligible": case.min_housing_eligible,
        "signed_on": _day(case.signed_on),
        "moved_on_time": case.moved_on_time,
        "parts": parts,
        "equipment": equipment,
    }
    # revision 3's two case facts, only when they say something (a case without them reads,
    # hashes and travels exactly as before)
    if case.presign:
        out["presign"] = True
    if case.decided_on is not None:
        out["decided_on"] = _day(case.decided_on)
    if case.land_area is not None:
        out["land_area"] = _num(case.land_area)
    if case.land_unit_price is not None:
        out["land_unit_price"] = _num(case.land_unit_price)
    if case.method == EXCHANGE:
        exchange: dict[str, Any] = {
            "houses": [_house(h) for h in case.exchange_houses],
            "interruption_months": case.interruption_months,
            "overdue_months": case.overdue_months,
        }
        if case.transition_months is not None:
            exchange["transition_months"] = case.transition_months
        if case.turnover_house is not None:
            exchange["turnover_house"] = case.turnover_house
        if case.turnover_premises is not None:
            exchange["turnover_premises"] = case.turnover_premises
        out["exchange"] = exchange
    return out


def _house(house: Any) -> dict[str, Any]:
    row = {"area": _num(house.area), "inner_area": _num(house.inner_area),
           "unit_price": _num(house.unit_price)}
    if house.use and house.use != RESIDENTIAL:
        row = {"use": house.use, **row}
    return {k: v for k, v in row.items() if v is not None}


def calc_request(project: Project, case: Case) -> dict[str, Any]:
    return {"project": project_to_contract(project), "case": case_to_contract(case)}
