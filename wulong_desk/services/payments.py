"""Payments of compensation (办法第二十二、二十九条): per signed case the amount due, every payment
made (or, for an exchange case where the household owes the difference, every receipt), and
what is still outstanding.

amount due = the total for a money case, the net payable for an exchange case (negative: the
household pays the department). paid = payments − receipts. outstanding = due − paid. Nothing
may be paid beyond what is outstanding, nor received beyond what the household owes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case as when
from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.rules.decimals import money
from wulong_desk.rules.inputs import MAX_AMOUNT
from wulong_desk.services.cases import get_case, get_project
from wulong_desk.statuses import STATUSES, is_signed
from wulong_desk.store import Store
from wulong_desk.store.audit import now_utc
from wulong_desk.store.models import AuditEntry, Case, CaseResult, Payment

PAY, RECEIVE = "pay", "receive"
KIND_LABELS = {PAY: "拨付", RECEIVE: "收款"}
CENT = Decimal("0.01")
MAX_TEXT = 60


def amount_due(case: Case) -> Decimal | None:
    """What the department owes the household (negative: what the household owes), or None
    while the case has no complete computation."""
    result: CaseResult | None = case.result
    if result is None or not result.ok:
        return None
    cents = result.net_payable_cents if case.method == "exchange" else result.total_cents
    return Decimal(cents).scaleb(-2)


@dataclass
class PaymentLine:
    id: int
    kind: str
    amount: Decimal
    paid_on: date
    voucher: str
    operator: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "amount": money(self.amount),
                "date": self.paid_on.isoformat(), "voucher": self.voucher,
                "operator": self.operator}


@dataclass
class CaseAccount:
    case_id: int
    case_no: str
    method: str
    status: str
    signed_on: date | None
    payment_term: str | None
    due: Decimal
    payments: list[PaymentLine] = field(default_factory=list)
    # the day the agreement took effect, its payment term's start: a converted presign's
    # `converted_on` (办法第五十三条; services/conversion.agreement_effective_on), else None
    # (the signing day). Issue 26's `effective_on` takes this over at the merge.
    converted_on: date | None = None

    @property
    def counted_from(self) -> date | None:
        return self.converted_on or self.signed_on

    @property
    def paid(self) -> Decimal:
        """Paid out minus received (so it moves towards `due` in both directions)."""
        return sum((p.amount if p.kind == PAY else -p.amount for p in self.payments),
                   Decimal("0.00"))

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.paid

    def to_json(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "case_no": self.case_no, "method": self.method,
                "status": self.status,
                "signed_on": self.signed_on.isoformat() if self.signed_on else None,
                "payment_term": self.payment_term, "due": money(self.due),
                "paid": money(self.paid), "outstanding": money(self.outstanding),
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


def _account(case: Case, lines: list[PaymentLine]) -> CaseAccount | None:
    due = amount_due(case)
    if due is None or not is_signed(case.status):
        return None
    return CaseAccount(case.id, case.case_no, case.method, case.status, case.signed_on,
                       case.payment_term, due, lines, case.converted_on)


def accounts_of(session: Session, cases: list[Case]) -> dict[int, CaseAccount]:
    """The accounts of those of `cases` that are signed and completely computed (one query for
    their payments)."""
    signed = [case for case in cases if is_signed(case.status)]
    lines = _lines(session, [case.id for case in signed])
    found = {case.id: _account(case, lines[case.id]) for case in signed}
    return {case_id: account for case_id, account in found.items() if account is not None}


def _signed_statuses() -> list[str]:
    return [status for status in STATUSES if is_signed(status)]


def _due_cents():
    return when((Case.method == "exchange", CaseResult.net_payable_cents),
                else_=CaseResult.total_cents)


def project_accounts(session: Session, project_id: int) -> list[CaseAccount]:
    """Every signed case of the project with a complete computation, by case number (two
    queries: the cases with their amounts due, and their payments)."""
    get_project(session, project_id)
    rows = session.execute(
        select(Case.id, Case.case_no, Case.method, Case.status, Case.signed_on,
               Case.payment_term, _due_cents(), Case.converted_on)
        .join(CaseResult, CaseResult.case_id == Case.id)
        .where(Case.project_id == project_id, Case.status.in_(_signed_statuses()),
               CaseResult.ok.is_(True))
        .order_by(Case.case_no)).all()
    lines: dict[int, list[PaymentLine]] = {row[0]: [] for row in rows}
    for p in session.execute(select(Payment).join(Case, Case.id == Payment.case_id)
                             .where(Case.project_id == project_id)
                             .order_by(Payment.paid_on, Payment.id)).scalars():
        if p.case_id in lines:
            lines[p.case_id].append(PaymentLine(p.id, p.kind, p.amount, p.paid_on, p.voucher,
                                                p.operator))
    return [CaseAccount(case_id, case_no, method, status, signed_on, term,
                        Decimal(cents).scaleb(-2), lines[case_id], converted_on)
            for case_id, case_no, method, status, signed_on, term, cents, converted_on
            in rows]


def case_account(session: Session, case_id: int) -> CaseAccount | None:
    """The case's account, or None while it is not signed or not completely computed."""
    case = get_case(session, case_id)
    return _account(case, _lines(session, [case.id])[case.id])


