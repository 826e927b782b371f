"""What each public notice takes, one record a row: plain values the services load from the store
(or, for the 补偿决定公告, the decision path will), never a database object. Names and addresses
are as recorded: the notice masks every name and cuts every address to the building itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from wulong_desk.exports.records import CaseEntry, line_amount, owners_of
from wulong_desk.rules.model import EXCHANGE


@dataclass(frozen=True)
class Household:
    case_no: str
    owners: tuple[str, ...]       # the 被征收人's names as recorded (printed masked)
    address: str                  # 坐落 as recorded (printed cut to the building)


def household_of(entry: CaseEntry) -> Household:
    owners = owners_of(entry)
    return Household(entry.case_no, tuple(o["name"] for o in owners), entry.address)


@dataclass(frozen=True)
class SurveyEntry:
    """A household's registered facts (办法第十七条: 权属、区位、用途、建筑面积)."""

    household: Household
    has_title: bool               # a 不动产权属证书 number was recorded
    uses: tuple[str, ...]         # the registered parts' uses (engine codes)
    area: Decimal                 # Σ 证载建筑面积 of the registered parts
    unregistered_area: Decimal    # Σ area of the parts without a title (surveyed, not judged)


@dataclass(frozen=True)
class UnregisteredEntry:
    """One building without a title and the district's finding on it (办法第十八条)."""

    household: Household
    use: str                      # engine code
    area: Decimal
    registration: str             # recognized | temporary | illegal
    temporary_amount: Decimal | None = None   # what a temporary building within its term gets


@dataclass(frozen=True)
class AppraisalEntry:
    """A household's preliminary appraisal (办法第五十二条), as its computed record states it."""

    household: Household
    uses: tuple[str, ...]
    area: Decimal                 # 证载建筑面积
    unit_prices: tuple[str, ...]  # 评估单价 of the registered parts, in order
    house_value: Decimal          # the appraised value of the titled area (line V_AREA)
    decoration: Decimal           # the appraised 装饰装修 (line L2_DECOR)


@dataclass(frozen=True)
class MinHousingEntry:
    """A household verified for the 45 m² floor (办法第三十七条)."""

    household: Household
    area: Decimal                 # 证载建筑面积
    topup: Decimal                # the area added to reach the floor (record: min_topup)
    floor: Decimal                # the floor itself, from the case's standard
    applied_on: date | None
    verified_on: date | None


@dataclass(frozen=True)
class DecisionFacts:
    """A 补偿决定 as the decision path records it (办法第三十一条)."""

    decision_no: str              # 补偿决定文号
    made_on: date                 # 作出日
    announced_on: date | None     # 公告日
    served_on: date | None        # 送达日
    move_by: date                 # 搬迁期限


@dataclass(frozen=True)
class DecisionEntry:
    """One household's 补偿决定 as the 补偿决定公告 prints it: the decision, the household and the
    items of 第二十九条 that a decision must carry (第三十一条第二款)."""

    facts: DecisionFacts
    household: Household
    method: str                   # money | exchange
    total: Decimal                # 补偿金额
    moving: Decimal               # 搬迁费 (R8_MOVE)
    temporary: Decimal            # 临时安置费 (R9_TEMP; 0.00 where a 周转房 is given)
    turnover_house: bool          # a 周转房 is given instead
    interruption: Decimal         # 停产停业损失 (L1_INTERRUPT)
    equipment: Decimal            # 设施设备损失 (L4_EQUIP)
    houses: tuple[tuple[str, Decimal], ...] = ()   # each exchange house: location, area
    transition_months: int | None = None           # 过渡期限 (exchange)
    payment_term: str = ""        # 支付期限, in words


def decision_entry(entry: CaseEntry, facts: DecisionFacts) -> DecisionEntry:
    """A decided case's row of the 补偿决定公告, from its stored record (never recomputed)."""
    record = entry.record
    exchange = entry.method == EXCHANGE
    return DecisionEntry(
        facts, household_of(entry), entry.method, Decimal(record["totals"]["total"]),
        moving=line_amount(record, "R8_MOVE"), temporary=line_amount(record, "R9_TEMP"),
        turnover_house=bool(exchange and entry.turnover_house),
        interruption=line_amount(record, "L1_INTERRUPT"), equipment=line_amount(record, "L4_EQUIP"),
        houses=tuple((h["location"], Decimal(h["area"])) for h in entry.exchange_houses)
        if exchange else (),
        transition_months=entry.transition_months if exchange else None,
        payment_term=entry.payment_term or "")
