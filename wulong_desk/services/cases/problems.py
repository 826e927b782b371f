"""Cases that need a clerk's attention: inputs missing or wrong (nothing could be computed yet),
or computed with warnings from the engine. Read from the stored results; nothing is recomputed."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from wulong_desk.services.cases.field_names import describe_stored
from wulong_desk.store.models import Case, CaseResult

MISSING = "missing"
WARNING = "warning"


@dataclass(frozen=True)
class ProblemCase:
    case_id: int
    case_no: str
    status: str
    kind: str                 # MISSING or WARNING
    messages: tuple[str, ...]


def problem_cases(session: Session, project_id: int, limit: int = 1000) -> list[ProblemCase]:
    """Cases whose computation failed (inputs missing or wrong) first, then those with warnings;
    each group by case number. At most `limit` rows (the count is in the project summary)."""
    query = (select(Case).outerjoin(CaseResult, CaseResult.case_id == Case.id)
             .where(Case.project_id == project_id,
                    or_(CaseResult.case_id.is_(None), CaseResult.ok.is_(False),
                        CaseResult.warnings_count > 0))
             .options(selectinload(Case.result).selectinload(CaseResult.record))
             .order_by(CaseResult.ok.is_(True), Case.case_no).limit(limit))
    found = []
    for case in session.execute(query).scalars():
        result = case.result
        if result is None:
            found.append(ProblemCase(case.id, case.case_no, case.status, MISSING, ("尚未计算",)))
        elif not result.ok:
            found.append(ProblemCase(case.id, case.case_no, case.status, MISSING, tuple(
                describe_stored(line) for line in json.loads(result.problems_json))))
        else:
            warnings = json.loads(result.breakdown_json).get("warnings", [])
            found.append(ProblemCase(case.id, case.case_no, case.status, WARNING,
                                     tuple(describe_stored(w) for w in warnings)))
    return found
