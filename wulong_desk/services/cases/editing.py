"""What the case window opens a stored case on: its form, the version a save is built on, its
lock, its stored record (a locked case shows the signed figures under the contract revision they
were computed with, never a recomputation) and the decision path's words — the formal values
waiting and the 补偿决定 in force."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wulong_desk.services.cases.calculation import stored_breakdown
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.cases.lookup import get_case
from wulong_desk.services.procedure.appraisal import formal_values_text
from wulong_desk.services.procedure.case_decisions import decision_text
from wulong_desk.store import Store


@dataclass(frozen=True)
class StoredCase:
    form: dict[str, Any]
    version: int
    locked: bool
    unlocked: bool                      # open for a correction (解锁更正)
    stored: dict[str, Any] | None       # the stored calculation record, None when there is none
    stored_revision: int | None         # the contract revision it was computed with
    formal_values: str                  # the formal appraisal's values waiting, "" when none
    decision: str                       # the 补偿决定 in force, "" when none


def stored_case(store: Store, case_id: int) -> StoredCase:
    with store.read() as session:
        case = get_case(session, case_id)
        return StoredCase(
            form=case_to_form(case), version=case.version, locked=case.locked,
            unlocked=bool(case.unlocked_reason), stored=stored_breakdown(case),
            stored_revision=case.result.contract_revision if case.result else None,
            formal_values=formal_values_text(case), decision=decision_text(case))
