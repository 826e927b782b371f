"""Payments of compensation (办法第二十二、二十九条): per case at 已签约 or 已搬迁 (statuses.
PAYABLE_STATUSES) its stored schedule, what is owed now (services/money/owed.py: each bucket once
its event has happened, the exchange houses' price once set off), every payment made (or
receipt), what is outstanding and what is to be recovered.

due_now = the owed buckets less the price once set off (negative: the household owes);
paid = payments − receipts; what they settle — outstanding, recover (overpaid, 应追回, or the
household's share of the houses' price, 住户应补差价), each bucket filled in order — is the one
rule `Owed.settle` (services/money/owed.py), worked in integer cents; an account shows it in
yuan. A payment beyond what is outstanding is refused, naming the
figures; `payments` records payments only — the payment terms and the payee account are the
agreement's content (services/cases/changes.py, 解锁更正).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.rules.breakdown import SCHEDULE_KEYS, SCHEDULE_LABELS
from wulong_desk.rules.decimals import money
from wulong_desk.rules.inputs import MAX_AMOUNT
from wulong_desk.services.cases.lookup import get_case, get_project
from wulong_desk.services.money.owed import Owed, Settled, cents, owed_rows, yuan
from wulong_desk.statuses import PAYABLE_STATUSES, STATUS_LABELS, is_payable
from wulong_desk.store import Store, audit, server_events
from wulong_desk.store.audit import now_utc
from wulong_desk.store.models import SCHEDULE_COLUMNS, AuditEntry, Case, CaseResult, Payment

PAY, RECEIVE = "pay", "receive"
KIND_LABELS = {PAY: "拨付", RECEIVE: "收款"}
CENT = Decimal("0.01")
MAX_TEXT = 60


@dataclass
class PaymentLine:
    id: int
    kind: str
    amount: Decimal
    paid_on: date
    voucher: str
    operator: str

    @property
    def signed_amount(self) -> Decimal:
        """Paid out positive, received negative (so the amounts add up to `paid`)."""
        return self.amount if self.kind == PAY else -self.amount

    def to_json(self) -> dict[str, Any]:
        return {"amount": money(self.signed_amount), "date": self.paid_on.isoformat(),
                "voucher": self.voucher, "operator": self.operator}


@dataclass
class CaseAccount:
    case_id: int
    case_no: str
    method: str
    status: str
    signed_on: date | None
    buckets: dict[str, Decimal]            # the stored schedule (what each part amounts to)
    now: Owed                              # what is owed now, in cents (services/money/owed.py)
    exchange_price: Decimal | None         # None for money compensation
    payments: list[PaymentLine] = field(default_factory=list)

    @property
    def owed(self) -> dict[str, Decimal]:
        """How much of each bucket is owed now."""
        return {key: yuan(self.now.owed[key]) for key in SCHEDULE_KEYS}

    @property
    def set_off(self) -> Decimal:
        """The exchange houses' price, once set off."""
        return yuan(self.now.set_off)

    @property
    def handover_on(self) -> date | None:
        """接房 (every assigned house handed over)."""
        return self.now.handover_on

    @property
    def set_off_basis(self) -> str:
        return self.now.set_off_basis

    @property
    def settled(self) -> Settled:
        """What the payments settle of what is owed now (the one rule: `Owed.settle`)."""
        return self.now.settle(sum((cents(p.signed_amount) for p in self.payments), 0))

    @property
    def owed_total(self) -> Decimal:
        """The compensation owed now (the buckets whose events have happened)."""
        return yuan(self.now.owed_total)

    @property
    def due_now(self) -> Decimal:
        return yuan(self.now.due_now)

    @property
    def paid(self) -> Decimal:
        """Paid out minus received."""
        return yuan(self.settled.paid)

    @property
    def outstanding(self) -> Decimal:
        return yuan(self.settled.outstanding)

    @property
    def recover(self) -> Decimal:
        return yuan(self.settled.recover)

    @property
    def overpaid(self) -> Decimal:
        """应追回: paid beyond the compensation owed now (never the houses' price)."""
        return yuan(self.settled.overpaid)

    @property
    def household_owes(self) -> Decimal:
        """What the household pays towards the houses' price (住户应补差价)."""
        return yuan(self.settled.household_owes)

    def filled(self) -> dict[str, Decimal]:
        """How much of each owed bucket is settled: the payments (less receipts) and the price
        set off fill the buckets in order before_move → transition → after_move → overdue."""
        filled = self.settled.filled
        return {key: yuan(filled[key]) for key in SCHEDULE_KEYS}

    def unpaid(self) -> dict[str, Decimal]:
        """Of each bucket, what is owed now and not yet settled."""
        unpaid = self.settled.unpaid
        return {key: yuan(unpaid[key]) for key in SCHEDULE_KEYS}

    def to_json(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "case_no": self.case_no, "status": self.status,
                **{key: money(self.buckets[key]) for key in SCHEDULE_KEYS},
                "due_now": money(self.due_now), "paid": money(self.paid),
                "outstanding": money(self.outstanding), "recover": money(self.recover),
                "exchange_price": (None if self.exchange_price is None
                                   else money(self.exchange_price)),
                "payments": [p.to_json() for p in self.payments]}


