"""按新规则重算: bring a project's unsigned cases to the current calc contract revision.

Opening a database never recomputes a stored record: a record keeps the contract revision it
was computed under (case_results.contract_revision). `recalc` recomputes the unsigned cases
under the current engine and standard through the one owner of case changes
(services.cases.changes.refigure_in_session), each audited as 重算 with old → new per line; signed,
moved and void cases are kept untouched (their correction is the audited 解锁更正). Each case
is computed once: that one computation is both its row and, when written, its stored record. A
dry run shows the same rows and writes nothing.

Each row says why revision 3 changes the case (`reasons`): a retired reading its record used
(the rate, the early days, the second move), the undertaking to move on time (an unsigned case
is computed as at signing: `moved_on_time` true, no overdue months — recalc sets them, audited),
or a signing date revision 3's checks refuse (a presign outside its period, a signing before the
announcement or the period's first day): that case cannot be computed until its date is put
right, and is listed with the engine's words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.errors import Cancelled
from wulong_desk.rules import default_standards
from wulong_desk.rules.breakdown import Breakdown
from wulong_desk.rules.model import EXCHANGE, RETIRED_READING_KEYS
from wulong_desk.services.cases.calculation import (
    RECOMPUTE_LOADS,
    computation,
    figures_of,
    record_readings,
    stored_figures,
    yuan_text,
)
from wulong_desk.services.cases.changes import SETTINGS_CHANGED, refigure_in_session
from wulong_desk.services.cases.contract import CONTRACT_REVISION, calc_request
from wulong_desk.services.cases.field_names import describe
from wulong_desk.services.cases.lookup import get_project
from wulong_desk.statuses import FROZEN_STATUSES, is_frozen
from wulong_desk.store import Store, audit
from wulong_desk.store.models import Case

RECALC_REASON = f"按新规则重算（计算规则第{CONTRACT_REVISION}版）"
# the line a retired reading moved, and what revision 3 does instead
RETIRED_EFFECT = {
    "exchange_interruption_rate": ("L1_INTERRUPT", "停产停业损失按公报所印月比例计"),
    "early_days_from": ("R6_EARLY", "提前签约天数一律自签约之日起算"),
    "second_move_requires_on_time": ("R8_MOVE", "第二次搬迁补助须按期搬迁"),
}


@dataclass(frozen=True)
class RecalcRow:
    case_no: str
    status: str
    old_total: str | None   # None: the case had no figures (inputs incomplete)
    new_total: str | None   # None: kept (never recomputed), or cannot be computed
    changed: bool
    kept: bool
    old_revision: int | None = None
    reasons: tuple[str, ...] = ()   # why revision 3 changes it, in words (none: kept)

    def to_json(self) -> dict[str, object]:
        row = asdict(self)
        row.pop("old_revision")
        row["reasons"] = list(self.reasons)
        return row


def revision3_request(case: Case) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """The unsigned case's calc request as revision 3 computes it at signing — the undertaking
    to move on time, no overdue months — and the fields that differ (field, old, new)."""
    request = calc_request(case.project, case)
    data = request["case"]
    changes: list[tuple[str, str, str]] = []
    if not data.get("moved_on_time"):
        data["moved_on_time"] = True
        changes.append(("moved_on_time", "false", "true"))
    exchange = data.get("exchange")
    if case.method == EXCHANGE and isinstance(exchange, dict) and exchange.get("overdue_months"):
        changes.append(("overdue_months", str(exchange["overdue_months"]), "0"))
        exchange["overdue_months"] = 0
    return request, changes


def _reasons(case: Case, computed: Breakdown | Any, old: dict[str, int] | None,
             new: dict[str, int] | None, changes: list[tuple[str, str, str]]) -> list[str]:
    reasons: list[str] = []
    readings = record_readings(case.result)
    standard = default_standards().get(
        case.result.standard_id or "") if case.result is not None else None
    if readings is not None and standard is not None and old is not None and new is not None:
        # what revision 3 does where the readings were: the printed rate, days from the
        # signing day, the second move only on time
        now = {"exchange_interruption_rate": standard.values.get("interrupt_exchange_rate"),
               "early_days_from": "signing_day", "second_move_requires_on_time": True}
        for key in RETIRED_READING_KEYS:
            reading = standard.retired_readings.get(key)
            code, instead = RETIRED_EFFECT[key]
            value = getattr(readings, key)
            if reading is None or value == now[key] or old.get(code) == new.get(code):
                continue
            reasons.append(f"读法「{reading.label}」已取消（此前：{reading.label_for(value)}），"
                           f"{instead}")
    for field, before, after in changes:
        if field == "moved_on_time":
            reasons.append("签约时按承诺按期搬迁计算（按期搬迁：否 → 是）")
        else:
            reasons.append(f"签约时没有逾期交房（过渡逾期 {before} → {after} 个月）")
    if not isinstance(computed, Breakdown):
        reasons += [describe(problem.path, problem.message) for problem in computed.problems]
    elif not reasons and new != old:
        reasons.append(f"按计算规则第{CONTRACT_REVISION}版重算")
    return reasons


def _apply(session: Session, case: Case, changes: list[tuple[str, str, str]]) -> None:
    """Write the revision-3 inputs of an unsigned case, each audited as part of the 重算."""
    for field, before, after in changes:
        value: bool | int = True if field == "moved_on_time" else int(after)
        setattr(case, field, value)
        audit.record(session, "recompute", case, field, before, after, RECALC_REASON,
                     tells=(field,))


def recompute_unsigned(session: Session, project_id: int, *, reason: str = SETTINGS_CHANGED,
                       progress: Callable[[int, int], bool | None] | None = None) -> int:
    """Recompute every unsigned case of a project in the caller's transaction, after a change
    that moves their figures (the project's settings, its decision's 公告日 — here or taken in
    from a package): each through the owner (`refigure_in_session`), its change audited as 重算
    with `reason`; signed cases keep their records. `progress(done, total)` after each case;
    answering False cancels (Cancelled). Returns how many were recomputed."""
    unsigned = session.scalars(select(Case).where(
        Case.project_id == project_id, Case.status.not_in(FROZEN_STATUSES))
        .order_by(Case.id).options(*RECOMPUTE_LOADS)).all()
    for done, case in enumerate(unsigned, start=1):
        refigure_in_session(session, case, reason=reason)
        if progress is not None and progress(done, len(unsigned)) is False:
            raise Cancelled()
    return len(unsigned)


def recalc_project(store: Store, project_id: int, *, dry_run: bool,
                   progress: Callable[[int, int], bool | None] | None = None
                   ) -> list[RecalcRow]:
    """One row per case of the project, in case-number order. Without `dry_run` the unsigned
    cases are recomputed and written in one transaction. `progress(done, total)` answering
    False cancels (Cancelled; nothing is written)."""
    if not dry_run:
        store.require("按新规则重算")   # on the office server: reviewers only (the dry run: anyone)
    rows: list[RecalcRow] = []
    manager = store.read() if dry_run else store.transaction()
    with manager as session:
        get_project(session, project_id)
        cases = session.scalars(select(Case).where(Case.project_id == project_id)
                                .order_by(Case.case_no).options(*RECOMPUTE_LOADS)).all()
        for index, case in enumerate(cases):
            old = stored_figures(case.result)
            old_total = None if old is None else yuan_text(old["total"])
            revision = case.result.contract_revision if case.result is not None else None
            if is_frozen(case.status):
                rows.append(RecalcRow(case.case_no, case.status, old_total, None, False, True,
                                      revision))
            else:
                request, changes = revision3_request(case)
                computed = computation(case, request)   # once: the row shows what is stored
                new = figures_of(computed) if isinstance(computed, Breakdown) else None
                reasons = _reasons(case, computed, old, new, changes)
                if not dry_run:
                    _apply(session, case, changes)
                    refigure_in_session(session, case, reason=RECALC_REASON, every_line=True,
                                        computed=computed)
                rows.append(RecalcRow(
                    case.case_no, case.status, old_total,
                    None if new is None else yuan_text(new["total"]),
                    new != old or bool(changes), False, revision, tuple(reasons)))
            if progress is not None and progress(index + 1, len(cases)) is False:
                raise Cancelled()
    return rows
