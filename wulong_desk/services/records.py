"""Loads the records the writers take (`wulong_desk.exports.records`) from the store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from wulong_desk.exports.records import CaseEntry, ProjectRecords
from wulong_desk.rules.breakdown import SCHEDULE_KEYS
from wulong_desk.rules.decimals import money
from wulong_desk.rules.model import RESIDENTIAL, RETIRED_READING_KEYS
from wulong_desk.services.cases import get_case, get_project
from wulong_desk.services.payments import CaseAccount, accounts_of, project_accounts
from wulong_desk.services.procedure import DOCUMENTS, case_dates
from wulong_desk.services.projects import project_to_dict
from wulong_desk.services.terms import TERM_KEYS, TERM_LABELS, effective_terms
from wulong_desk.store.models import Case, CaseDate, CaseResult, Project


def documents_of(case: Case, received: dict[str, date]) -> list[dict[str, str]]:
    """The checklist items that apply to the case, each with the day it was received (or ""):
    the title deeds always (办法第三十二条); licence, tax receipts and equipment evidence (第四十、
    四十二、四十三条) where a part is not residential, or once received."""
    business = any(part.use != RESIDENTIAL for part in case.parts)
    out = []
    for code, label, article in DOCUMENTS:
        on = received.get(code)
        # the title deeds are handed in at the signing of a 补偿协议, or when a presign converts
        # to one (办法第三十二条): not at the presign
        if code == "doc_title" and case.status == "presigned" and on is None:
            continue
        if code == "doc_title" or business or on is not None:
            out.append({"label": label, "article": article,
                        "received_on": on.isoformat() if on else ""})
    return out


def agreement_words(case: Case) -> tuple[dict[str, str], str | None, dict[str, str], str | None]:
    """The agreement's payment terms in words by key (its own, else the project's default; ""
    where none), all of them in one line (or the text kept from before they were data), the
    payee's parts and the account in one line."""
    terms = effective_terms(case.project.payment_terms, case.payment_terms)
    words = {key: terms[key].words(key) if key in terms else "" for key in TERM_KEYS}
    line = "；".join(f"{TERM_LABELS[key]}：{words[key]}" for key in TERM_KEYS
                     if words[key] and (key in SCHEDULE_KEYS or case.method == "exchange"))
    if case.payment_term and "before_move" not in terms:
        line = case.payment_term + (f"；{line}" if line else "")
    payee = {"name": case.payee_name or "", "bank": case.payee_bank or "",
             "account": case.payee_account or ""}
    account = "；".join(f"{label} {payee[key]}" for key, label in (
        ("name", "户名"), ("bank", "开户行"), ("account", "账号")) if payee[key])
    return words, line or None, payee, account or case.bank_account or None


def _entry(case: Case, account: CaseAccount | None = None,
           received: dict[str, date] | None = None) -> CaseEntry:
    assert case.result is not None
    text = case.result.breakdown_json
    terms, term_line, payee, payee_line = agreement_words(case)
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
        payment_term=term_line, bank_account=payee_line, terms=terms, payee=payee,
        turnover_premises=case.turnover_premises,
        unregistered=tuple({"registration": part.registration, "use": part.use,
                            "area": f"{part.area:f}",
                            "temporary_amount": ("" if part.temporary_amount is None
                                                 else f"{part.temporary_amount:f}")}
                           for part in case.parts
                           if (part.registration or "registered") != "registered"),
        contract_revision=case.result.contract_revision or 1,
        record_readings={key: getattr(case.result, key) for key in RETIRED_READING_KEYS
                         if getattr(case.result, key) is not None},
        paid=money(account.paid) if account else None,
        outstanding=money(account.outstanding) if account else None,
        documents=documents_of(case, received or {}),
        decision=_decision(case))


def _decision(case: Case) -> dict[str, Any] | None:
    from wulong_desk.services.case_decisions import decision_record, in_force

    decision = in_force(case) if case.status in ("decided", "moved") else None
    return decision_record(decision) if decision is not None else None


def load_records(session: Session, project_id: int, case_ids: list[int] | None = None
                 ) -> ProjectRecords:
    project: Project = get_project(session, project_id)
    query = (select(Case).where(Case.project_id == project_id)
             .options(selectinload(Case.persons), selectinload(Case.parts),
                      selectinload(Case.exchange_houses), selectinload(Case.decisions),
                      selectinload(Case.result).selectinload(CaseResult.record))
             .order_by(Case.case_no))
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    entries: list[CaseEntry] = []
    incomplete: list[str] = []
    complete: list[Case] = []
    for case in session.execute(query).scalars():
        if case.result is None or not case.result.ok:
            incomplete.append(case.case_no)
        else:
            complete.append(case)
    # by project, not by a list of ids: a large project's ids would overflow a query
    accounts = {a.case_id: a for a in project_accounts(session, project_id)}
    received: dict[int, dict[str, date]] = {}
    for row in session.execute(select(CaseDate).join(Case, Case.id == CaseDate.case_id)
                               .where(Case.project_id == project_id)).scalars():
        received.setdefault(row.case_id, {})[row.what] = row.on_date
    entries = [_entry(case, accounts.get(case.id), received.get(case.id)) for case in complete]
    return ProjectRecords(project_to_dict(project), entries, incomplete)


def load_case(session: Session, case_id: int) -> tuple[dict[str, Any], CaseEntry | None]:
    case = get_case(session, case_id)
    project = project_to_dict(case.project)
    if case.result is None or not case.result.ok:
        return project, None
    return project, _entry(case, accounts_of(session, [case]).get(case.id),
                           case_dates(session, [case.id])[case.id])


STREAM_BATCH = 500   # cases read at a time by a streamed export


class StreamedEntries:
    """A project's completely computed cases as CaseEntry, read a batch at a time as they are
    iterated (the session must stay open meanwhile; each batch is forgotten once it has been
    yielded), so an export of any size holds one batch; len() without reading them."""

    def __init__(self, session: Session, ids: list[int]):
        self.session = session
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __bool__(self) -> bool:
        return bool(self.ids)

    def __iter__(self) -> Iterator[CaseEntry]:
        session = self.session
        for start in range(0, len(self.ids), STREAM_BATCH):
            batch = self.ids[start:start + STREAM_BATCH]
            loaded = {case.id: case for case in session.execute(
                select(Case).where(Case.id.in_(batch))
                .options(selectinload(Case.persons), selectinload(Case.parts),
                         selectinload(Case.exchange_houses), selectinload(Case.decisions),
                         selectinload(Case.result).selectinload(CaseResult.record))).scalars()}
            cases = [loaded[case_id] for case_id in batch]
            accounts = accounts_of(session, cases)
            received = case_dates(session, batch)
            entries = [_entry(case, accounts.get(case.id), received.get(case.id))
                       for case in cases]
            session.expunge_all()
            yield from entries


def stream_records(session: Session, project_id: int, case_ids: list[int] | None = None
                   ) -> ProjectRecords:
    """As load_records, but the entries are read as they are used (StreamedEntries)."""
    project = project_to_dict(get_project(session, project_id))
    query = (select(Case.id, Case.case_no, CaseResult.ok)
             .outerjoin(CaseResult, CaseResult.case_id == Case.id)
             .where(Case.project_id == project_id).order_by(Case.case_no))
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    ids: list[int] = []
    incomplete: list[str] = []
    for case_id, case_no, ok in session.execute(query):
        if ok:
            ids.append(case_id)
        else:
            incomplete.append(case_no)
    return ProjectRecords(project, StreamedEntries(session, ids), incomplete)  # type: ignore[arg-type]
