"""Payment terms as data (办法第二十九条 「补偿金额和支付期限」): for each part of the schedule,
when an owed amount must be paid by — never whether it may be paid (services/money/owed.py decides).

A term is one of
    {"from": BASIS, "days": N, "workdays": bool}   N (working) days after the basis event
    {"on": "YYYY-MM-DD"}                             a fixed date
    {"monthly": true, "days": N, "workdays": bool}   transition only: the bucket in equal
                                                     monthly shares from the move-out, each
                                                     share N days after its month begins
BASIS: signing (签约), effective (协议生效: cases.effective_on), move (搬迁交房: the recorded
move-out), handover (接房: the exchange house handed over). The key `house_price` (exchange
only) says when the houses' price is set against the compensation — its `from`, 接房 by
default — and, with `days`, by when the household pays a difference it owes.

A project keeps default terms (projects.payment_terms); a case's agreement keeps the terms it
sets itself (cases.payment_terms) and inherits the others. Both are JSON text written only by
`dump` (keys sorted), read by `read_terms`, which refuses anything else naming the field. Due
dates are counted by the procedure's one counter (services.procedure.catalogue.Period: the day of
the event not counted; calendar days ending on a day off run to the next working day; working days
by the State Council's calendar).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from wulong_desk.dates import DateError, add_months, read_iso
from wulong_desk.rules.breakdown import SCHEDULE_KEYS, SCHEDULE_LABELS
from wulong_desk.rules.inputs import InputError, Problem
from wulong_desk.services.procedure.catalogue import DAYS, WORKDAYS, Period
from wulong_desk.services.procedure.workdays import MAX_PERIOD, DueDate, WorkCalendar

HOUSE_PRICE = "house_price"
TERM_KEYS = (*SCHEDULE_KEYS, HOUSE_PRICE)
TERM_LABELS = {**SCHEDULE_LABELS, HOUSE_PRICE: "调换房屋价款结算"}
BASES = ("signing", "effective", "move", "handover")   # in the order the events happen
BASIS_LABELS = {"signing": "签约", "effective": "协议生效", "move": "搬迁交房", "handover": "接房"}
ARTICLE = "办法第二十九条"


@dataclass(frozen=True)
class Term:
    basis: str | None = None      # BASES, or None for a fixed date / monthly
    days: int = 0
    workdays: bool = False
    on: date | None = None        # a fixed date
    monthly: bool = False

    def to_json(self) -> dict[str, Any]:
        if self.on is not None:
            return {"on": self.on.isoformat()}
        out: dict[str, Any] = {"days": self.days, "workdays": self.workdays}
        if self.monthly:
            out["monthly"] = True
        else:
            out["from"] = self.basis
        return out

    def period_words(self) -> str:
        unit = "个工作日" if self.workdays else "日"
        return f"{self.days}{unit}内"

    def words(self, key: str = "") -> str:
        """The term as the agreement and the ledger say it."""
        if self.on is not None:
            return f"{self.on.year}年{self.on.month}月{self.on.day}日前"
        if self.monthly:
            return f"自搬迁交房之日起按月支付，每月首日起{self.period_words()}"
        basis = BASIS_LABELS[self.basis or "signing"]
        if key == HOUSE_PRICE:
            text = f"{basis}时与补偿款相抵"
            return text + (f"，乙方应补交的差价于{basis}之日起{self.period_words()}付清"
                           if self.days else "")
        if not self.days:
            return f"{basis}当日"
        return f"{basis}之日起{self.period_words()}"


def _problem(path: str, key: str, message: str) -> Problem:
    return Problem(f"{path}.{key}", f"{TERM_LABELS[key]}{message}")


def _read_one(key: str, raw: Any, path: str, problems: list[Problem]) -> Term | None:
    if not isinstance(raw, dict):
        problems.append(_problem(path, key, "应为 JSON 对象"))
        return None
    allowed = {"from", "days", "workdays", "on", "monthly"}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        problems.append(_problem(path, key, f"中有不认识的项 {'、'.join(unknown)}"))
        return None
    if raw.get("on") is not None:
        if key == HOUSE_PRICE or len(raw) > 1:
            extra = "（房屋价款只能按事项结算）" if key == HOUSE_PRICE else ""
            problems.append(_problem(path, key, f"写了具体日期就不再写起算事项和天数{extra}"))
            return None
        try:
            return Term(on=read_iso(str(raw["on"])))
        except DateError as exc:
            problems.append(_problem(path, key, f"的日期：{exc}"))
            return None
    days = raw.get("days", 0)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_PERIOD:
        problems.append(_problem(path, key, f"的天数应为 0 到 {MAX_PERIOD} 的整数"))
        return None
    workdays = raw.get("workdays", False)
    if not isinstance(workdays, bool):
        problems.append(_problem(path, key, "的“工作日”应为是或否"))
        return None
    if raw.get("monthly"):
        if raw["monthly"] is not True or key != "transition" or "from" in raw:
            problems.append(_problem(path, key, "只有过渡期间的款项可以按月支付"
                                     "（按月时不写起算事项）"))
            return None
        return Term(days=days, workdays=workdays, monthly=True)
    basis = raw.get("from")
    if basis not in BASES:
        problems.append(_problem(path, key, "应写明起算事项：" + "、".join(
            f"{label}（{code}）" for code, label in BASIS_LABELS.items())))
        return None
    return Term(basis=basis, days=days, workdays=workdays)


def read_terms(raw: Any, path: str = "payment_terms") -> dict[str, Term]:
    """Terms by key (only the keys given); InputError naming every bad field."""
    if raw is None or raw == {}:
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise InputError([Problem(path, "应为 JSON 对象")]) from None
    if not isinstance(raw, dict):
        raise InputError([Problem(path, "应为 JSON 对象")])
    problems: list[Problem] = []
    terms: dict[str, Term] = {}
    for key, value in raw.items():
        if key not in TERM_KEYS:
            problems.append(Problem(f"{path}.{key}", "只能按搬迁前应付、过渡期间应付、按期搬迁后"
                                    "应付、逾期交房加付、调换房屋价款结算分别约定"))
            continue
        if value is None:
            continue
        term = _read_one(key, value, path, problems)
        if term is not None:
            terms[key] = term
    if problems:
        raise InputError(problems)
    return terms


def dump(terms: dict[str, Term]) -> str | None:
    """The stored text of terms (None for none): keys sorted, so equal terms are equal text."""
    if not terms:
        return None
    return json.dumps({key: terms[key].to_json() for key in TERM_KEYS if key in terms},
                      sort_keys=True, ensure_ascii=False)


def as_json(text: str | None) -> dict[str, Any]:
    """Stored terms as the form carries them ({} for none)."""
    return {key: term.to_json() for key, term in read_terms(text).items()}


def effective_terms(project_text: str | None, case_text: str | None) -> dict[str, Term]:
    """The terms in force for a case: its agreement's own, else its project's default."""
    return read_terms(project_text) | read_terms(case_text)


def due_date(term: Term | None, dates: dict[str, date | None],
             calendar: WorkCalendar, share: int = 0) -> DueDate | None:
    """The last day to pay an owed amount by its term (None: no term, or its event has not
    happened). `dates`: the basis events' days; `share`: a monthly term's share (0 first)."""
    if term is None:
        return None
    if term.on is not None:
        return DueDate(term.on)
    start = dates.get("move") if term.monthly else dates.get(term.basis or "")
    if start is None:
        return None
    if term.monthly:
        start = add_months(start, share) - timedelta(days=1)   # the month's first day counts
    period = Period(WORKDAYS if term.workdays else DAYS, term.days, ARTICLE, "付款期限")
    return period.due(calendar, start)


def part_term(term: Term, event: str) -> Term:
    """The term of a part of a bucket that is owed only from its own event (a basis; the
    after_move bucket: the on-time reward from 搬迁交房, the second move from 接房 — spec "When
    each amount falls due"): the agreed days counted from that event when the agreed basis is
    an earlier one (the agreement: 「期限自接房之日起同样计算」). A fixed date stays as agreed
    (`not_before` keeps it from falling before the event)."""
    if term.on is not None or term.monthly or term.basis is None:
        return term
    if BASES.index(term.basis) >= BASES.index(event):
        return term
    return replace(term, basis=event)


def not_before(due: DueDate | None, event: date | None) -> DueDate | None:
    """A due date never before the event that makes the amount owed (a fixed date agreed for a
    part owed only later is due on that event's day)."""
    if due is None or event is None or due.on >= event:
        return due
    return DueDate(event)
