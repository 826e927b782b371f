"""A project's progress and money at a glance: households and area signed against the totals,
counts by status, and the fourteen lines summed — one SQL query over exact integer cents — and
the money over time of the cases at a payable stage: the schedule's four buckets, paid,
outstanding and to recover (what services.money.payments' accounts add up to: `Owed.settle`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wulong_desk.rules.breakdown import SCHEDULE_KEYS
from wulong_desk.rules.decimals import money
from wulong_desk.services.money.owed import owed_rows, owed_sums, paid_cents, yuan
from wulong_desk.statuses import PAYABLE_STATUSES, is_out, is_payable, is_signed
from wulong_desk.store.models import (
    LINE_COLUMNS,
    SCHEDULE_COLUMNS,
    STATUSES,
    Case,
    CaseResult,
    Payment,
    Project,
)


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
    # the cases at a payable stage (services.money.payments): their buckets, paid out less received,
    # what is owed now and not paid, what is to be recovered
    buckets: dict[str, Decimal] = field(default_factory=dict)
    paid: Decimal = Decimal(0)
    outstanding: Decimal = Decimal(0)
    recover: Decimal = Decimal(0)

    @property
    def household_ratio(self) -> Decimal:
        return ratio(self.signed_households, self.households)

    @property
    def area_ratio(self) -> Decimal:
        return ratio(self.signed_area, self.area)

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
            **{key: money(self.buckets.get(key, Decimal(0))) for key in SCHEDULE_KEYS},
            "paid": money(self.paid), "outstanding": money(self.outstanding),
            "recover": money(self.recover),
        }


def ratio(part: Decimal | int, whole: Decimal | int) -> Decimal:
    """part / whole to four places (0 when there is no whole); the one share helper."""
    if not whole:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def project_summary(session: Session, project_id: int) -> ProjectSummary:
    """One grouped query over the narrow result rows (a failed computation stores zeros)."""
    columns = [
        Case.status,
        func.count(Case.id),
        func.coalesce(func.sum(CaseResult.area_centi), 0),
        func.coalesce(func.sum(when((CaseResult.ok.is_(True), 1), else_=0)), 0),
        *[func.coalesce(func.sum(getattr(CaseResult, column)), 0)
          for column in LINE_COLUMNS.values()],
        func.coalesce(func.sum(CaseResult.total_cents), 0),
        *[func.coalesce(func.sum(getattr(CaseResult, column)), 0)
          for column in SCHEDULE_COLUMNS.values()],
    ]
    rows = session.execute(
        select(*columns).select_from(Case).outerjoin(CaseResult, CaseResult.case_id == Case.id)
        .where(Case.project_id == project_id).group_by(Case.status)).all()
    by_status = dict.fromkeys(STATUSES, 0)
    households = signed = computed = 0
    area = signed_area = total = 0
    lines = dict.fromkeys(LINE_COLUMNS, 0)
    buckets = dict.fromkeys(SCHEDULE_KEYS, 0)
    for row in rows:
        status, count, area_centi, ok_count = row[0], row[1], row[2], row[3]
        by_status[status] = count
        if is_out(status):  # a voided agreement, a lapsed presign: on record, out of every total
            continue
        households += count
        area += area_centi
        computed += ok_count
        if is_signed(status):
            signed += count
            signed_area += area_centi
        for i, code in enumerate(LINE_COLUMNS):
            lines[code] += row[4 + i]
        total += row[4 + len(LINE_COLUMNS)]
        if is_payable(status):
            for i, key in enumerate(SCHEDULE_KEYS):
                buckets[key] += row[5 + len(LINE_COLUMNS) + i]
    project = session.get(Project, project_id)
    paid, outstanding, recover = _money_now(session, project_id)
    return ProjectSummary(
        project_id=project_id, households=households, signed_households=signed,
        area=Decimal(area).scaleb(-2), signed_area=Decimal(signed_area).scaleb(-2),
        computed=computed, with_problems=households - computed, by_status=by_status,
        lines={code: Decimal(v).scaleb(-2) for code, v in lines.items()},
        total=Decimal(total).scaleb(-2),
        threshold=project.presign_threshold if project and project.old_town else None,
        buckets={key: yuan(cents) for key, cents in buckets.items()},
        paid=yuan(paid), outstanding=yuan(outstanding), recover=yuan(recover))


def _money_now(session: Session, project_id: int) -> tuple[int, int, int]:
    """Paid, outstanding and to recover, in cents, over the project's cases at a payable stage
    and any other case paid on (a voided agreement's payments: all to recover): each case's
    owed now (the one owed-now query) settled against what was paid on it by the one rule,
    `Owed.settle` — services.money.payments' accounts added up. The cases paid on are settled
    one by one; the many that nobody has paid yet in two sums (`owed_sums`; settled one by one,
    50,000 cases took three times as long)."""
    by_case = paid_cents(session, project_id)
    paid_on = select(Payment.id).where(Payment.case_id == Case.id).exists()
    settled = [now.settle(by_case.get(case_id, 0)) for case_id, now in owed_rows(
        session, Case.project_id == project_id, paid_on).items()]
    settled += [now.settle(0) for now in owed_sums(
        session, Case.project_id == project_id, Case.status.in_(PAYABLE_STATUSES), ~paid_on)]
    return (sum(s.paid for s in settled), sum(s.outstanding for s in settled),
            sum(s.recover for s in settled))
