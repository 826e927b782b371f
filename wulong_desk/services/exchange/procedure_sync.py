"""The procedure's data of a case in case packages: dated events and documents, payments.
Carried beside the case's content (not part of its content hash) and merged on import without
loss:

- a date or a payment known on one side only is taken;
- the same event with two different dates, or the same voucher number with different figures,
  is a conflict (reported; nothing is imported);
- the payment terms and the payee account are the agreement's content (package format /4: the
  form's `agreement`); a package of format /3 carries them as free text here, taken only into a
  case that is not locked and has none (two different texts conflict);
- payments that together would exceed the whole agreement (both sides paid it) are a conflict;
- the 协议编号 sequence number (`agreement_seq`) is taken where this side has none and no other
  case of the project holds it; two different numbers for one case, or one number for two
  cases, are a conflict — a printed agreement's number never changes.

Importing the same package again writes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.dates import DateError, read_iso
from wulong_desk.rules.decimals import money
from wulong_desk.rules.inputs import MAX_AMOUNT, InputError, Problem
from wulong_desk.services.money.payments import KIND_LABELS, PAY, add_payment, case_account
from wulong_desk.services.procedure.catalogue import CASE_DATE_CODES
from wulong_desk.store.models import Case, CaseDate, Payment


def case_extras(session: Session, case: Case) -> dict[str, Any]:
    dates = session.execute(select(CaseDate).where(CaseDate.case_id == case.id)
                            .order_by(CaseDate.what)).scalars()
    paid = session.execute(select(Payment).where(Payment.case_id == case.id)
                           .order_by(Payment.paid_on, Payment.id)).scalars()
    return {"agreement_seq": case.agreement_seq,
            "dates": {d.what: d.on_date.isoformat() for d in dates},
            "payments": [{"kind": p.kind, "amount": money(p.amount),
                          "date": p.paid_on.isoformat(), "voucher": p.voucher,
                          "operator": p.operator} for p in paid]}


def _merge_number(session: Session, case: Case, seq: int | None, label: str) -> list[str]:
    """The agreement's sequence number from the other computer (see the module's rules)."""
    if seq is None or case.agreement_seq == seq:
        return []
    if case.agreement_seq is not None:
        return [f"{label}：两边的协议编号不同（本机第{case.agreement_seq:04d}号，"
                f"对方第{seq:04d}号）；协议编号一经打印不再改动，请核对两边已打印的协议"]
    holder = session.execute(select(Case.case_no).where(
        Case.project_id == case.project_id, Case.agreement_seq == seq, Case.id != case.id)
    ).scalar()
    if holder is not None:
        return [f"{label}：对方给它的协议编号第{seq:04d}号，在本机已给了案卷 {holder}"
                "（两台电脑各自打印了协议）；请核对两边已打印的协议，只在一台电脑上打印协议"]
    case.agreement_seq = seq
    return []


def _day(value: Any, path: str, problems: list[Problem]) -> date | None:
    """A package's date: ISO only, in 1990–2100 (the one date reader, wulong_desk.dates)."""
    try:
        return read_iso(value if isinstance(value, str) else repr(value))
    except DateError as exc:
        problems.append(Problem(path, str(exc)))
    return None


