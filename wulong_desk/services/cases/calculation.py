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
from wulong_desk.rules.breakdown import SCHEDULE_KEYS, Breakdown
from wulong_desk.rules.compute import compute_revision2
from wulong_desk.rules.model import RETIRED_READING_KEYS, RetiredReadings
from wulong_desk.services.cases.contract import CONTRACT_REVISION, calc_request
from wulong_desk.store.audit import now_utc
from wulong_desk.store.models import (
    FIGURE_COLUMNS,
    LINE_COLUMNS,
    SCHEDULE_COLUMNS,
    Case,
    CaseResult,
)

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


def computation(case: Case, request: dict[str, Any] | None = None) -> Breakdown | InputError:
    """One computation of the case (of `request`, its calc request as the caller changed it,
    when given): its breakdown, or why it cannot be computed. A caller that shows the figures
    and then stores them (a written `recalc`) passes this one result to `recompute`, so what is
    shown is what is stored."""
    try:
        if request is None:
            return breakdown_for(case)
        options, inputs, standard = read_request(request, default_standards())
        return compute(inputs, options, standard)
    except InputError as exc:
        return exc


def figures_of(breakdown: Breakdown) -> dict[str, int]:
    """The cents a breakdown is stored as, by line code, with total, exchange_price,
    net_payable and the schedule's buckets (the keys of `services.cases.changes.stored_figures`)."""
    figures = {line.code: cents(line.amount) for line in breakdown.lines}
    figures.update(total=cents(breakdown.total),
                   exchange_price=cents(breakdown.settlement["exchange_price"]),
                   net_payable=cents(breakdown.settlement["net_payable"]))
    figures.update({key: cents(breakdown.schedule[key]) for key in SCHEDULE_KEYS})
    return figures


def stored_schedule(result: CaseResult | None) -> dict[str, Decimal] | None:
    """The stored record's schedule (before_move, transition, after_move, overdue) in yuan, as
    kept in its cents columns — the one place the payments read what is owed when, never
    recomputed. None for a case without a complete calculation."""
    if result is None or not result.ok:
        return None
    return {key: Decimal(getattr(result, column)).scaleb(-2)
            for key, column in SCHEDULE_COLUMNS.items()}


def record_readings(result: CaseResult | None) -> RetiredReadings | None:
    """The retired readings a record computed under revision 2 (or 1) used, as migration 0010
    copied them into it; None for a revision-3 record (or one without them)."""
    if result is None or (result.contract_revision or 1) >= CONTRACT_REVISION:
        return None
    values = [getattr(result, key) for key in RETIRED_READING_KEYS]
    if any(value is None for value in values):
        return None
    return RetiredReadings(*values)


def breakdown_under_record(case: Case, changes: dict[str, Any] | None = None) -> Breakdown:
    """The case's current inputs figured under the rules its stored record was computed with:
    a revision-3 record by the engine; a record of revision 2 (or 1) by the engine's
    revision-2 path with the retired readings copied into that record (its rate, its early days,
    its second move) — both under the record's own standard edition. For a later event on a
    signed record (a delay, a late move): a delay on a record signed at 5‰ is paid at 5‰
    (办法第三十条). `changes`: the event's facts, as calc contract case fields to replace
    (e.g. {"moved_on_time": False}, {"exchange": {"overdue_months": 3}}); the case itself is not
    touched. InputError when it cannot be computed. The caller decides what of it may change the
    record (an audited event), never this."""
    request = calc_request(case.project, case)
    for key, value in (changes or {}).items():
        if isinstance(value, dict):
            request["case"][key] = {**request["case"].get(key, {}), **value}
        else:
            request["case"][key] = value
    if case.result is not None and case.result.ok and case.result.standard_id:
        request["standard"] = case.result.standard_id
    readings = record_readings(case.result)
    if readings is None:
        options, inputs, standard = read_request(request, default_standards())
        return compute(inputs, options, standard)
    options, inputs, standard = read_request(request, default_standards(),
                                             signing_checks=False)
    return compute_revision2(inputs, options, standard, readings)


def store_event_record(result: CaseResult, breakdown: Breakdown) -> None:
    """An audited event's new record of a signed case (a late move, a delay): its figures and
    text, keeping the contract revision and the readings the record was computed under (the
    caller checked which figures the event may move, and audits them)."""
    result.engine_version = ENGINE_VERSION
    result.computed_at = now_utc()
    _store(result, breakdown)


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
    for key in RETIRED_READING_KEYS:   # a revision-3 record uses none of them
        setattr(result, key, None)
    if failure is not None:
        exc = failure
        result.ok = False
        result.standard_id = None
        result.standard_sha256 = None
        result.breakdown_json = "{}"
        result.problems_json = json.dumps([str(p) for p in exc.problems], ensure_ascii=False)
        result.warnings_count = 0
        for column in (*LINE_COLUMNS.values(), *SCHEDULE_COLUMNS.values()):
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
    for key, column in SCHEDULE_COLUMNS.items():
        setattr(result, column, figures[key])


def stored_breakdown(case: Case) -> dict[str, Any] | None:
    """The stored calculation record (the calc contract output + hash and engine version)."""
    if case.result is None or not case.result.ok:
        return None
    return json.loads(case.result.breakdown_json)


def problems(case: Case) -> list[str]:
    if case.result is None:
        return ["尚未计算"]
    return json.loads(case.result.problems_json)


def stored_figures(result: CaseResult | None) -> dict[str, int] | None:
    """A stored result's figures in cents by line code, with total, exchange_price,
    net_payable and the schedule's four buckets; None for a case without a complete
    calculation."""
    if result is None or not result.ok:
        return None
    return {key: getattr(result, column) for key, column in FIGURE_COLUMNS.items()}


def yuan_text(cents_value: int | None) -> str | None:
    """Cents as yuan with two decimals (None stays None)."""
    return None if cents_value is None else f"{Decimal(cents_value).scaleb(-2):.2f}"
