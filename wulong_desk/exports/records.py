"""What every export reads: each case's identity and its stored calculation record, unchanged.

The documents never compute a figure; they print the record the store keeps (the same one the
screen shows), and fingerprint it so a signed paper copy can be matched to the database later.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from wulong_desk.services.cases import get_case, get_project
from wulong_desk.services.projects import project_to_dict
from wulong_desk.store.models import Case, CaseResult, Project


@dataclass(frozen=True)
class CaseEntry:
    case_id: int
    uuid: str
    case_no: str
    owners: list[dict[str, str]]
    title_no: str
    address: str
    uses: list[str]
    unit_prices: list[str]
    method: str
    status: str
    signed_on: str | None
    remarks: str
    record: dict[str, Any]              # the stored calc record (contract output + extras)
    record_text: str                    # exactly as stored, for the fingerprint
    exchange_houses: list[dict[str, str]]
    transition_months: int | None = None
    turnover_house: bool | None = None


@dataclass(frozen=True)
class ProjectRecords:
    project: dict[str, Any]
    entries: list[CaseEntry]
    incomplete: list[str]               # case numbers without a complete computation

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.entries)


def fingerprint(entries: list[CaseEntry]) -> str:
    digest = hashlib.sha256()
    for entry in sorted(entries, key=lambda e: e.uuid):
        digest.update(entry.uuid.encode())
        digest.update(b"\0")
        digest.update(entry.record_text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _entry(case: Case) -> CaseEntry:
    assert case.result is not None
    text = case.result.breakdown_json
    return CaseEntry(
        case_id=case.id, uuid=case.uuid, case_no=case.case_no,
        owners=[{"role": p.role, "name": p.name, "id_number": p.id_number, "phone": p.phone,
                 "address": p.address} for p in case.persons],
        title_no=case.title_no, address=case.address,
        uses=[part.use for part in case.parts],
        unit_prices=[f"{part.unit_price:f}" for part in case.parts if part.unit_price is not None],
        method=case.method, status=case.status,
        signed_on=case.signed_on.isoformat() if case.signed_on else None,
        remarks=case.remarks, record=json.loads(text), record_text=text,
        exchange_houses=[{"location": h.location, "area": f"{h.area:f}",
                          "inner_area": f"{(h.inner_area or h.area):f}",
                          "unit_price": f"{h.unit_price:f}"} for h in case.exchange_houses],
        transition_months=case.transition_months, turnover_house=case.turnover_house)


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
