"""Finding cases: by name, ID number, phone, title number, address or case number, and status.

Filtered in SQL over one lower-cased column per case (kept current on every save).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import case as case_when
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from wulong_desk.services.cases.rows import CaseRow, assemble_rows
from wulong_desk.statuses import OUT_OF_TOTALS
from wulong_desk.store import Store
from wulong_desk.store.models import Case, CaseResult, HousePart, Person

__all__ = ["CaseRow", "count_cases", "find_cases", "search_cases", "sum_totals", "totals_of"]

SORT_KEYS = {
    "case_no": Case.case_no, "address": Case.address, "status": Case.status,
    "method": Case.method, "total": CaseResult.total_cents, "id": Case.id,
}


def search_text_for(case: Case) -> str:
    """What a search matches against. (Migration 0002 holds a snapshot of this rule.)"""
    words = [case.case_no, case.title_no, case.address]
    for person in case.persons:
        words += [person.name, person.id_number, person.phone]
    return " ".join(w or "" for w in words).lower()


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# full-width ASCII (what a Chinese input method types: ８号, ＦＲ－０００１) and its half-width twin
_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FULL = {code - 0xFEE0: code for code in range(0xFF01, 0xFF5F)}


def needles(text: str) -> list[str]:
    """What a search looks for: the text half-width, and full-width too where that differs
    (a name, address or number may have been typed either way)."""
    half = text.strip().lower().translate(_HALF)
    full = half.translate(_FULL)
    return [half] if full == half else [half, full]


def _filters(project_id: int, text: str, status: str | None) -> list[Any]:
    conditions: list[Any] = [Case.project_id == project_id]
    found = [Case.search_text.like(f"%{escape_like(needle)}%", escape="\\")
             for needle in needles(text) if needle]
    if found:
        conditions.append(or_(*found) if len(found) > 1 else found[0])
    if status:
        conditions.append(Case.status == status)
    return conditions


def count_cases(session: Session, project_id: int, text: str = "",
                status: str | None = None) -> int:
    return session.execute(select(func.count(Case.id)).where(
        *_filters(project_id, text, status))).scalar_one()


def search_cases(session: Session, project_id: int, text: str = "", status: str | None = None,
                 *, sort: str = "case_no", descending: bool = False, limit: int | None = None,
                 offset: int = 0) -> list[CaseRow]:
    """One page of matching cases as display rows (one query for cases, one each for names
    and parts of just that page)."""
    order = SORT_KEYS.get(sort, Case.case_no)
    order = order.desc() if descending else order.asc()
    query = (select(Case.id, Case.uuid, Case.case_no, Case.address, Case.method, Case.status,
                    CaseResult.ok, CaseResult.total_cents)
             .where(*_filters(project_id, text, status))
             .outerjoin(CaseResult, CaseResult.case_id == Case.id)
             .order_by(order, Case.id).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    ids = [row.id for row in rows]
    if not ids:
        return []
    people = session.execute(
        select(Person.case_id, Person.name).where(Person.case_id.in_(ids))
        .order_by(Person.case_id, Person.position)).all()
    parts = session.execute(   # 证载面积: the title's own parts (办法第十八条's are apart)
        select(HousePart.case_id, HousePart.use, HousePart.area)
        .where(HousePart.case_id.in_(ids), HousePart.registration == "registered")
        .order_by(HousePart.case_id, HousePart.position)).all()
    return assemble_rows(rows, people, parts)


class Totals(NamedTuple):
    count: int       # the matching cases, voided ones included (they are listed, greyed)
    total: Decimal   # the stored totals of the matching cases that are not void
    voided: int      # how many of `count` are void (and so not in `total`)


def sum_totals(session: Session, project_id: int, text: str = "",
               status: str | None = None) -> Totals:
    """How many cases match, the sum of their stored totals (computable ones; a voided case's
    total is no longer owed) and how many are void, so a count is never read against a total
    of a different set."""
    out = Case.status.in_(OUT_OF_TOTALS)   # 作废 and 不生效: listed, never owed
    owed = case_when((out, 0), else_=CaseResult.total_cents)
    count, cents, voided = session.execute(
        select(func.count(Case.id), func.coalesce(func.sum(owed), 0),
               func.coalesce(func.sum(case_when((out, 1), else_=0)), 0))
        .select_from(Case).outerjoin(CaseResult, CaseResult.case_id == Case.id)
        .where(*_filters(project_id, text, status))).one()
    return Totals(count, Decimal(cents).scaleb(-2), int(voided))


def find_cases(store: Store, project_id: int, text: str = "", status: str | None = None,
               *, sort: str = "case_no", descending: bool = False, limit: int | None = None,
               offset: int = 0) -> list[CaseRow]:
    """search_cases in a read of its own (the case table's pages)."""
    with store.read() as session:
        return search_cases(session, project_id, text, status, sort=sort, descending=descending,
                            limit=limit, offset=offset)


def totals_of(store: Store, project_id: int, text: str = "", status: str | None = None
              ) -> Totals:
    """sum_totals in a read of its own (the main window's count and sum, off the GUI thread)."""
    with store.read() as session:
        return sum_totals(session, project_id, text, status)
