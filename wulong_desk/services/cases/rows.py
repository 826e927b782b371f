"""What the case table shows for each case, put together from three small reads (the page of
cases, their people, their house parts) made by the store's search (services/cases/search.py)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

PAGE = 200  # rows the case table loads at a time


class CaseRow(NamedTuple):
    id: int
    uuid: str
    case_no: str
    owner: str
    address: str
    uses: str
    area: Decimal
    method: str
    status: str
    total: Decimal | None
    ok: bool


def assemble_rows(cases: Iterable[Any], people: Iterable[tuple[int, str]],
                  parts: Iterable[tuple[int, str, Decimal]]) -> list[CaseRow]:
    """cases: (id, uuid, case_no, address, method, status, ok, total_cents) in table order;
    people: (case_id, name) and parts: (case_id, use, area), each in the case's own order."""
    owners: dict[int, list[str]] = {}
    areas: dict[int, Decimal] = {}
    uses: dict[int, list[str]] = {}
    for case_id, name in people:
        owners.setdefault(case_id, []).append(name)
    for case_id, use, area in parts:
        areas[case_id] = areas.get(case_id, Decimal(0)) + area
        if use not in uses.setdefault(case_id, []):
            uses[case_id].append(use)
    return [CaseRow(id=case_id, uuid=uuid, case_no=case_no,
                    owner="、".join(owners.get(case_id, [])), address=address,
                    uses="/".join(uses.get(case_id, [])), area=areas.get(case_id, Decimal(0)),
                    method=method, status=status,
                    total=(Decimal(total_cents).scaleb(-2) if ok else None), ok=bool(ok))
            for case_id, uuid, case_no, address, method, status, ok, total_cents in cases]
