"""The events after signing that make money owed or forfeit it (spec "When each amount falls
due"), each ONE audited event of the case, named by services/cases/changes.py (the owner of case
changes) and run through it:

- **the move** (登记搬迁, a clerk's): the case goes to 已搬迁 on its 搬迁日期. On or before the
  搬迁期限 (`owed.move_deadline_of`) it is on time: nothing in the record changes (its transition
  and its on-time reward are now owed, the second move at 接房). After it, the move forfeits
  after_move — the record is figured again by its own rules (`breakdown_under_record`) with the
  household not moved on time, and only 单户按期搬迁奖励, the second 搬迁补助, the total, the net
  payable and after_move may move (each audited 逾期搬迁，单户按期搬迁奖励 … 元、第二次搬迁补助 … 元
  不予支付) — never through 解锁更正. A move with no 搬迁期限 set is refused naming it.
- **a delay of the exchange house** (逾期交房加付, a reviewer's): N ≥ 1 months of the
  department's delay added to a 已签约 or 已搬迁 exchange case, as long as the months added up
  stay within the whole months elapsed since the agreed delivery (the move-out plus the agreed
  transition months); figured by the record's own rules, only L1, R9, the total, the net
  payable and overdue may move.

Every event writes a `case_events` row (the fact, carried by packages) and its audit rows. On
the office server each is the database's own event function (store/server_events.py:
`wulong_record_move`, `wulong_add_delay`), which checks the figures the app sends against the
stored ones before writing them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from wulong_desk import ENGINE_VERSION
from wulong_desk.dates import add_months
from wulong_desk.errors import UserError
from wulong_desk.rules.breakdown import Breakdown
from wulong_desk.rules.inputs import InputError
from wulong_desk.services.cases.calculation import (
    breakdown_under_record,
    figures_of,
    store_event_record,
    stored_figures,
    yuan_text,
)
from wulong_desk.services.cases.history import label as figure_label
from wulong_desk.services.cases.lifecycle import clean_reason, label
from wulong_desk.services.cases.lookup import get_case
from wulong_desk.services.cases.versions import extend_trail, version_before
from wulong_desk.services.money.owed import move_deadline_of
from wulong_desk.store import Store, audit, server_events
from wulong_desk.store.audit import now_utc
from wulong_desk.store.models import Case, CaseEvent

MOVE, DELAY = "move", "delay"
LATE_MOVE, DELAY_ACTION = "late_move", "delay"     # their audit actions
# the figures each event may move (all others stay to the cent)
LATE_MOVE_FIGURES = ("R7_ONTIME", "R8_MOVE", "total", "net_payable", "after_move")
DELAY_FIGURES = ("L1_INTERRUPT", "R9_TEMP", "total", "net_payable", "overdue")
MAX_DELAY = 120   # months at once: ten years of delay is a typing mistake


def _yuan(cents: int) -> str:
    return f"{Decimal(cents).scaleb(-2):,.2f}"


def late_move_words(r7_cents: int, second_cents: int) -> str:
    """The audit's words for a late move (the amounts it forfeits)."""
    return (f"逾期搬迁，单户按期搬迁奖励 {_yuan(r7_cents)} 元、第二次搬迁补助 "
            f"{_yuan(second_cents)} 元不予支付")


def forfeited(figures: dict[str, int], second_conditional: bool) -> tuple[int, int]:
    """What a late move forfeits of a stored record: its on-time reward (at most its after_move)
    and, unless the record's agreement paid the second move whatever the timing (a revision-2
    reading), the rest of after_move — the second move."""
    r7 = min(figures["R7_ONTIME"], figures["after_move"])
    second = figures["after_move"] - r7 if second_conditional else 0
    return r7, second


def after_late_move(figures: dict[str, int], second_conditional: bool,
                    exchange: bool) -> dict[str, int]:
    """The record's figures after a late move, from the stored ones alone (the net payable is
    an exchange case's only: a money case's settlement is all zero)."""
    r7, second = forfeited(figures, second_conditional)
    out = dict(figures)
    out["R7_ONTIME"] -= r7
    out["R8_MOVE"] -= second
    for key in ("total", "after_move", *(("net_payable",) if exchange else ())):
        out[key] -= r7 + second
    return out


def _check_only(case: Case, before: dict[str, int], after: dict[str, int],
                allowed: tuple[str, ...], what: str) -> None:
    moved = [key for key in before if key not in allowed and before[key] != after.get(key)]
    if moved:
        names = "、".join(figure_label("result", key) for key in moved)
        raise UserError(f"案卷 {case.case_no} 按其计算记录的规则重新计算时，{names}与保存的计算记录"
                        f"不一致（录入数据与计算记录不符）：不能办理{what}。请审核人员先“解锁更正”"
                        "核对案卷后再办理")


