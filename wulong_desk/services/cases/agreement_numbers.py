"""协议编号 from the project's own numbering, e.g. 武隆征补〔2023〕第0012号.

The prefix and the year are project settings (empty: 武隆征补 and the year of the 征收决定公告日);
the sequence number is given to a case the first time its agreement is printed, the next after
the highest in the project, and kept for good: reprinting never renumbers.
"""

from __future__ import annotations

from sqlalchemy import func, select

from wulong_desk.store import Store
from wulong_desk.store.models import Case, Project

DEFAULT_PREFIX = "武隆征补"


def format_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix or DEFAULT_PREFIX}〔{year}〕第{seq:04d}号"


def _year(project: Project) -> int:
    return project.agreement_year or project.announced_on.year


def assign_numbers(store: Store, project_id: int, case_ids: list[int] | None = None
                   ) -> dict[int, str]:
    """{case id: 协议编号} for the cases asked for (all of the project's when None) that have a
    complete computation; those without a number get the next ones, in case-number order."""
    with store.transaction() as session:
        project = session.get(Project, project_id)
        if project is None:
            return {}
        query = select(Case).where(Case.project_id == project_id).order_by(Case.case_no)
        if case_ids is not None:
            query = query.where(Case.id.in_(case_ids))
        chosen = [case for case in session.execute(query).scalars()
                  if case.result is not None and case.result.ok]
        highest = session.execute(select(func.max(Case.agreement_seq))
                                  .where(Case.project_id == project_id)).scalar() or 0
        for case in chosen:
            if case.agreement_seq is None:
                highest += 1
                case.agreement_seq = highest
        year = _year(project)
        return {case.id: format_number(project.agreement_prefix, year, case.agreement_seq)
                for case in chosen if case.agreement_seq is not None}

