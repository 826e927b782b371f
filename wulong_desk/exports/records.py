"""What every writer takes: each case's identity and its stored calculation record, unchanged.

The documents never compute a figure; they print the record the store keeps (the same one the
screen shows), and fingerprint it so a signed paper copy can be matched to the database later.
The records are loaded from the store by `wulong_desk.services.documents.records`; nothing here
reads it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class CaseEntry:
    case_id: int
    uuid: str
    case_no: str
    owners: list[dict[str, str]]
    title_no: str
    address: str
    uses: list[str]
    unit_prices: list[str]
    method: str
    status: str
    signed_on: str | None
    remarks: str
    record: dict[str, Any]              # the stored calc record (contract output + extras)
    record_text: str                    # exactly as stored, for the fingerprint
    exchange_houses: list[dict[str, str]]
    transition_months: int | None = None
    turnover_house: bool | None = None
    payment_term: str | None = None     # 付款期限, in words as agreed (every bucket's)
    bank_account: str | None = None     # 收款账户（户名、开户行、账号）, in full
    turnover_premises: bool | None = None
    # parts without a title (办法第十八条): {"registration", "use", "area", "temporary_amount"}
    unregistered: tuple[dict[str, str], ...] = ()
    contract_revision: int = 1          # the calc contract revision the record was made under
    # a record of revision 2 (or 1): the retired readings it was computed with, by key
    record_readings: dict[str, Any] = field(default_factory=dict)

    # payments (办法第二十二、二十九条), as exact money text; None while the case is not signed
    paid: str | None = None             # 已付: paid out less received
    outstanding: str | None = None      # 未付: amount due − paid (negative: the household owes)
    # documents received from the household (办法第三十二、四十、四十二、四十三条): every item
    # that applies to the case, {"label", "article", "received_on" (ISO date, "" if not yet)}
    documents: list[dict[str, str]] = field(default_factory=list)
    # when each part of the total is owed (办法第二十九条), as the store keeps it in its cents
    # columns (services.cases.calculation.stored_schedule), exact money text by bucket
    # (rules.breakdown.SCHEDULE_KEYS); None when the store has none
    schedule: dict[str, str] | None = None
    # a voided case: the reason given and the day (Beijing time) it was voided
    void_reason: str | None = None
    voided_on: str | None = None
    # the agreement's payment terms in words, by key (the schedule's four buckets and
    # house_price; services/money/terms.py; "" where none is agreed), and the payee's 户名、开户行、
    # 账号 ({"name", "bank", "account"}, "" where not entered)
    terms: dict[str, str] = field(default_factory=dict)
    payee: dict[str, str] = field(default_factory=dict)
    # the 补偿决定 in force (services/procedure/case_decisions.decision_record), None when there is
    # none
    decision: dict[str, Any] | None = None
    # the agreed months of business interruption (exchange), the months the department
    # delivered the exchange house late, the recorded move-out (ISO date or None)
    interruption_months: int = 0
    overdue_months: int = 0
    moved_on: str | None = None
    # what the department adds for each month it delivers the exchange house late (办法第四十二条,
    # 标准第9项), by line code (R9_TEMP, L1_INTERRUPT): the stored line's amount per month it
    # counts, given only where the record divides exactly (services.documents.records.monthly_of)
    monthly: dict[str, str] = field(default_factory=dict)


UNREG_LABELS = {"recognized": "认定合法建筑", "temporary": "临时建筑", "illegal": "认定违法建筑"}


def owners_of(entry: CaseEntry) -> list[dict[str, str]]:
    """The 被征收人 of the title (co-owners each one; 公房承租人 only when no owner is known)."""
    return [o for o in entry.owners if o["role"] == "owner"] or entry.owners


def line_amount(record: dict[str, Any], code: str) -> Decimal:
    """A line's amount in the stored record (0.00 where the record has no such line)."""
    for line in record["lines"]:
        if line["code"] == code:
            return Decimal(line["amount"])
    return Decimal("0.00")


