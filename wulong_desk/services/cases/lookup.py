"""Finding a project or a case by its number, or saying plainly that there is none."""

from __future__ import annotations

from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
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
