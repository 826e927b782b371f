"""Recompute a case and store its breakdown — the one record the screen, ledger and agreement use.

Called inside the same transaction as every change to a case or its project.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session, selectinload

from wulong_desk import ENGINE_VERSION
from wulong_desk.rules import InputError, compute, default_standards, read_request
from wulong_desk.rules.breakdown import Breakdown
from wulong_desk.services.contract import CONTRACT_REVISION, calc_request
from wulong_desk.store.audit import now_utc
from wulong_desk.store.models import LINE_COLUMNS, Case, CaseResult

# What recompute() reads of a case, for loading many cases in a few queries: one by one, each
# case's parts, equipment, houses and result cost a query each, and recomputing 10,000 cases
# took 15.7 s instead of 3.7 s (bench/bench_recompute.py).
RECOMPUTE_LOADS = (selectinload(Case.parts), selectinload(Case.equipment),
                   selectinload(Case.exchange_houses),
                   selectinload(Case.result).selectinload(CaseResult.record))


def cents(amount: Decimal) -> int:
    return int(amount * 100)


def breakdown_for(case: Case) -> Breakdown:
    """The case computed from its stored inputs under the current engine and standard, kept
    nowhere (InputError when it cannot be)."""
    options, inputs, standard = read_request(calc_request(case.project, case),
                                             default_standards())
    return compute(inputs, options, standard)


def computation(case: Case) -> Breakdown | InputError:
    """One computation of the case: its breakdown, or why it cannot be computed. A caller that
    shows the figures and then stores them (a written `recalc`) passes this one result to
    `recompute`, so what is shown is what is stored."""
    try:
        return breakdown_for(case)
    except InputError as exc:
        return exc


def figures_of(breakdown: Breakdown) -> dict[str, int]:
    """The cents a breakdown is stored as, by line code, with total, exchange_price and
    net_payable (the keys of `services.cases.stored_figures`)."""
    figures = {line.code: cents(line.amount) for line in breakdown.lines}
    figures.update(total=cents(breakdown.total),
                   exchange_price=cents(breakdown.settlement["exchange_price"]),
                   net_payable=cents(breakdown.settlement["net_payable"]))
    return figures


def recompute(session: Session, case: Case,
              computed: Breakdown | InputError | None = None) -> CaseResult:
    """Keep the case's computation (`computed`, or computed here from its stored inputs) as its
    result, or why it could not be computed."""
    if computed is None:   # before a new result row exists (reading the case may flush)
        computed = computation(case)
    breakdown = computed if isinstance(computed, Breakdown) else None
    failure = computed if isinstance(computed, InputError) else None
    result = case.result or CaseResult(case=case)
    result.engine_version = ENGINE_VERSION
    result.computed_at = now_utc()
    result.contract_revision = CONTRACT_REVISION
    if failure is not None:
        exc = failure
        result.ok = False
        result.standard_id = None
        result.standard_sha256 = None
        result.breakdown_json = "{}"
        result.problems_json = json.dumps([str(p) for p in exc.problems], ensure_ascii=False)
        result.warnings_count = 0
        for column in LINE_COLUMNS.values():
            setattr(result, column, 0)
        result.total_cents = result.exchange_price_cents = result.net_payable_cents = 0
    elif breakdown is not None:
        _store(result, breakdown)
    # Σ 证载面积: the registered parts (buildings without a title are listed apart)
    result.area_centi = int(sum((part.area for part in case.parts
                                 if (part.registration or "registered") == "registered"),
                                Decimal(0)) * 100)
    if result not in session:
        session.add(result)
    return result


def _store(result: CaseResult, breakdown: Breakdown) -> None:
    result.ok = True
    result.standard_id = breakdown.standard_id
    result.standard_sha256 = breakdown.standard_sha256
    result.breakdown_json = json.dumps(breakdown.to_record(ENGINE_VERSION), ensure_ascii=False)
    result.problems_json = "[]"
    result.warnings_count = len(breakdown.warnings)
    figures = figures_of(breakdown)
    for line in breakdown.lines:
        setattr(result, LINE_COLUMNS[line.code], figures[line.code])
    result.total_cents = figures["total"]
    result.exchange_price_cents = figures["exchange_price"]
    result.net_payable_cents = figures["net_payable"]


def stored_breakdown(case: Case) -> dict[str, Any] | None:
    """The stored calculation record (the calc contract output + hash and engine version)."""
    if case.result is None or not case.result.ok:
        return None
    return json.loads(case.result.breakdown_json)


def problems(case: Case) -> list[str]:
    if case.result is None:
        return ["尚未计算"]
    return json.loads(case.result.problems_json)
