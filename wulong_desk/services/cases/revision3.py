"""Records made before calc contract revision 3: which retired readings each was computed with,
and its schedule (when each part of its total falls due) derived without changing a figure.

Migration 0010 calls these once per stored record;
`services.cases.calculation.breakdown_under_record` then figures a later event on such a record
with the readings kept here. Nothing here writes.

- The readings a record used: revision 1 had none (it paid the printed 5%, counted early days
  from the signing day and paid every exchange two moves); a revision-2 record names its own
  choice wherever it mattered (the rate in L1's formula, the reading in R6's and R8's), and
  otherwise its project's choice when the migration runs.
- Its schedule: the record's own rounded lines are split, never recomputed. The case's inputs
  are figured again by the revision-2 path with the record's readings, only to find the parts
  of L1 and R9 for the agreed months and one move of R8; a line whose figure the record does not
  reproduce stays owed before the move (as its agreement, made under a revision that owed it all
  at once, said). before_move is the total less the other three, so they add up to the stored
  total exactly.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

from wulong_desk.rules import InputError, default_standards, read_request
from wulong_desk.rules.breakdown import Breakdown
from wulong_desk.rules.compute import compute_revision2
from wulong_desk.rules.lines import household, move_once, move_times
from wulong_desk.rules.model import EXCHANGE, RETIRED_READING_KEYS, RetiredReadings

CHOSEN = "项目选定的读法"


def revision_1_readings(record: dict[str, Any]) -> RetiredReadings:
    """What revision 1 did where revision 2 later offered a reading (spec "Revision 2"): the
    standard's printed monthly rate, days from the signing day (it had no signing period), two
    moves for every exchange."""
    standard = default_standards().get(record.get("standard", "")) or max(
        default_standards(), key=lambda s: (s.effective_from, s.edition))
    return RetiredReadings(standard.values["interrupt_exchange_rate"], "signing_day", False)


def readings_of_record(revision: int, record: dict[str, Any],
                       project: dict[str, Any]) -> RetiredReadings:
    """The retired readings a stored record was computed with (`project`: its project's values
    of them as stored when the migration runs; `record`: the stored calculation record)."""
    if revision < 2:
        return revision_1_readings(record)
    values = {key: project[key] for key in RETIRED_READING_KEYS}
    standard = default_standards().get(record.get("standard", ""))
    lines = [line.get("code") for line in record.get("lines", [])]
    inputs = record.get("inputs") or []
    if standard is None or len(inputs) != len(lines):
        return _readings(values)
    terms = dict(zip(lines, inputs, strict=True))
    for term in terms.get("L1_INTERRUPT") or []:
        if "rate" in term and "reading" in term:    # an exchange: the rate its formula states
            values["exchange_interruption_rate"] = Decimal(term["rate"])
    for key, code, field in (("early_days_from", "R6_EARLY", "start"),
                             ("second_move_requires_on_time", "R8_MOVE", "times")):
        shown = " ".join(str(term.get(field, "")) for term in terms.get(code) or [])
        reading = standard.retired_readings.get(key)
        if reading is None:
            continue
        for choice in reading.choices:
            if f"{reading.label_for(choice)}，{CHOSEN}" in shown:
                values[key] = choice
    return _readings(values)


def _readings(values: dict[str, Any]) -> RetiredReadings:
    rate = values["exchange_interruption_rate"]
    second = values["second_move_requires_on_time"]
    return RetiredReadings(Decimal(str(rate)), str(values["early_days_from"]),
                           second if isinstance(second, bool) else bool(int(second)))


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


def stored_schedule_cents(request: dict[str, Any], readings: RetiredReadings,
                          stored: dict[str, int], total: int) -> dict[str, int]:
    """The schedule of a stored record in cents: its lines (`stored`, cents by code) and total
    split as the module says, adding up to `total` exactly."""
    transition = overdue = 0
    after_move = stored.get("R7_ONTIME", 0)
    again = _again(request, readings)
    if again is not None:
        full, agreed, once, two_moves, exchange = again
        if exchange:
            for code in ("L1_INTERRUPT", "R9_TEMP"):
                if stored.get(code) == full[code]:
                    transition += agreed[code]
                    overdue += full[code] - agreed[code]
                elif stored.get(code) == agreed[code]:   # its overdue months were not counted
                    transition += agreed[code]
            if two_moves and stored.get("R8_MOVE") == full["R8_MOVE"]:
                after_move += full["R8_MOVE"] - once
    before_move = total - transition - overdue - after_move
    return {"before_move": before_move, "transition": transition, "after_move": after_move,
            "overdue": overdue}


def _again(request: dict[str, Any], readings: RetiredReadings
           ) -> tuple[dict[str, int], dict[str, int], int, bool, bool] | None:
    """The case figured again by the revision-2 path: its L1, R8 and R9 in cents, L1 and R9 for
    the agreed months only, one move, whether it pays two moves, whether it is an exchange (None
    when its inputs cannot be figured)."""
    try:
        options, case, standard = read_request(request, default_standards(),
                                               signing_checks=False)
    except InputError:
        return None
    full = _figures(compute_revision2(case, options, standard, readings))
    agreed = full
    if case.exchange is not None and case.exchange.overdue_months:
        on_time = replace(case, exchange=replace(case.exchange, overdue_months=0))
        agreed = _figures(compute_revision2(on_time, options, standard, readings))
    h = household(case, options, standard, readings)
    two_moves = case.method == EXCHANGE and move_times(h)[0] == h.p["move_times_exchange"]
    return full, agreed, _cents(move_once(h)), two_moves, case.method == EXCHANGE


def _figures(breakdown: Breakdown) -> dict[str, int]:
    return {line.code: _cents(line.amount) for line in breakdown.lines}


def record_of(text: str | None) -> dict[str, Any]:
    """A stored record's JSON text as a dict ({} when empty or unreadable)."""
    try:
        record = json.loads(text or "{}")
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}