def _read(extras: Any, prefix: str) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    out: dict[str, Any] = {"dates": {}, "payments": []}
    if not isinstance(extras, dict):
        return out, [Problem(prefix, "应为 JSON 对象")]
    for key in ("payment_term", "bank_account"):
        value = extras.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(Problem(f"{prefix}.{key}", "应为文字"))
            value = None
        out[key] = value or None
    seq = extras.get("agreement_seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 1):
        problems.append(Problem(f"{prefix}.agreement_seq", "协议编号序号应为正整数"))
        seq = None
    out["agreement_seq"] = seq
    dates = extras.get("dates") or {}
    if not isinstance(dates, dict):
        problems.append(Problem(f"{prefix}.dates", "应为 JSON 对象"))
        dates = {}
    for code, value in dates.items():
        if code not in CASE_DATE_CODES:
            problems.append(Problem(f"{prefix}.dates.{code}", "未知的案卷日期项"))
        elif (day := _day(value, f"{prefix}.dates.{code}", problems)) is not None:
            out["dates"][code] = day
    payments = extras.get("payments") or []
    if not isinstance(payments, list):
        problems.append(Problem(f"{prefix}.payments", "应为列表"))
        payments = []
    for index, raw in enumerate(payments):
        path = f"{prefix}.payments[{index}]"
        if not isinstance(raw, dict):
            problems.append(Problem(path, "应为 JSON 对象"))
            continue
        try:
            amount = Decimal(str(raw.get("amount")))
        except InvalidOperation:
            amount = Decimal(-1)
        if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
            problems.append(Problem(f"{path}.amount", "应为大于 0 的金额"
                                    f"（不超过 {MAX_AMOUNT:,.0f} 元）"))
            amount = Decimal(0)
        if raw.get("kind") not in KIND_LABELS:
            problems.append(Problem(f"{path}.kind", "应为 pay 或 receive"))
        voucher, operator = raw.get("voucher"), raw.get("operator")
        if not isinstance(voucher, str) or not voucher.strip():
            problems.append(Problem(f"{path}.voucher", "必须填写凭证号"))
        day = _day(raw.get("date"), f"{path}.date", problems)
        out["payments"].append({"kind": raw.get("kind"), "amount": amount, "date": day,
                                "voucher": str(voucher or "").strip(),
                                "operator": str(operator or "")[:100]})
    return out, problems


def merge_extras(session: Session, case: Case, extras: Any, label: str,
                 prefix: str) -> list[str]:
    """Merge a package's procedure data into the case; returns conflicts (nothing written
    then: the caller's transaction is rolled back). Bad data raises InputError."""
    if extras is None:
        return []
    theirs, problems = _read(extras, prefix)
    if problems:
        raise InputError(problems)
    conflicts: list[str] = []
    for key, words in (("payment_term", "付款期限"), ("bank_account", "收款账户")):
        ours = getattr(case, key)   # (a /3 package's free text; /4 carries the agreement)
        if theirs[key] and not ours and not case.locked:
            setattr(case, key, theirs[key])
        elif theirs[key] and ours != theirs[key]:
            conflicts.append(f"{label}：两边的{words}不同")
    conflicts += _merge_number(session, case, theirs["agreement_seq"], label)
    local = {d.what: d for d in session.execute(
        select(CaseDate).where(CaseDate.case_id == case.id)).scalars()}
    for code, day in theirs["dates"].items():
        if code not in local:
            session.add(CaseDate(case_id=case.id, what=code, on_date=day))
        elif local[code].on_date != day:
            conflicts.append(f"{label}：{code} 两边日期不同（{local[code].on_date} / {day}）")
    ours_paid = {p.voucher: p for p in session.execute(
        select(Payment).where(Payment.case_id == case.id)).scalars()}
    added = []
    for p in theirs["payments"]:
        mine = ours_paid.get(p["voucher"])
        if mine is None:
            added.append(p)
        elif (mine.kind, mine.amount, mine.paid_on) != (p["kind"], p["amount"], p["date"]):
            conflicts.append(f"{label}：凭证号 {p['voucher']} 两边记录不同")
    if added and not conflicts:
        # both sides paid the same obligation (two vouchers): beyond the whole agreement — its
        # total, or for an exchange down to its net payable — is a conflict (what is owed now
        # is the sender's business: its payments were within it when made)
        session.flush()
        account = case_account(session, case.id)
        before = sum((q.amount if q.kind == PAY else -q.amount for q in ours_paid.values()),
                     Decimal(0))
        total = before + sum((p["amount"] if p["kind"] == PAY else -p["amount"] for p in added),
                             Decimal(0))
        if account is None:
            conflicts.append(f"{label}：本机的计算还不完整，不能合并付款记录")
        else:
            whole = sum(account.buckets.values(), Decimal(0))
            low = min(Decimal(0), whole - (account.exchange_price or Decimal(0)))
            if (total > whole and total > before) or (total < low and total < before):
                conflicts.append(f"{label}：合并后的付款合计 {total:,.2f} 元超出协议应付金额")
    if conflicts:
        return conflicts
    for p in sorted(added, key=lambda p: p["date"]):
        add_payment(session, case, p["kind"], p["amount"], p["date"], p["voucher"],
                    p["operator"], "来自案卷包")
    return []