def due_cents_column() -> Any:
    """SQL: a computed case's amount due in cents (0 while its computation failed)."""
    return when((CaseResult.ok.is_(True), _due_cents()), else_=0)


def paid_total(session: Session, project_id: int) -> Decimal:
    """Paid out less received over the project's signed, completely computed cases (the
    payments are exact text, summed here; a project has few of them next to its cases)."""
    paid = Decimal("0.00")
    counted = (select(Case.id).join(CaseResult, CaseResult.case_id == Case.id)
               .where(Case.id == Payment.case_id, Case.project_id == project_id,
                      Case.status.in_(_signed_statuses()), CaseResult.ok.is_(True)))
    # a correlated EXISTS: the (few) payments are the outer loop, not the project's cases
    for kind, amount in session.execute(select(Payment.kind, Payment.amount)
                                        .where(counted.exists())):
        paid += amount if kind == PAY else -amount
    return paid


def _text(value: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise UserError(f"{label}不能为空")
    if len(text) > MAX_TEXT:
        raise UserError(f"{label}太长（最多 {MAX_TEXT} 个字）")
    return text


def record_payment(store: Store, case_id: int, amount: Decimal, paid_on: date, voucher: str,
                   *, today: date | None = None) -> CaseAccount:
    """Record one payment (or, where the household owes, one receipt) and return the account.
    Refused: an amount that is not positive whole cents, a date in the future or before the
    signing, a voucher number already used in the project, more than is outstanding."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise UserError("金额必须大于 0")
    if amount > MAX_AMOUNT:   # bounded before any arithmetic (a 30-digit amount)
        raise UserError(f"金额 {amount} 超过上限 {MAX_AMOUNT:,.0f} 元，请检查是否多输了数字")
    if amount != amount.quantize(CENT):
        raise UserError(f"「金额」{amount:,} 只能精确到分")
    voucher = _text(voucher, "凭证号")
    today = today or date.today()
    if paid_on > today:
        raise UserError(f"拨付日期 {paid_on.isoformat()} 晚于今天")
    with store.transaction() as session:
        case = get_case(session, case_id)
        if not is_signed(case.status):
            raise UserError(f"案卷 {case.case_no} 尚未签约，不能登记拨付")
        account = _account(case, _lines(session, [case.id])[case.id])
        if account is None:
            raise UserError(f"案卷 {case.case_no} 的计算还不完整，无法确定应付金额")
        if case.signed_on is not None and paid_on < case.signed_on:
            raise UserError(f"拨付日期 {paid_on.isoformat()} 早于签约日期 "
                            f"{case.signed_on.isoformat()}")
        used = session.execute(
            select(Case.case_no).join(Payment, Payment.case_id == Case.id)
            .where(Case.project_id == case.project_id, Payment.voucher == voucher)).first()
        if used is not None:
            raise UserError(f"凭证号 {voucher} 已在案卷 {used[0]} 登记过")
        outstanding = account.outstanding
        if outstanding == 0:
            raise UserError(f"案卷 {case.case_no} 已结清（应付 {account.due:,.2f} 元），"
                            "不能再登记")
        kind = PAY if outstanding > 0 else RECEIVE
        if amount > abs(outstanding):
            what = "未付" if kind == PAY else "住户尚欠"
            raise UserError(f"「金额」{amount:,.2f} 元超过{what} {abs(outstanding):,.2f} 元，"
                            "不予登记")
        row_id = add_payment(session, case, kind, amount, paid_on, voucher, store.operator)
        account.payments.append(PaymentLine(row_id, kind, amount, paid_on, voucher,
                                            store.operator))
        return account


def add_payment(session: Session, case: Case, kind: str, amount: Decimal, paid_on: date,
                voucher: str, operator: str, reason: str | None = None) -> int:
    """Write one payment and its audit row (the caller checked it). On the office server its
    event does both, under the login, and refuses more than may still be paid
    (`wulong_may_still_pay`)."""
    from wulong_desk.store import server_events

    if server_events.on_server(session):
        return int(server_events.call(session, "record_payment", case.id, kind,
                                      f"{amount:f}", paid_on, voucher, reason))
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


def set_payment_terms(store: Store, case_id: int, payment_term: str | None,
                      bank_account: str | None) -> None:
    """The payment term as agreed (e.g. 签约后15日内, or a date) and the household's account."""
    from wulong_desk.services.procedure import payment_due  # procedure imports this module

    term = (payment_term or "").strip() or None
    account = (bank_account or "").strip() or None
    if term is not None and len(term) > 200:
        raise UserError("付款期限太长（最多 200 个字）")
    if account is not None and len(account) > 300:
        raise UserError("收款账户太长（最多 300 个字）")
    if term is not None:
        payment_due(term, None)  # refuses a term it cannot read, naming the field
    with store.transaction() as session:
        case = get_case(session, case_id)
        case.payment_term = term
        case.bank_account = account
