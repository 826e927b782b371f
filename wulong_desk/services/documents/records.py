"""Loads the records the writers take (`wulong_desk.exports.records`) from the store."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from wulong_desk.exports.records import (
    CaseEntry,
    ProjectRecords,
    StatusCensus,
    fingerprint_of,
)
from wulong_desk.rules import default_standards
from wulong_desk.rules.breakdown import SCHEDULE_KEYS
from wulong_desk.rules.decimals import money
from wulong_desk.rules.model import RESIDENTIAL, RETIRED_READING_KEYS
from wulong_desk.services.cases.calculation import stored_schedule
from wulong_desk.services.cases.history import BEIJING
from wulong_desk.services.cases.lookup import get_case, get_project
from wulong_desk.services.money.payments import CaseAccount, accounts_of, project_accounts
from wulong_desk.services.money.terms import TERM_KEYS, TERM_LABELS, effective_terms
from wulong_desk.services.procedure.case_decisions import decision_record, in_force
from wulong_desk.services.procedure.catalogue import DOCUMENTS, case_dates
from wulong_desk.services.projects.project import project_to_dict
from wulong_desk.statuses import VOID
from wulong_desk.store.models import (
    LINE_COLUMNS,
    AuditEntry,
    Case,
    CaseDate,
    CaseRecord,
    CaseResult,
    Project,
)


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


def void_days(session: Session, cases: list[Case]) -> dict[int, str]:
    """The day (Beijing time) each voided case among `cases` was voided, from its 作废 audit row."""
    ids = [case.id for case in cases if case.status == VOID]
    days: dict[int, str] = {}
    for start in range(0, len(ids), STREAM_BATCH):
        for case_id, at in session.execute(
                select(AuditEntry.case_id, func.max(AuditEntry.at))
                .where(AuditEntry.action == "void",
                       AuditEntry.case_id.in_(ids[start:start + STREAM_BATCH]))
                .group_by(AuditEntry.case_id)):
            if at is not None:
                days[case_id] = (at + BEIJING).date().isoformat()
    return days


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
           received: dict[str, date] | None = None, voided_on: str | None = None) -> CaseEntry:
    assert case.result is not None
    text = case.result.breakdown_json
    schedule = stored_schedule(case.result)
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
        schedule=None if schedule is None else {key: money(value)
                                                for key, value in schedule.items()},
        void_reason=case.void_reason if case.status == VOID else None,
        voided_on=voided_on,
        decision=_decision(case),
        interruption_months=case.interruption_months or 0,
        overdue_months=case.overdue_months or 0,
        moved_on=case.moved_on.isoformat() if case.moved_on else None,
        monthly=monthly_of(json.loads(text), case))


def monthly_of(record: dict[str, Any], case: Case) -> dict[str, str]:
    """For an exchange case, what one month of the department's late delivery adds (办法第四十二条,
    标准第9项): the stored R9_TEMP and L1_INTERRUPT amounts are each a monthly figure times their
    months (the agreed months plus the months late), so each month's figure is the line ÷ its
    months — given only when that division is exact to the cent (no new rounding); a line that is
    0 or counts no months gives nothing. Money cases: {}."""
    if case.method != "exchange":
        return {}
    amounts = {line["code"]: Decimal(line["amount"]) for line in record.get("lines", [])}
    overdue = case.overdue_months or 0
    months = {"R9_TEMP": (case.transition_months or 0) + overdue,
              "L1_INTERRUPT": (case.interruption_months or 0) + overdue}
    out: dict[str, str] = {}
    for code, count in months.items():
        amount = amounts.get(code, Decimal(0))
        if not amount or not count:
            continue
        each = amount / count
        if each == each.quantize(Decimal("0.01")):
            out[code] = money(each)
    return out


def _decision(case: Case) -> dict[str, Any] | None:
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
    voided = void_days(session, complete)
    entries = [_entry(case, accounts.get(case.id), received.get(case.id), voided.get(case.id))
               for case in complete]
    return ProjectRecords(project_to_dict(project), entries, incomplete,
                          selection=selected_uuids(session, case_ids))


def selected_uuids(session: Session, case_ids: list[int] | None) -> list[str] | None:
    """The uuids of a selection of cases (None for the whole project)."""
    if case_ids is None:
        return None
    uuids: list[str] = []
    for start in range(0, len(case_ids), STREAM_BATCH):
        uuids += session.execute(select(Case.uuid).where(
            Case.id.in_(case_ids[start:start + STREAM_BATCH]))).scalars().all()
    return sorted(uuids)


def load_case(session: Session, case_id: int) -> tuple[dict[str, Any], CaseEntry | None]:
    case = get_case(session, case_id)
    project = project_to_dict(case.project)
    if case.result is None or not case.result.ok:
        return project, None
    return project, _entry(case, accounts_of(session, [case]).get(case.id),
                           case_dates(session, [case.id])[case.id],
                           void_days(session, [case]).get(case.id))


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
            voided = void_days(session, cases)
            entries = [_entry(case, accounts.get(case.id), received.get(case.id),
                              voided.get(case.id)) for case in cases]
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
    return ProjectRecords(project, StreamedEntries(session, ids), incomplete,  # type: ignore[arg-type]
                          census=census(session, project_id, case_ids),
                          fingerprinter=streamed_fingerprint(session, project_id, ids),
                          selection=selected_uuids(session, case_ids))


def _group_columns() -> dict[str, list[str]]:
    """The result's line columns by the group (value, loss, reward) the standard puts them in."""
    groups: dict[str, list[str]] = {"value": [], "loss": [], "reward": []}
    seen: set[str] = set()
    for standard in default_standards():
        for code, spec in standard.lines.items():
            if code not in seen:
                seen.add(code)
                groups[spec.group].append(LINE_COLUMNS[code])
    return groups


