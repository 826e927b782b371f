"""Loads the records the writers take (`wulong_desk.exports.records`) from the store."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from wulong_desk.exports.records import CaseEntry, ProjectRecords
from wulong_desk.services.cases import get_case, get_project
from wulong_desk.services.projects import project_to_dict
from wulong_desk.store.models import Case, CaseResult, Project


def _entry(case: Case) -> CaseEntry:
    assert case.result is not None
    text = case.result.breakdown_json
    return CaseEntry(
        case_id=case.id, uuid=case.uuid, case_no=case.case_no,
        owners=[{"role": p.role, "name": p.name, "id_number": p.id_number, "phone": p.phone,
                 "address": p.address} for p in case.persons],
        title_no=case.title_no, address=case.address,
        uses=[part.use for part in case.parts
              if (part.registration or "registered") == "registered"],
        unit_prices=[f"{part.unit_price:f}" for part in case.parts if part.unit_price is not None
                     and (part.registration or "registered") == "registered"],
        method=case.method, status=case.status,
        signed_on=case.signed_on.isoformat() if case.signed_on else None,
        remarks=case.remarks, record=json.loads(text), record_text=text,
        exchange_houses=[{"location": h.location, "use": h.use or "residential",
                          "area": f"{h.area:f}",
                          "inner_area": f"{(h.inner_area or h.area):f}",
                          "unit_price": f"{h.unit_price:f}"} for h in case.exchange_houses],
        transition_months=case.transition_months, turnover_house=case.turnover_house,
        payment_term=case.payment_term, bank_account=case.bank_account,
        turnover_premises=case.turnover_premises,
        unregistered=tuple({"registration": part.registration, "use": part.use,
                            "area": f"{part.area:f}",
                            "temporary_amount": ("" if part.temporary_amount is None
                                                 else f"{part.temporary_amount:f}")}
                           for part in case.parts
                           if (part.registration or "registered") != "registered"),
        contract_revision=case.result.contract_revision or 1)


def load_records(session: Session, project_id: int, case_ids: list[int] | None = None
                 ) -> ProjectRecords:
    project: Project = get_project(session, project_id)
    query = (select(Case).where(Case.project_id == project_id)
             .options(selectinload(Case.persons), selectinload(Case.parts),
                      selectinload(Case.exchange_houses),
                      selectinload(Case.result).selectinload(CaseResult.record))
             .order_by(Case.case_no))
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    entries: list[CaseEntry] = []
    incomplete: list[str] = []
    for case in session.execute(query).scalars():
        if case.result is None or not case.result.ok:
            incomplete.append(case.case_no)
        else:
            entries.append(_entry(case))
    return ProjectRecords(project_to_dict(project), entries, incomplete)


def load_case(session: Session, case_id: int) -> tuple[dict[str, Any], CaseEntry | None]:
    case = get_case(session, case_id)
    project = project_to_dict(case.project)
    if case.result is None or not case.result.ok:
        return project, None
    return project, _entry(case)
