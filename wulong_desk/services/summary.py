"""A project's progress and money at a glance: households and area signed against the totals,
counts by status, and the thirteen lines summed — one SQL query over exact integer cents."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wulong_desk.rules.decimals import money
from wulong_desk.store.models import LINE_COLUMNS, STATUSES, Case, CaseResult, Project

SIGNED = ("signed", "moved")


@dataclass
class ProjectSummary:
    project_id: int
    households: int
    signed_households: int
    area: Decimal
    signed_area: Decimal
    computed: int
    with_problems: int
    by_status: dict[str, int]
    lines: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = Decimal(0)
    threshold: Decimal | None = None

    @property
    def household_ratio(self) -> Decimal:
        return _ratio(self.signed_households, self.households)

    @property
    def area_ratio(self) -> Decimal:
        return _ratio(self.signed_area, self.area)

    def to_json(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id, "households": self.households,
            "signed_households": self.signed_households,
            "household_ratio": f"{self.household_ratio:f}",
            "area": money(self.area), "signed_area": money(self.signed_area),
            "area_ratio": f"{self.area_ratio:f}", "computed": self.computed,
            "with_problems": self.with_problems, "by_status": self.by_status,
            "lines": {code: money(v) for code, v in self.lines.items()},
            "total": money(self.total),
            "threshold": None if self.threshold is None else f"{self.threshold:f}",
        }


def _ratio(part: Decimal | int, whole: Decimal | int) -> Decimal:
    if not whole:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def project_summary(session: Session, project_id: int) -> ProjectSummary:
    signed = Case.status.in_(SIGNED)
    ok = CaseResult.ok.is_(True)
    columns = [
        func.count(Case.id),
        func.sum(when((signed, 1), else_=0)),
        func.coalesce(func.sum(CaseResult.area_centi), 0),
        func.coalesce(func.sum(when((signed, CaseResult.area_centi), else_=0)), 0),
        func.sum(when((ok, 1), else_=0)),
        *[func.coalesce(func.sum(when((ok, getattr(CaseResult, column)), else_=0)), 0)
          for column in LINE_COLUMNS.values()],
        func.coalesce(func.sum(when((ok, CaseResult.total_cents), else_=0)), 0),
    ]
    row = session.execute(
        select(*columns).select_from(Case).outerjoin(CaseResult, CaseResult.case_id == Case.id)
        .where(Case.project_id == project_id)).one()
    by_status = dict.fromkeys(STATUSES, 0)
    by_status.update(session.execute(
        select(Case.status, func.count()).where(Case.project_id == project_id)
        .group_by(Case.status)).all())
    households = row[0] or 0
    computed = row[4] or 0
    project = session.get(Project, project_id)
    return ProjectSummary(
        project_id=project_id, households=households, signed_households=row[1] or 0,
        area=Decimal(row[2]).scaleb(-2), signed_area=Decimal(row[3]).scaleb(-2),
        computed=computed, with_problems=households - computed, by_status=by_status,
        lines={code: Decimal(row[5 + i]).scaleb(-2) for i, code in enumerate(LINE_COLUMNS)},
        total=Decimal(row[5 + len(LINE_COLUMNS)]).scaleb(-2),
        threshold=project.presign_threshold if project and project.old_town else None)
