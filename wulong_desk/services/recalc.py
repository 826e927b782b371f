"""按新规则重算: bring a project's unsigned cases to the current calc contract revision.

Opening a database never recomputes a stored record: a record keeps the contract revision it
was computed under (case_results.contract_revision). `recalc` recomputes the unsigned cases
under the current engine and standard through the one owner of case changes
(services.cases.refigure_in_session), each audited as 重算 with old → new per line; signed,
moved and void cases are kept untouched (their correction is the audited 解锁更正). Each case
is computed once: that one computation is both its row and, when written, its stored record. A
dry run shows the same rows and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from sqlalchemy import select

from wulong_desk.errors import Cancelled
from wulong_desk.rules.breakdown import Breakdown
from wulong_desk.services.calculation import RECOMPUTE_LOADS, computation, figures_of
from wulong_desk.services.cases import get_project, refigure_in_session, stored_figures, yuan_text
from wulong_desk.services.contract import CONTRACT_REVISION
from wulong_desk.statuses import is_frozen
from wulong_desk.store import Store
from wulong_desk.store.models import Case

RECALC_REASON = f"按新规则重算（计算规则第{CONTRACT_REVISION}版）"


@dataclass(frozen=True)
class RecalcRow:
    case_no: str
    status: str
    old_total: str | None   # None: the case had no figures (inputs incomplete)
    new_total: str | None   # None: kept (never recomputed), or cannot be computed
    changed: bool
    kept: bool
    old_revision: int | None = None

    def to_json(self) -> dict[str, object]:
        row = asdict(self)
        row.pop("old_revision")
        return row


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
                computed = computation(case)   # once: the row shows what is stored
                new = figures_of(computed) if isinstance(computed, Breakdown) else None
                if not dry_run:
                    refigure_in_session(session, case, reason=RECALC_REASON, every_line=True,
                                        computed=computed)
                rows.append(RecalcRow(
                    case.case_no, case.status, old_total,
                    None if new is None else yuan_text(new["total"]), new != old, False, revision))
            if progress is not None and progress(index + 1, len(cases)) is False:
                raise Cancelled()
    return rows
