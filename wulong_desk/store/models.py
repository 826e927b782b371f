"""The case store's tables (SQLAlchemy 2 typed ORM). Exact decimals only, never floats.

Money totals of the stored breakdown are kept as integer cents so SQL can sum them exactly.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from wulong_desk.rules.breakdown import SCHEDULE_KEYS
from wulong_desk.rules.standard import LINE_CODES
from wulong_desk.statuses import (  # noqa: F401  (re-exported for the store's users)
    PERSON_ROLE_LABELS,
    PERSON_ROLES,
    STATUS_LABELS,
    STATUSES,
    is_frozen,
)
from wulong_desk.store import column_policy
from wulong_desk.store.types import ExactDecimal

# The lines' amounts, as integer cents, in the engine's order: one column per line code, named
# after the code (the codes themselves come from the engine, never copied here).
LINE_COLUMNS = {code: code.lower() for code in LINE_CODES}
# the record's schedule (revision 3), as integer cents, one column per bucket
SCHEDULE_COLUMNS = {key: f"{key}_cents" for key in SCHEDULE_KEYS}
# every figure of a stored result by the name the audit and the events give it, with its column:
# the lines, the total, the exchange settlement's two figures and the schedule's buckets
FIGURE_COLUMNS = {**LINE_COLUMNS, "total": "total_cents",
                  "exchange_price": "exchange_price_cents", "net_payable": "net_payable_cents",
                  **SCHEDULE_COLUMNS}


def new_uuid() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200))                       # 项目名称
    decision_no: Mapped[str] = mapped_column(String(100), default="")    # 征收决定文号
    announced_on: Mapped[date] = mapped_column(Date)                  # 征收决定公告日
    signing_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    signing_deadline: Mapped[date] = mapped_column(Date)              # 签约期限届满日
    move_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)  # 搬迁期限
    department: Mapped[str] = mapped_column(String(200), default="")     # 征收部门
    implementer: Mapped[str] = mapped_column(String(200), default="")    # 实施单位
    appraiser: Mapped[str] = mapped_column(String(200), default="")      # 评估机构
    old_town: Mapped[bool] = mapped_column(Boolean, default=False)       # 旧城区改建
    # the threshold and the options below: always written by services.projects.project, from the
    # form or the standard file's default and floor (no rate is repeated here)
    presign_threshold: Mapped[Decimal] = mapped_column(ExactDecimal)
    zone: Mapped[str] = mapped_column(String(10))
    guide_reward_for: Mapped[str] = mapped_column(String(10))
    residential_extra_area: Mapped[Decimal] = mapped_column(ExactDecimal)
    nonresidential_guide_rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    manufacturing_uplift: Mapped[Decimal] = mapped_column(ExactDecimal)
    equipment_rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    maintenance_fund_rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    agreement_prefix: Mapped[str] = mapped_column(String(50), default="")  # 协议编号前缀
    agreement_year: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 协议编号年份
    # the readings (calc contract revision 3): always written from the standard file's
    # default or its alternative by services.projects.project (revision 3 retired the other three:
    # migration 0010 copied their values into each record computed with them)
    ontime_reward_mixed: Mapped[str] = mapped_column(String(10))
    decision_guide_reward: Mapped[str] = mapped_column(String(10))
    # revision 3: the presign period (办法第二十三条) and the day the decision was made
    presign_start: Mapped[date | None] = mapped_column(Date, nullable=True)   # 预签期限首日
    presign_end: Mapped[date | None] = mapped_column(Date, nullable=True)     # 预签期限末日
    decision_made_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 决定作出日
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # the project's default payment terms, per bucket of the schedule (JSON,
    # services/money/terms.py): what a case's agreement says unless it says otherwise (issue 26,
    # migration 0011)
    payment_terms: Mapped[str | None] = mapped_column(Text, nullable=True)   # 默认付款期限
    # the whole expropriation area, not just the cases entered so far (办法第十三、二十三条)
    total_households: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 征收范围总户数
    total_area: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)  # 总面积 m²
    # the path the project takes in law (services/decision_path.py): planned (announced_on is
    # the planned date) | decided (作出征收决定 recorded: 作出日, 公告日, 文号 above) |
    # terminated (short of the presign share: every presign 不生效, 办法第二十三条)
    decision_state: Mapped[str] = mapped_column(String(12), default="planned")
    terminated_on: Mapped[date | None] = mapped_column(Date, nullable=True)   # 终止日
    termination_no: Mapped[str | None] = mapped_column(String(100), nullable=True)  # 终止文号
    termination_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    cases: Mapped[list[Case]] = relationship(back_populates="project",
                                             cascade="all, delete-orphan")


# a case's own columns that the calculation reads (its rows aside: parts, equipment, exchange
# houses): what a signed case may not change without 解锁更正. services/cases/contract.py reads
# exactly these (a test holds it to that); the office server's guard trigger protects them. Both
# lists come from the written policy of every column (store/column_policy.py).
CASE_MONEY_COLUMNS = column_policy.group("money")
# a case's own columns that are agreement content but not calculation input: the payment terms
# and the payee account, and the day the agreement took effect. Locked on a signed case like
# every figure (changed only by 解锁更正, or — effective_on — by the event that sets it).
AGREEMENT_COLUMNS = column_policy.group("agreement")


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("project_id", "case_no", name="uq_case_no_per_project"),
        # one household per number however it is written (services/cases/changes.py fills case_key)
        UniqueConstraint("project_id", "case_key", name="uq_case_key_per_project"),
        Index("ix_cases_project_status", "project_id", "status"),
        Index("ix_cases_search", "project_id", "search_text"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    case_no: Mapped[str] = mapped_column(String(50))                     # 案卷编号
    # the number's identity: NFKC, case folded, invisible characters removed (invisible.py)
    case_key: Mapped[str] = mapped_column(String(100), default="")
    title_no: Mapped[str] = mapped_column(String(100), default="")       # 产权证号
    address: Mapped[str] = mapped_column(String(300), default="")        # 坐落
    status: Mapped[str] = mapped_column(String(10), default="surveyed")
    method: Mapped[str] = mapped_column(String(10), default="money")
    min_housing_eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # revision 3: signed_on is the day a 预签协议 was signed — a stored fact that stays after the
    # presign becomes a 补偿协议 (the case is computed as a presign from that day on)
    presign: Mapped[bool] = mapped_column(Boolean, default=False)
    # the day a 补偿决定 settled the case (办法第三十一条); never together with signed_on
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    moved_on: Mapped[date | None] = mapped_column(Date, nullable=True)     # 搬迁日期
    moved_on_time: Mapped[bool] = mapped_column(Boolean, default=False)
    land_area: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    land_unit_price: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    transition_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    turnover_house: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    turnover_premises: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    interruption_months: Mapped[int] = mapped_column(Integer, default=0)
    overdue_months: Mapped[int] = mapped_column(Integer, default=0)
    remarks: Mapped[str] = mapped_column(Text, default="")               # 备注
    unlocked_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    void_reason: Mapped[str | None] = mapped_column(Text, nullable=True)       # 作废理由
    # how many times the case's content changed here (a counter for optimistic locking)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # the ids of the versions this case descends from, oldest first, usually ending with the
    # current one (JSON list): the package ancestry (before migration 0009: content hashes)
    version_trail: Mapped[str] = mapped_column(Text, default="[]")
    # the current version's id: a fresh one for each saved change (services/cases/changes.py); NULL
    # for a case unchanged since before migration 0009, whose id is then its content hash
    version_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    agreement_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 协议编号序号
    # lower-cased names, ID numbers, phones, title number and address: one column to search
    # (index ix_cases_search covers project_id + search_text, so a search scans the index only)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # before migration 0011: the payment term and the account as free text; kept only where
    # they could not be read unambiguously (listed as 付款期限需重新录入 until entered again)
    payment_term: Mapped[str | None] = mapped_column(Text, nullable=True)   # 付款期限（原文）
    bank_account: Mapped[str | None] = mapped_column(Text, nullable=True)   # 收款账户（原文）
    # the agreement's own payment terms for the buckets it sets (JSON, services/money/terms.py); the
    # others are the project's default terms
    payment_terms: Mapped[str | None] = mapped_column(Text, nullable=True)  # 付款期限
    payee_name: Mapped[str | None] = mapped_column(String(100), nullable=True)     # 户名
    payee_bank: Mapped[str | None] = mapped_column(String(200), nullable=True)     # 开户行
    payee_account: Mapped[str | None] = mapped_column(String(60), nullable=True)   # 账号
    # the day the agreement took effect (协议生效): the signing day of an ordinary agreement; a
    # converted presign's (its converted_on) or a 补偿决定's (its 作出日) is set by the decision
    # path
    effective_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # a presign converted to a 补偿协议 (办法第二十九条): the day that agreement took effect, the
    # later of the decision's 作出日 and the day the household's 分户评估报告 was served (第五十三
    # 条; services/procedure/conversion.py)
    converted_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    project: Mapped[Project] = relationship(back_populates="cases")
    persons: Mapped[list[Person]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Person.position")
    parts: Mapped[list[HousePart]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="HousePart.position")
    equipment: Mapped[list[Equipment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Equipment.position")
    exchange_houses: Mapped[list[ExchangeHouse]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="ExchangeHouse.position")
    result: Mapped[CaseResult | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False)
    # every 补偿决定 made for the case, the one in force last (history kept, 办法第三十一条)
    decisions: Mapped[list[CaseDecision]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseDecision.id")

    # optimistic locking: every UPDATE of a case says `WHERE version = <the one read>`, so a
    # save that started from an older version changes nothing (StaleDataError) on SQLite and
    # PostgreSQL alike; services.cases.changes decides when the counter moves
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012

    @property
    def locked(self) -> bool:
        """Signed, moved and voided cases are frozen unless unlocked with a reason (解锁更正)."""
        return is_frozen(self.status) and not self.unlocked_reason


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(10), default="owner")
    name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str] = mapped_column(String(18), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(300), default="")

    case: Mapped[Case] = relationship(back_populates="persons")


class HousePart(Base):
    __tablename__ = "house_parts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    use: Mapped[str] = mapped_column(String(12))
    area: Mapped[Decimal] = mapped_column(ExactDecimal)
    inner_area: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    unit_price: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)  # 评估后填
    decoration_value: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0))
    water_accounts: Mapped[int] = mapped_column(Integer, default=0)
    power_accounts: Mapped[int] = mapped_column(Integer, default=0)
    gas_accounts: Mapped[int] = mapped_column(Integer, default=0)
    gas_cost: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0))
    business_eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    manufacturing: Mapped[bool] = mapped_column(Boolean, default=False)
    registration: Mapped[str] = mapped_column(String(12), default="registered")   # 登记状态
    temporary_amount: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    # the formal 分户评估报告's values for a presign (办法第二十七、二十九条), waiting beside its
    # frozen record until it converts (not calc inputs: the record keeps the presign's values)
    formal_unit_price: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    formal_decoration_value: Mapped[Decimal | None] = mapped_column(ExactDecimal,
                                                                    nullable=True)

    case: Mapped[Case] = relationship(back_populates="parts")


class Equipment(Base):
    __tablename__ = "equipment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    reusable: Mapped[bool] = mapped_column(Boolean)
    net_value: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    rate: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    assessed_value: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)

    case: Mapped[Case] = relationship(back_populates="equipment")


class ExchangeHouse(Base):
    __tablename__ = "exchange_houses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    location: Mapped[str] = mapped_column(String(300), default="")
    use: Mapped[str] = mapped_column(String(12), default="residential")
    area: Mapped[Decimal] = mapped_column(ExactDecimal)
    inner_area: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal)

    case: Mapped[Case] = relationship(back_populates="exchange_houses")


class CaseDecision(Base):
    """One 补偿决定 of the district government for a case (办法第三十一条): its number and days,
    the move-by date it sets, whether it stated the 复议/诉讼 rights, the appeals brought against
    it, and — once it no longer stands — how it ended (撤销, 变更, or an agreement signed after
    it). Written only by services/decision_path.py (on the office server: its events)."""

    __tablename__ = "case_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(100))                     # 补偿决定文号
    ground: Mapped[str] = mapped_column(String(16), default="no_agreement")  # | owner_unclear
    made_on: Mapped[date] = mapped_column(Date)                       # 作出日
    announced_on: Mapped[date | None] = mapped_column(Date, nullable=True)   # 公告日
    served_on: Mapped[date | None] = mapped_column(Date, nullable=True)      # 送达日
    move_by: Mapped[date] = mapped_column(Date)                       # 搬迁期限
    rights_stated: Mapped[bool] = mapped_column(Boolean, default=True)   # 告知复议、诉讼权利
    review_filed_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 申请复议
    review_closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    suit_filed_on: Mapped[date | None] = mapped_column(Date, nullable=True)    # 提起诉讼
    suit_closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # in_force | revoked (复议或判决撤销) | changed (变更: a later decision replaces it) |
    # superseded (an agreement signed after it)
    state: Mapped[str] = mapped_column(String(12), default="in_force")
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    ended_by: Mapped[str | None] = mapped_column(String(200), nullable=True)  # 文书号
    recorded_at: Mapped[datetime] = mapped_column(DateTime)

    case: Mapped[Case] = relationship(back_populates="decisions")


class CaseRevaluation(Base):
    """A corrected 分户评估报告 after 复核 or 鉴定 (办法第五十四至五十六条), recorded as its own
    audited event on a converted, signed or decided case (services/decision_path.py)."""

    __tablename__ = "case_revaluations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))                        # review | expert
    served_on: Mapped[date] = mapped_column(Date)                     # 修改后的报告送达日
    reference: Mapped[str] = mapped_column(String(200), default="")      # 报告编号
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class CaseResult(Base):
    """The stored breakdown of a case's last computation (or the problems that stopped it)."""

    __tablename__ = "case_results"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    standard_id: Mapped[str | None] = mapped_column(String(50), nullable=True)
    standard_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    engine_version: Mapped[str] = mapped_column(String(20))
    computed_at: Mapped[datetime] = mapped_column(DateTime)
    warnings_count: Mapped[int] = mapped_column(Integer, default=0)
    # the calc contract revision the record was computed under (1: before migration 0007, 2:
    # before migration 0010)
    contract_revision: Mapped[int] = mapped_column(Integer, default=1)
    v_area: Mapped[int] = mapped_column(BigInteger, default=0)
    v_shared: Mapped[int] = mapped_column(BigInteger, default=0)
    v_min: Mapped[int] = mapped_column(BigInteger, default=0)
    v_land: Mapped[int] = mapped_column(BigInteger, default=0)
    v_unreg: Mapped[int] = mapped_column(BigInteger, default=0)
    l1_interrupt: Mapped[int] = mapped_column(BigInteger, default=0)
    l2_decor: Mapped[int] = mapped_column(BigInteger, default=0)
    l3_facility: Mapped[int] = mapped_column(BigInteger, default=0)
    l4_equip: Mapped[int] = mapped_column(BigInteger, default=0)
    r5_guide: Mapped[int] = mapped_column(BigInteger, default=0)
    r6_early: Mapped[int] = mapped_column(BigInteger, default=0)
    r7_ontime: Mapped[int] = mapped_column(BigInteger, default=0)
    r8_move: Mapped[int] = mapped_column(BigInteger, default=0)
    r9_temp: Mapped[int] = mapped_column(BigInteger, default=0)
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    exchange_price_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    net_payable_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    area_centi: Mapped[int] = mapped_column(BigInteger, default=0)  # Σ 证载面积 in 0.01 m²
    # revision 3: the total split by when each part falls due (the record's `schedule`), in
    # cents; read by the payments, never recomputed (migration 0010 filled older records)
    before_move_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    transition_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    after_move_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    overdue_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # a record computed under revision 2 (or 1): the values of the readings revision 3 retired
    # that it was computed with (copied by migration 0010; None for a revision-3 record). A later
    # event on it is figured with them (services.cases.calculation.breakdown_under_record).
    exchange_interruption_rate: Mapped[Decimal | None] = mapped_column(ExactDecimal,
                                                                       nullable=True)
    early_days_from: Mapped[str | None] = mapped_column(String(12), nullable=True)
    second_move_requires_on_time: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    case: Mapped[Case] = relationship(back_populates="result")
    record: Mapped[CaseRecord] = relationship(cascade="all, delete-orphan", uselist=False,
                                              back_populates="result")

    def _record(self) -> CaseRecord:
        if self.record is None:
            self.record = CaseRecord(breakdown_json="{}", problems_json="[]")
        return self.record

    @property
    def breakdown_json(self) -> str:
        """The calc contract output plus standard hash and engine version (JSON text)."""
        return self.record.breakdown_json if self.record is not None else "{}"

    @breakdown_json.setter
    def breakdown_json(self, value: str) -> None:
        self._record().breakdown_json = value

    @property
    def problems_json(self) -> str:
        return self.record.problems_json if self.record is not None else "[]"

    @problems_json.setter
    def problems_json(self, value: str) -> None:
        self._record().problems_json = value


