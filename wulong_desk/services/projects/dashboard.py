"""What the project dashboard shows, read in one go (on the dashboard's worker thread): the
project summary, the cases that need attention, the standard that applies, the due list (or the
message that stopped it — a broken office holiday file) and the presign ratio."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wulong_desk.errors import UserError
from wulong_desk.services.cases.problems import ProblemCase, problem_cases
from wulong_desk.services.procedure.consent import PresignRatio, presign_ratio
from wulong_desk.services.procedure.due_list import DueItem, due_list
from wulong_desk.services.projects.standard_info import StandardInfo, project_standard
from wulong_desk.services.projects.summary import ProjectSummary, project_summary
from wulong_desk.store import Store


@dataclass(frozen=True)
class DashboardData:
    summary: ProjectSummary
    problems: list[ProblemCase]
    standard: StandardInfo
    due: list[DueItem] | str            # the due list, or the message that stopped it
    presign: PresignRatio


def dashboard_data(store: Store, project_id: int, today: date) -> DashboardData:
    with store.read() as session:
        try:
            due: list[DueItem] | str = due_list(session, project_id, today)
        except UserError as exc:
            due = str(exc)
        return DashboardData(project_summary(session, project_id),
                             problem_cases(session, project_id),
                             project_standard(session, project_id), due,
                             presign_ratio(session, project_id))