def _figure(case: Case, changes: dict[str, Any], what: str) -> Breakdown:
    try:
        return breakdown_under_record(case, changes)
    except InputError as exc:
        raise UserError(f"案卷 {case.case_no} 无法按其计算记录的规则计算，不能办理{what}："
                        + "；".join(str(p) for p in exc.problems)) from None


def _stored(case: Case) -> dict[str, int]:
    figures = stored_figures(case.result)
    if figures is None:
        raise UserError(f"案卷 {case.case_no} 的计算还不完整")
    return figures


def _record_text(breakdown: Breakdown) -> str:
    return json.dumps(breakdown.to_record(ENGINE_VERSION), ensure_ascii=False)


def _audit_figures(session: Session, case: Case, action: str, before: dict[str, int],
                   after: dict[str, int], reason: str) -> None:
    for key in before:
        if before[key] != after.get(key):
            audit.record(session, action, case, key, yuan_text(before[key]),
                         yuan_text(after[key]), reason, entity="result")


# ---- the move ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MovePlan:
    late: bool
    deadline: date
    forfeit: tuple[int, int]          # R7, second move (cents)
    breakdown: Breakdown | None       # the new record when the move forfeits something
    reason: str


def plan_move(case: Case, moved_on: date) -> MovePlan:
    """What recording the move on `moved_on` does to the case (nothing is changed here)."""
    deadline = move_deadline_of(case)
    if deadline is None:
        raise UserError("「搬迁期限」：项目还没有填写搬迁期限，不能登记搬迁（按期或逾期以它为准）；"
                        "请先在项目设置中填写「搬迁期限」")
    late = moved_on > deadline
    if not late:
        return MovePlan(False, deadline, (0, 0), None,
                        f"按期搬迁（搬迁期限 {deadline.isoformat()}）")
    before = _stored(case)
    conditional = case.result.second_move_requires_on_time is not False
    r7, second = forfeited(before, conditional)
    if not r7 and not second:
        return MovePlan(True, deadline, (0, 0), None,
                        f"逾期搬迁（搬迁期限 {deadline.isoformat()}；计算记录已按未按期搬迁计算）")
    new = _figure(case, {"moved_on_time": False}, "逾期搬迁")
    after = figures_of(new)
    _check_only(case, before, after, LATE_MOVE_FIGURES, "逾期搬迁")
    expected = after_late_move(before, conditional, case.method == "exchange")
    if after != expected:
        _check_only(case, expected, after, (), "逾期搬迁")
    return MovePlan(True, deadline, (r7, second), new, late_move_words(r7, second))


def move_in_session(session: Session, case: Case, moved_on: date) -> None:
    """The move, in the save that takes the case to 已搬迁 (services.cases.changes calls it): on a
    local file the late move's record and its audit rows are written here; on the office server the
    case's stage change is the `record_move` event (called with the plan's record)."""
    plan = plan_move(case, moved_on)
    if server_events.on_server(session):
        session.info.setdefault("move_plans", {})[id(case)] = plan
        return
    if plan.breakdown is not None:
        before = _stored(case)
        audit.allow_refigure(session, case)
        case.moved_on_time = False
        audit.record(session, LATE_MOVE, case, "moved_on_time", "true", "false", plan.reason,
                     tells=("moved_on_time",))
        store_event_record(case.result, plan.breakdown)
        _audit_figures(session, case, LATE_MOVE, before, figures_of(plan.breakdown),
                       plan.reason)
    session.add(CaseEvent(case=case, kind=MOVE, on_date=moved_on,
                          late=plan.late, amount_cents=sum(plan.forfeit), reason=plan.reason,
                          operator=session.info.get("operator") or "", at=now_utc()))


def move_on_server(session: Session, case: Case, moved_on: date) -> None:
    """The office server's move event for a save at the stored stage 已签约
    (services.cases.changes)."""
    plan = session.info.get("move_plans", {}).pop(id(case), None) or plan_move(case, moved_on)
    record = _record_text(plan.breakdown) if plan.breakdown is not None else None
    server_events.call(session, "record_move", case.id, moved_on, record)
    set_committed_value(case, "moved_on_time",
                        False if plan.breakdown is not None else case.moved_on_time)
    if case.result is not None:
        session.expire(case.result)
        if case.result.record is not None:
            session.expire(case.result.record)


# ---- a delay of the exchange house --------------------------------------------------------

def months_elapsed(since: date, today: date) -> int:
    """The whole months from `since` to `today` (a month ends on the same day of the next
    month, or its last day when it has none)."""
    months = 0
    while months < 1200 and add_months(since, months + 1) <= today:
        months += 1
    return months


@dataclass(frozen=True)
class Delayed:
    case_no: str
    months: int
    overdue_months: int
    added_cents: int