def _lines(session: Session, case_ids: list[int]) -> dict[int, list[PaymentLine]]:
    found: dict[int, list[PaymentLine]] = {i: [] for i in case_ids}
    if not case_ids:
        return found
    rows = session.execute(select(Payment).where(Payment.case_id.in_(case_ids))
                           .order_by(Payment.paid_on, Payment.id)).scalars()
    for p in rows:
        found[p.case_id].append(PaymentLine(p.id, p.kind, p.amount, p.paid_on, p.voucher,
                                            p.operator))
    return found


def _make(case_id: int, case_no: str, method: str, status: str, signed_on: date | None,
          buckets: dict[str, int], price: int, owed: Owed,
          lines: list[PaymentLine]) -> CaseAccount:
    return CaseAccount(case_id, case_no, method, status, signed_on,
                       {key: yuan(buckets[key]) for key in SCHEDULE_KEYS}, owed,
                       yuan(price) if method == "exchange" else None, lines)


def _account(session: Session, case: Case, lines: list[PaymentLine],
             today: date | None = None) -> CaseAccount | None:
    result: CaseResult | None = case.result
    if result is None or not result.ok or not is_payable(case.status):
        return None
    owed = owed_rows(session, Case.id == case.id, today=today).get(case.id)
    if owed is None:
        return None
    return _make(case.id, case.case_no, case.method, case.status, case.signed_on,
                 {key: getattr(result, column) for key, column in SCHEDULE_COLUMNS.items()},
                 result.exchange_price_cents, owed, lines)


def accounts_of(session: Session, cases: list[Case],
                today: date | None = None) -> dict[int, CaseAccount]:
    """The accounts of those of `cases` that are payable and completely computed."""
    payable = [case for case in cases if is_payable(case.status)]
    if not payable:
        return {}
    lines = _lines(session, [case.id for case in payable])
    owed = owed_rows(session, Case.id.in_([case.id for case in payable]), today=today)
    found = {}
    for case in payable:
        result = case.result
        if result is None or not result.ok or case.id not in owed:
            continue
        found[case.id] = _make(
            case.id, case.case_no, case.method, case.status, case.signed_on,
            {key: getattr(result, column) for key, column in SCHEDULE_COLUMNS.items()},
            result.exchange_price_cents, owed[case.id], lines[case.id])
    return found


def project_accounts(session: Session, project_id: int,
                     today: date | None = None) -> list[CaseAccount]:
    """Every case of the project at a payable stage with a complete computation, by case
    number (three queries: the cases with their stored schedule, what is owed, the payments)."""
    get_project(session, project_id)
    rows = session.execute(
        select(Case.id, Case.case_no, Case.method, Case.status, Case.signed_on,
               CaseResult.exchange_price_cents,
               *[getattr(CaseResult, column) for column in SCHEDULE_COLUMNS.values()])
        .join(CaseResult, CaseResult.case_id == Case.id)
        .where(Case.project_id == project_id, Case.status.in_(PAYABLE_STATUSES),
               CaseResult.ok.is_(True))
        .order_by(Case.case_no)).all()
    owed = owed_rows(session, Case.project_id == project_id,
                     Case.status.in_(PAYABLE_STATUSES), today=today)
    lines: dict[int, list[PaymentLine]] = {row[0]: [] for row in rows}
    for p in session.execute(select(Payment).join(Case, Case.id == Payment.case_id)
                             .where(Case.project_id == project_id)
                             .order_by(Payment.paid_on, Payment.id)).scalars():
        if p.case_id in lines:
            lines[p.case_id].append(PaymentLine(p.id, p.kind, p.amount, p.paid_on, p.voucher,
                                                p.operator))
    return [_make(case_id, case_no, method, status, signed_on,
                  dict(zip(SCHEDULE_KEYS, buckets, strict=True)), price, owed[case_id],
                  lines[case_id])
            for case_id, case_no, method, status, signed_on, price, *buckets in rows]


def case_account(session: Session, case_id: int, today: date | None = None
                 ) -> CaseAccount | None:
    """The case's account, or None while it is not payable or not completely computed."""
    case = get_case(session, case_id)
    return _account(session, case, _lines(session, [case.id])[case.id], today)


