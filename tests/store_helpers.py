"""Builders for store tests: a project form and case forms from the spec's examples (the copies
in tests/fixtures, through the same builders the self-test uses)."""

from __future__ import annotations

from typing import Any

from helpers import example

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.projects import examples
from wulong_desk.services.projects import project as projects
from wulong_desk.store import Store

# a 搬迁期限 for the examples' projects (the spec's examples give none; a move is measured
# against it, services/money/moves.py): after every example's signing
MOVE_DEADLINE = "2023-12-31"


def project_form(n: int = 2, **extra: Any) -> dict[str, Any]:
    extra.setdefault("move_deadline", MOVE_DEADLINE)
    return examples.project_form(example(n), n, **extra)


def case_form(n: int = 2, case_no: str = "A-001", **extra: Any) -> dict[str, Any]:
    return examples.case_form(example(n), case_no, **extra)


def project_with_case(store: Store, n: int = 2) -> tuple[int, int]:
    project_id = projects.create_project(store, project_form(n))
    saved = cases.save_case(store, project_id, case_form(n))
    return project_id, saved.case_id


def walk_to(store: Store, case_id: int, status: str, **extra: Any) -> None:
    """Move a case forward one stage at a time (as a clerk does) up to `status`."""
    order = ["surveyed", "assessed", "reviewed", "signed", "moved"]
    with store.read() as session:
        current = cases.get_case(session, case_id).status
    for stage in order[order.index(current) + 1 if current in order else 0:
                       order.index(status) + 1]:
        cases.set_status(store, case_id, stage, **(extra if stage == "moved" else {}))


def example_4_at_signing(**extra: Any) -> dict[str, Any]:
    """Example 4's household as it is signed: no delay yet (calc contract revision 3 — the
    department's two months late come later, as 逾期交房加付 events). Its figures are the
    spec's less the overdue bucket: L1 0.05 × 360000 × 6 = 108000.00 and R9 20 × 70.00 × 12 =
    16800.00, total 1053200.00 − 38800.00 = 1014400.00."""
    form = case_form(4, **extra)
    form["case"]["exchange"]["overdue_months"] = 0
    return form