def add_delay(store: Store, case_id: int, months: int, reason: str, *,
              today: date | None = None) -> Delayed:
    """逾期交房加付: add `months` of the department's delay to a signed or moved exchange case
    (a reviewer's event; see the module)."""
    store.require("逾期交房加付")
    reason = clean_reason(reason, "逾期交房加付")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_DELAY:
        raise UserError(f"「逾期月数」应为 1 到 {MAX_DELAY} 的整数（收到 {months}）")
    with store.transaction() as session:
        case = get_case(session, case_id)
        total = (case.overdue_months or 0) + months
        words = f"逾期交房加付 {months} 个月（累计 {total} 个月）：{reason}"
        return apply_delay(session, case, months, words, today=today or date.today())


def apply_delay(session: Session, case: Case, months: int, words: str, *, today: date,
                uuid: str | None = None) -> Delayed:
    """The delay event in the caller's transaction (`add_delay`, and a delay taken in from a
    package with the sender's words): checked, figured by the record's own rules, written —
    on the office server by its event function."""
    total = check_delay(case, months, today)
    before_figures = _stored(case)
    new = _figure(case, {"exchange": {"overdue_months": total}}, "逾期交房加付")
    after = figures_of(new)
    _check_only(case, before_figures, after, DELAY_FIGURES, "逾期交房加付")
    added = after["overdue"] - before_figures["overdue"]
    if after["total"] - before_figures["total"] != added or added < 0:
        raise UserError(f"案卷 {case.case_no} 加付的金额与逾期交房加付不符，不能办理")
    before = version_before(case)
    if server_events.on_server(session):
        server_events.call(session, "add_delay", case.id, months, words, _record_text(new))
        session.refresh(case)
        session.expire(case.result)
    else:
        audit.allow_refigure(session, case)
        audit.record(session, DELAY_ACTION, case, "overdue_months",
                     str(case.overdue_months), str(total), words, tells=("overdue_months",))
        case.overdue_months = total
        store_event_record(case.result, new)
        _audit_figures(session, case, DELAY_ACTION, before_figures, after, words)
        event = CaseEvent(case=case, kind=DELAY, on_date=today, months=months,
                          amount_cents=added, reason=words,
                          operator=session.info.get("operator") or "", at=now_utc())
        if uuid:
            event.uuid = uuid
        session.add(event)
    session.flush()
    extend_trail(case, before)
    return Delayed(case.case_no, months, total, added)


def check_delay(case: Case, months: int, today: date) -> int:
    """The case's overdue months after adding `months`, or UserError naming why not."""
    if case.method != "exchange":
        raise UserError(f"「补偿方式」：案卷 {case.case_no} 是货币补偿，没有调换房屋，"
                        "不能逾期交房加付")
    if case.status not in ("signed", "moved"):
        raise UserError(f"案卷 {case.case_no} 现在是{label(case.status)}：只有已签约或已搬迁的"
                        "产权调换案卷可以逾期交房加付")
    if case.unlocked_reason:
        raise UserError(f"案卷 {case.case_no} 正在解锁更正：请先保存或放弃更正，再办理逾期交房加付")
    if case.transition_months is None:
        raise UserError(f"「过渡期限（月）」：案卷 {case.case_no} 没有约定过渡期限，"
                        "无法确定约定交房日")
    if case.moved_on is None:
        raise UserError(f"「搬迁日期」：案卷 {case.case_no} 尚未登记搬迁，约定交房日（搬迁交房"
                        f"之日起{case.transition_months}个月）还无从计算，不能逾期交房加付")
    agreed, elapsed = agreed_delivery(case.moved_on, case.transition_months, today)
    total = (case.overdue_months or 0) + months
    if total > elapsed:
        raise UserError(f"「逾期月数」：案卷 {case.case_no} 加 {months} 个月后累计逾期 {total} "
                        f"个月，超过约定交房日 {agreed.isoformat()}（搬迁 "
                        f"{case.moved_on.isoformat()} 加过渡期限 {case.transition_months} 个月）"
                        f"以来已满的 {elapsed} 个月")
    return total


def agreed_delivery(moved_on: date, transition_months: int, today: date) -> tuple[date, int]:
    """The agreed delivery day of the exchange house (the move plus the transition period) and
    the whole months since it up to `today` (what a delay may add up to)."""
    agreed = add_months(moved_on, transition_months)
    return agreed, months_elapsed(agreed, today)


@dataclass(frozen=True)
class DelayFacts:
    """What the 逾期交房加付 dialog opens on: the months registered so far and, once the
    household has moved (with a transition period), the agreed delivery day and the whole months
    since it up to `today`."""
    case_no: str
    overdue_months: int
    moved_on: date | None
    transition_months: int | None
    agreed: date | None
    elapsed: int | None


def delay_facts(store: Store, case_id: int, today: date) -> DelayFacts:
    with store.read() as session:
        case = get_case(session, case_id)
        agreed = elapsed = None
        if case.moved_on is not None and case.transition_months is not None:
            agreed, elapsed = agreed_delivery(case.moved_on, case.transition_months, today)
        return DelayFacts(case.case_no, case.overdue_months or 0, case.moved_on,
                          case.transition_months, agreed, elapsed)