class CaseRecord(Base):
    """The stored breakdown's full text, kept apart from the narrow CaseResult row so sums over
    a project's cases read a few pages, not every case's few kilobytes of JSON."""

    __tablename__ = "case_records"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_results.case_id", ondelete="CASCADE"),
                                         primary_key=True)
    breakdown_json: Mapped[str] = mapped_column(Text)
    problems_json: Mapped[str] = mapped_column(Text, default="[]")

    result: Mapped[CaseResult] = relationship(back_populates="record")


class AuditEntry(Base):
    """Who changed what and when: one row per changed field (one per created/deleted entity)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(100))
    # create | update | delete | unlock | relock | status | recompute | correct | void | remove
    action: Mapped[str] = mapped_column(String(10))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    project_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    field: Mapped[str] = mapped_column(String(50), default="")
    old: Mapped[str | None] = mapped_column(Text, nullable=True)
    new: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class Payment(Base):
    """One payment to a household (kind "pay") or, for an exchange case where the household owes
    the difference, one receipt from it (kind "receive"). Amounts are positive."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_case", "case_id", "paid_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), default="pay")
    amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    paid_on: Mapped[date] = mapped_column(Date)
    voucher: Mapped[str] = mapped_column(String(60))
    operator: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CaseEvent(Base):
    """A fact that makes money owed or forfeits it, after signing (services/money/moves.py): a move
    (`move`: the day, on time or late, and what a late move forfeited) or a delay of the
    exchange house (`delay`: the months added and the amount they add). Written by the event
    itself, never edited; carried by packages (by uuid) so it is applied once on each side."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))                 # move | delay
    on_date: Mapped[date | None] = mapped_column(Date, nullable=True)   # the move; a delay's
    months: Mapped[int] = mapped_column(Integer, default=0)       # a delay's months
    late: Mapped[bool | None] = mapped_column(Boolean, nullable=True)   # a move after the deadline
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # forfeited / added
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    operator: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime] = mapped_column(DateTime)
    # reconstructed by migration 0011 from what the case already said (not recorded as it
    # happened)
    inferred: Mapped[bool] = mapped_column(Boolean, default=False)

    case: Mapped[Case] = relationship()


class ProcedureStep(Base):
    """A dated step of the project's procedure (范围公布, 征收决定公告 …); the statutory period
    it starts is in services/procedure/."""

    __tablename__ = "procedure_steps"
    __table_args__ = (UniqueConstraint("project_id", "step", name="uq_step_per_project"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(30))
    started_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class CaseDate(Base):
    """A dated event of a case (评估结果公示, 复核申请, 补偿决定 …) or a document received
    (权属证书交回 …): one row per event code."""

    __tablename__ = "case_dates"
    __table_args__ = (UniqueConstraint("case_id", "what", name="uq_case_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    what: Mapped[str] = mapped_column(String(30))
    on_date: Mapped[date] = mapped_column(Date)


class Consent(Base):
    """One owner's answer to the 旧城区改建 consultation (办法第十三条), with the owned area."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    label: Mapped[str] = mapped_column(String(300))                      # 坐落或户号
    answer: Mapped[str] = mapped_column(String(10), default="none")      # agree|disagree|none
    exclusive_area: Mapped[Decimal] = mapped_column(ExactDecimal)        # 专有部分面积