def census(session: Session, project_id: int, case_ids: list[int] | None = None
           ) -> dict[str, StatusCensus]:
    """How many complete cases each status has and the sums of their figures' absolute values
    (exports.records.StatusCensus), in one query over the narrow results table."""
    groups = _group_columns()

    def magnitude(columns: list[str]) -> Any:
        expression = func.abs(getattr(CaseResult, columns[0]))
        for column in columns[1:]:
            expression = expression + func.abs(getattr(CaseResult, column))
        return func.sum(expression)

    keys = {"area": magnitude(["area_centi"]), **{g: magnitude(c) for g, c in groups.items()},
            "total": magnitude(["total_cents"]), "net_payable": magnitude(["net_payable_cents"])}
    grouping = [Case.status, CaseResult.standard_id]
    if case_ids is not None:   # a selection: case by case (a list of ids may overflow a query)
        grouping.append(Case.id)
    query = (select(*grouping, func.count(), *keys.values())
             .join(CaseResult, CaseResult.case_id == Case.id)
             .where(Case.project_id == project_id, CaseResult.ok.is_(True))
             .group_by(*grouping))
    wanted = set(case_ids or ())
    out: dict[str, StatusCensus] = {}
    for row in session.execute(query):
        status, standard = row[0], row[1]
        if case_ids is not None and row[2] not in wanted:
            continue
        count, *sums = row[len(grouping):]
        figures = {key: Decimal(value or 0).scaleb(-2)
                   for key, value in zip(keys, sums, strict=True)}
        before = out.get(status)
        if before is not None:
            count += before.count
            figures = {key: figures[key] + before.magnitude[key] for key in figures}
        out[status] = StatusCensus(count, figures,
                                   (before.standards if before else frozenset()) | {standard})
    return out


def streamed_fingerprint(session: Session, project_id: int, ids: list[int]
                         ) -> Callable[[], str]:
    """The records' fingerprint (exports.records.fingerprint) read a batch of records at a
    time, in the order of the case uuids."""

    def compute() -> str:
        wanted = set(ids)
        order = sorted((uuid, case_id) for case_id, uuid in session.execute(
            select(Case.id, Case.uuid).where(Case.project_id == project_id))
            if case_id in wanted)

        def pairs() -> Iterator[tuple[str, str]]:
            for start in range(0, len(order), STREAM_BATCH):
                batch = order[start:start + STREAM_BATCH]
                texts = dict(session.execute(
                    select(CaseRecord.case_id, CaseRecord.breakdown_json)
                    .where(CaseRecord.case_id.in_([case_id for _uuid, case_id in batch]))).all())
                for uuid, case_id in batch:
                    yield uuid, texts[case_id]

        return fingerprint_of(pairs())

    return compute
