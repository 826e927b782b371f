"""Finding a project or a case by its number, or saying plainly that there is none."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.store import Store
from wulong_desk.store.models import Case, Project


class NotFoundError(UserError):
    pass


def get_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFoundError(f"没有编号为 {project_id} 的项目")
    return project


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFoundError(f"没有编号为 {case_id} 的案卷")
    return case


@dataclass(frozen=True)
class CaseHeading:
    """What a screen says of a case before it acts on it: its number and its stage."""
    case_id: int
    case_no: str
    status: str
    project_id: int


def case_heading(store: Store, case_id: int) -> CaseHeading:
    with store.read() as session:
        case = get_case(session, case_id)
        return CaseHeading(case.id, case.case_no, case.status, case.project_id)


def is_unlocked(store: Store, case_id: int) -> bool:
    """True when the case is open for a correction (解锁更正); False when it is not, or gone."""
    with store.read() as session:
        case = session.get(Case, case_id)
        return case is not None and bool(case.unlocked_reason)
