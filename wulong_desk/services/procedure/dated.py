"""Recording the procedure's dates: a project's steps and a case's events and documents."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from wulong_desk.errors import UserError
from wulong_desk.services.cases.lookup import get_case, get_project
from wulong_desk.services.procedure.case_decisions import check_reminder
from wulong_desk.services.procedure.catalogue import CASE_DATE_CODES, STEP_BY_CODE, project_steps
from wulong_desk.store import Store
from wulong_desk.store.models import (
    CaseDate,
    ProcedureStep,
)


def set_step(store: Store, project_id: int, code: str, started_on: date | None,
             done_on: date | None, note: str = "") -> None:
    step = STEP_BY_CODE.get(code)
    if step is None:
        raise UserError(f"未知的程序步骤：{code}")
    if started_on and done_on and done_on < started_on:
        raise UserError(f"{step.label}：{step.done_label}不能早于{step.start_label}")
    with store.transaction() as session:
        get_project(session, project_id)
        row = project_steps(session, project_id).get(code)
        if started_on is None and done_on is None and not note:
            if row is not None:
                session.delete(row)
            return
        if row is None:
            row = ProcedureStep(project_id=project_id, step=code, note="")
            session.add(row)
        row.started_on, row.done_on, row.note = started_on, done_on, note.strip()


def set_case_date(store: Store, case_id: int, code: str, on: date | None) -> None:
    """Record (or clear, with None) a case's event or document date."""
    if code not in CASE_DATE_CODES:
        raise UserError(f"未知的案卷日期项：{code}")
    with store.transaction() as session:
        get_case(session, case_id)
        if code == "reminder" and on is not None:   # a 补偿决定's 催告: only when allowed
            check_reminder(session, case_id, on)
        row = session.execute(select(CaseDate).where(CaseDate.case_id == case_id,
                                                     CaseDate.what == code)).scalar_one_or_none()
        if on is None:
            if row is not None:
                session.delete(row)
            return
        if row is None:
            session.add(CaseDate(case_id=case_id, what=code, on_date=on))
        else:
            row.on_date = on