def _text(value: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise UserError(f"「{label}」不能为空")
    if len(text) > MAX_TEXT:
        raise UserError(f"「{label}」太长（最多 {MAX_TEXT} 个字）")
    return text


def owed_words(account: CaseAccount) -> str:
    """What is owed now and what is not yet, in one line (for a refusal)."""
    owed = "，".join(f"{SCHEDULE_LABELS[key]} {account.owed[key]:,.2f} 元"
                    for key in SCHEDULE_KEYS if account.owed[key])
    waiting = "，".join(f"{SCHEDULE_LABELS[key]} {account.buckets[key] - account.owed[key]:,.2f} 元"
                       for key in SCHEDULE_KEYS if account.buckets[key] > account.owed[key])
    text = f"现应付 {account.due_now:,.2f} 元（{owed or '无'}"
    if account.set_off:
        text += f"，减调换房屋价款 {account.set_off:,.2f} 元"
    text += f"），已付 {account.paid:,.2f} 元"
    if waiting:
        text += f"；尚未到应付之时：{waiting}"
    return text


def record_payment(store: Store, case_id: int, amount: Decimal, paid_on: date, voucher: str,
                   *, today: date | None = None) -> CaseAccount:
    """Record one payment (or, where the household owes or was overpaid, one receipt) and
    return the account. Refused: an amount that is not positive whole cents, a date in the
    future or before the signing, a voucher number already used in the project, more than is
    outstanding now (or to be recovered)."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise UserError("「金额」必须大于 0")
    if amount > MAX_AMOUNT:   # bounded before any arithmetic (a 30-digit amount)
        raise UserError(f"「金额」{amount} 超过上限 {MAX_AMOUNT:,.0f} 元，请检查是否多输了数字")
    if amount != amount.quantize(CENT):
        raise UserError(f"「金额」{amount:,} 只能精确到分")
    voucher = _text(voucher, "凭证号")
    today = today or date.today()
    if paid_on > today:
        raise UserError(f"「拨付日期」{paid_on.isoformat()} 晚于今天")
    with store.transaction() as session:
        case = get_case(session, case_id)
        if not is_payable(case.status):
            stage = STATUS_LABELS.get(case.status, case.status)
            raise UserError(f"案卷 {case.case_no} 现在是{stage}，还没有生效的补偿协议，"
                            "不能登记拨付（预签协议转为补偿协议后才付款）")
        account = _account(session, case, _lines(session, [case.id])[case.id], today)
        if account is None:
            raise UserError(f"案卷 {case.case_no} 的计算还不完整，无法确定应付金额")
        if case.signed_on is not None and paid_on < case.signed_on:
            raise UserError(f"「拨付日期」{paid_on.isoformat()} 早于签约日期 "
                            f"{case.signed_on.isoformat()}")
        used = session.execute(
            select(Case.case_no).join(Payment, Payment.case_id == Case.id)
            .where(Case.project_id == case.project_id, Payment.voucher == voucher)).first()
        if used is not None:
            raise UserError(f"「凭证号」{voucher} 已在案卷 {used[0]} 登记过")
        if account.outstanding == 0 and account.recover == 0:
            raise UserError(f"「金额」：案卷 {case.case_no} 现在没有应付未付的款项，不能再登记"
                            f"（{owed_words(account)}）")
        kind = PAY if account.outstanding > 0 else RECEIVE
        limit = account.outstanding if kind == PAY else account.recover
        if amount > limit:
            what = "现在应付未付的" if kind == PAY else "应收回的"
            raise UserError(f"「金额」{amount:,.2f} 元超过{what} {limit:,.2f} 元，不予登记"
                            f"（{owed_words(account)}）")
        row_id = add_payment(session, case, kind, amount, paid_on, voucher, store.operator)
        account.payments.append(PaymentLine(row_id, kind, amount, paid_on, voucher,
                                            store.operator))
        return account


def add_payment(session: Session, case: Case, kind: str, amount: Decimal, paid_on: date,
                voucher: str, operator: str, reason: str | None = None) -> int:
    """Write one payment and its audit row (the caller checked it). On the office server its
    event does both, under the login, and refuses more than may be paid now
    (`wulong_may_still_pay`: owed now − paid)."""
    if server_events.on_server(session):
        return int(server_events.call(session, "record_payment", case.id, kind,
                                      f"{amount:f}", paid_on, voucher, reason))
    audit.open_event(session, case, "登记拨付")   # (the backstop: a locked case's event rows)
    row = Payment(case_id=case.id, kind=kind, amount=amount, paid_on=paid_on, voucher=voucher,
                  operator=operator, created_at=now_utc())
    session.add(row)
    session.flush()
    session.add(AuditEntry(at=now_utc(), operator=session.info.get("operator") or operator,
                           action="create", entity="payment", entity_id=row.id,
                           project_id=case.project_id, case_id=case.id, field=kind,
                           new=f"{money(amount)} {paid_on.isoformat()} {voucher}",
                           reason=reason))
    return row.id
