"""What the 付款与收款 window opens on: the case's number, the agreement's payment terms in
words (each bucket's, and all of them in one line), the payee's account in one line, and the
case's account (services/money/payments.py) — None while the case is not payable."""

from __future__ import annotations

from dataclasses import dataclass

from wulong_desk.services.cases.lookup import get_case
from wulong_desk.services.documents.records import agreement_words
from wulong_desk.services.money.payments import CaseAccount, case_account
from wulong_desk.store import Store


@dataclass(frozen=True)
class AccountView:
    case_no: str
    term_words: dict[str, str]
    terms_line: str | None
    payee_line: str | None
    account: CaseAccount | None


def account_view(store: Store, case_id: int) -> AccountView:
    with store.read() as session:
        case = get_case(session, case_id)
        words, line, _payee, payee_line = agreement_words(case)
        return AccountView(case.case_no, words, line, payee_line,
                           case_account(session, case_id))
