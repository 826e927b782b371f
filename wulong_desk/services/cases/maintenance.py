"""Work done when a database is opened by the app."""

from __future__ import annotations

from sqlalchemy import select

from wulong_desk.services.cases.calculation import recompute
from wulong_desk.store import Store
from wulong_desk.store.models import Case, CaseResult


def compute_missing(store: Store) -> int:
    """Compute cases that have no stored result yet (e.g. carried over by a migration).

    Stored results are never recomputed behind the user's back: a signed figure stays the
    figure that was signed, even when a later engine or standard would differ.
    """
    with store.transaction() as session:
        missing = session.execute(
            select(Case).outerjoin(CaseResult, CaseResult.case_id == Case.id)
            .where(CaseResult.case_id.is_(None))).scalars().all()
        if missing:  # the engine loads only then: the app runs this before its window is usable
            for case in missing:
                recompute(session, case)
        return len(missing)