class HousingUnit(Base):
    """A house of the project's stock for exchange. Assigned by linking it to one exchange-house
    line of one case; the unique constraint keeps a house from being assigned twice."""

    __tablename__ = "housing_stock"
    __table_args__ = (
        UniqueConstraint("project_id", "building", "unit", "number", name="uq_housing_address"),
        UniqueConstraint("exchange_house_id", name="uq_housing_assigned_once"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    use: Mapped[str] = mapped_column(String(12))
    building: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(20), default="")
    number: Mapped[str] = mapped_column(String(20))
    area: Mapped[Decimal] = mapped_column(ExactDecimal)
    inner_area: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal)
    exchange_house_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchange_houses.id", ondelete="SET NULL"), nullable=True)
    notice_on: Mapped[date | None] = mapped_column(Date, nullable=True)       # 接房通知
    handed_over_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 交房


class Proposal(Base):
    """A version of a case from outside (a package, a sync) that the receiving login may not
    take in by itself — a correction of a signed case, or a stage it may not set (签约 from
    outside, 已审核 without the role): kept whole, applied only when a reviewer accepts it
    (services/exchange/proposals.py), or refused with a reason. Nothing of it is applied before."""

    __tablename__ = "proposals"
    __table_args__ = (
        Index("ix_proposals_case", "case_uuid", "version_id"),
        Index("ix_proposals_state", "state", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    case_uuid: Mapped[str] = mapped_column(String(36))
    case_no: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(12))             # correction | stage
    version_id: Mapped[str] = mapped_column(String(64))       # the sender's version
    base_version: Mapped[str | None] = mapped_column(String(64), nullable=True)  # ours then
    entry_json: Mapped[str] = mapped_column(Text)             # the package's entry, whole
    sender: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text, default="")     # the sender's reason
    what: Mapped[str] = mapped_column(Text, default="")       # what it would do, in words
    figures_json: Mapped[str] = mapped_column(Text, default="[]")  # [[label, old, new], …]
    # pending | accepted | rejected | superseded (another version of the case was taken since)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