def unregistered_text(entry: CaseEntry, uses: dict[str, str]) -> str:
    """The parts without a title in words, e.g. 认定合法建筑（住宅）12.00 m²；… ("" when none)."""
    return "；".join(f"{UNREG_LABELS.get(p['registration'], p['registration'])}"
                     f"（{uses.get(p['use'], p['use'])}）{p['area']} m²"
                     for p in entry.unregistered)


@dataclass(frozen=True)
class StatusCensus:
    """How many complete cases of one status a project has, and each summed figure's sum of
    absolute values (an upper bound of any of its totals: the ledger sizes its columns by it
    before the first row is written). Keys: area, value, loss, reward, total, net_payable."""

    count: int
    magnitude: dict[str, Decimal]
    standards: frozenset[str] = frozenset()   # the standards its records were computed under


CENSUS_KEYS = ("area", "value", "loss", "reward", "total", "net_payable")


def census_of(entries: Any) -> dict[str, StatusCensus]:
    """The census of entries held in memory, by status (a streamed project's comes from the
    store in one query: services.documents.records.stream_records)."""
    counts: dict[str, int] = {}
    sums: dict[str, dict[str, Decimal]] = {}
    standards: dict[str, set[str]] = {}
    for entry in entries:
        record = entry.record
        counts[entry.status] = counts.get(entry.status, 0) + 1
        standards.setdefault(entry.status, set()).add(record["standard"])
        into = sums.setdefault(entry.status, dict.fromkeys(CENSUS_KEYS, Decimal(0)))
        figures = {"area": record.get("quantities", {}).get("area", "0"),
                   **{key: record["totals"][key] for key in ("value", "loss", "reward",
                                                             "total")},
                   "net_payable": record["settlement"]["net_payable"]}
        for key, value in figures.items():
            into[key] += abs(Decimal(value))
    return {status: StatusCensus(count, sums[status], frozenset(standards[status]))
            for status, count in counts.items()}


@dataclass(frozen=True)
class ProjectRecords:
    project: dict[str, Any]
    entries: list[CaseEntry]
    incomplete: list[str]               # case numbers without a complete computation
    # a streamed project (services.documents.records.stream_records): its census and its
    # fingerprint read from the store, so neither needs every entry in memory; None: computed
    # from `entries`
    census: dict[str, StatusCensus] | None = None
    fingerprinter: Callable[[], str] | None = None
    # the uuids of the cases selected for export (None: the whole project)
    selection: list[str] | None = None

    @property
    def fingerprint(self) -> str:
        if self.fingerprinter is not None:
            return self.fingerprinter()
        return fingerprint(self.entries)

    def counted(self) -> dict[str, StatusCensus]:
        return self.census if self.census is not None else census_of(self.entries)


def fingerprint(entries: list[CaseEntry]) -> str:
    return fingerprint_of((entry.uuid, entry.record_text)
                          for entry in sorted(entries, key=lambda e: e.uuid))


def fingerprint_of(records: Any) -> str:
    """The fingerprint of (case uuid, stored record text) pairs given in the order of the uuids."""
    digest = hashlib.sha256()
    for uuid, text in records:
        digest.update(uuid.encode())
        digest.update(b"\0")
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def short_code(fingerprint_hex: str) -> str:
    """The fingerprint as a paper shows it: ten digits in groups (XXXX-XXXX-XX), never hex — a
    clerk can read it out and compare it with the file's."""
    text = f"{int(fingerprint_hex[:13], 16) % 10**10:010d}"
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"


def standard_name(standard_id: str) -> str:
    """A standard as a clerk knows it: its title and document numbers, never its id."""
    from wulong_desk.rules import default_standards

    standard = default_standards().get(standard_id)
    if standard is None:
        return "（未知的计算标准）"
    return f"{standard.title}（{'、'.join(standard.documents.values())}）"
