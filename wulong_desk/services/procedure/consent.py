"""旧城区改建: the owners' consultation (办法第十三条) and the presign ratio (第二十三条)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.services.cases.lookup import get_project
from wulong_desk.services.procedure.catalogue import project_steps
from wulong_desk.services.projects.summary import ratio as share
from wulong_desk.statuses import is_signed
from wulong_desk.store import Store
from wulong_desk.store.models import (
    Case,
    CaseResult,
    Consent,
    Project,
)

ANSWERS = {"agree": "同意", "disagree": "不同意", "none": "未表态"}


@dataclass(frozen=True)
class ConsentTally:
    households: int                      # owners asked
    area: Decimal                        # their 专有部分面积
    agree_households: int
    agree_area: Decimal
    counts: dict[str, int]

    @property
    def household_ratio(self) -> Decimal:
        return share(Decimal(self.agree_households), Decimal(self.households))

    @property
    def area_ratio(self) -> Decimal:
        return share(self.agree_area, self.area)

    @property
    def passed(self) -> bool:
        """Both shares strictly above two thirds (第十三条: 超过三分之二)."""
        return (self.households > 0 and self.area > 0
                and Decimal(self.agree_households) * 3 > Decimal(self.households) * 2
                and self.agree_area * 3 > self.area * 2)


def consent_tally(session: Session, project_id: int) -> ConsentTally:
    rows = list(session.execute(select(Consent).where(Consent.project_id == project_id))
                .scalars())
    counts = dict.fromkeys(ANSWERS, 0)
    for row in rows:
        counts[row.answer] = counts.get(row.answer, 0) + 1
    agree = [r for r in rows if r.answer == "agree"]
    return ConsentTally(len(rows), sum((r.exclusive_area for r in rows), Decimal(0)),
                        len(agree), sum((r.exclusive_area for r in agree), Decimal(0)), counts)


@dataclass(frozen=True)
class PresignRatio:
    """Households (and their area) that signed, presign or later, against the whole
    expropriation area's totals (project fields), never against the cases entered so far."""

    signed_households: int
    signed_area: Decimal
    total_households: int | None
    total_area: Decimal | None
    threshold: Decimal

    @property
    def ratio(self) -> Decimal | None:
        if not self.total_households:
            return None
        return share(Decimal(self.signed_households), Decimal(self.total_households))

    @property
    def area_ratio(self) -> Decimal | None:
        if not self.total_area:
            return None
        return share(self.signed_area, self.total_area)

    @property
    def reached(self) -> bool:
        """办法第二十三条: the share of households that presigned reaches the threshold."""
        return bool(self.total_households) and (
            Decimal(self.signed_households) >= self.threshold * self.total_households)


def presign_ratio(session: Session, project_id: int) -> PresignRatio:
    project: Project = get_project(session, project_id)
    rows = session.execute(select(Case.status, CaseResult.area_centi)
                           .outerjoin(CaseResult, CaseResult.case_id == Case.id)
                           .where(Case.project_id == project_id))
    households, area_centi = 0, 0
    for status, centi in rows:
        if is_signed(status):
            households += 1
            area_centi += centi or 0
    return PresignRatio(households, Decimal(area_centi).scaleb(-2), project.total_households,
                        project.total_area, project.presign_threshold)


MAX_HOUSEHOLDS = 10_000_000  # a typing slip, not a district: more than the database can hold too


def set_project_totals(store: Store, project_id: int, households: int | None,
                       area: Decimal | None) -> None:
    """The households and area of the whole expropriation area (for the 第十三、二十三条 ratios)."""
    if households is not None and not 0 < households <= MAX_HOUSEHOLDS:
        raise UserError(f"征收范围总户数应大于 0、不超过 {MAX_HOUSEHOLDS:,}")
    if area is not None and (not area.is_finite() or area <= 0
                             or area != area.quantize(Decimal("0.01"))):
        raise UserError("征收范围总面积应大于 0，最多两位小数")
    with store.transaction() as session:
        project = get_project(session, project_id)
        project.total_households, project.total_area = households, area


def set_consents(store: Store, project_id: int,
                 rows: list[tuple[str, str, Decimal]]) -> None:
    """Replace the project's 第十三条 consultation answers: (坐落或户号, answer, 专有部分面积)."""
    for number, (label, answer, area) in enumerate(rows, 1):
        if not label.strip():
            raise UserError(f"第 {number} 行：坐落或户号不能为空")
        if answer not in ANSWERS:
            raise UserError(f"第 {number} 行：意见应为 {'、'.join(ANSWERS.values())} 之一")
        if not area.is_finite() or area < 0:
            raise UserError(f"第 {number} 行：专有部分面积应为不小于 0 的数")
    with store.transaction() as session:
        get_project(session, project_id)
        # row by row, in place: an answer that changed is audited old → new, a row taken away
        # as deleted, a new one as created (never a silent delete and rebuild)
        stored: dict[str, list[Consent]] = {}
        for old in session.execute(select(Consent).where(Consent.project_id == project_id)
                                   .order_by(Consent.id)).scalars():
            stored.setdefault(old.label, []).append(old)
        for label, answer, area in rows:
            name = label.strip()[:300]
            same = stored.get(name)
            if same:
                row = same.pop(0)
                row.answer, row.exclusive_area = answer, area
            else:
                session.add(Consent(project_id=project_id, label=name, answer=answer,
                                    exclusive_area=area))
        for left in stored.values():
            for row in left:
                session.delete(row)



@dataclass(frozen=True)
class ConsentRow:
    label: str
    answer: str
    exclusive_area: Decimal


@dataclass(frozen=True)
class ProcedureView:
    """What 程序时限 opens on: the project's name and totals, its dated steps by code (started,
    done), the consultation (each owner's answer and the tally) and the presign ratio."""
    name: str
    total_households: int | None
    total_area: Decimal | None
    old_town: bool
    steps: dict[str, tuple[date | None, date | None]]
    consents: tuple[ConsentRow, ...]
    tally: ConsentTally
    presign: PresignRatio


def procedure_view(store: Store, project_id: int) -> ProcedureView:
    with store.read() as session:
        project = get_project(session, project_id)
        steps = {code: (row.started_on, row.done_on)
                 for code, row in project_steps(session, project_id).items()}
        consents = tuple(ConsentRow(c.label, c.answer, c.exclusive_area) for c in session.query(
            Consent).filter(Consent.project_id == project_id).order_by(Consent.id))
        return ProcedureView(project.name, project.total_households, project.total_area,
                             project.old_town, steps, consents,
                             consent_tally(session, project_id),
                             presign_ratio(session, project_id))
