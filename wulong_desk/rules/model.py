"""The engine's inputs: a project's options and one case (户), exact and already validated.

A batch makes several of these for every household it reads, and the engine reads their fields
some fifty times a household, so the case's records are plain slotted dataclasses: frozen ones
were made three times slower (every field set through object.__setattr__), and named tuples'
fields are slower to read. Nothing changes them once read; treat them as read-only. The
project's options, read once a project, stay frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# (their words live with the other plain labels, which the screens load without the engine)
from wulong_desk.statuses import METHOD_LABELS, USE_LABELS  # noqa: F401

RESIDENTIAL = "residential"
COMMERCIAL = "commercial"
PRODUCTION = "production"
USES = (RESIDENTIAL, COMMERCIAL, PRODUCTION)

MONEY = "money"
EXCHANGE = "exchange"
METHODS = (MONEY, EXCHANGE)

# 登记状态 of a part (办法第十八条): a title's own building, or one without a title that the
# district's joint review recognized as lawful, kept as a temporary building within its term, or
# found unlawful
REGISTERED = "registered"
RECOGNIZED = "recognized"
TEMPORARY = "temporary"
ILLEGAL = "illegal"
REGISTRATIONS = (REGISTERED, RECOGNIZED, TEMPORARY, ILLEGAL)

# the readings: the project options for sentences the gazette leaves open (spec "Readings")
READING_KEYS = ("ontime_reward_mixed", "decision_guide_reward")
# the readings calc contract revision 3 retired: a request naming one is refused; a record
# computed under revision 2 (or 1) keeps the values it was computed with (RetiredReadings)
RETIRED_READING_KEYS = ("exchange_interruption_rate", "early_days_from",
                        "second_move_requires_on_time")


@dataclass(frozen=True, slots=True)
class ProjectOptions:
    """A project's options, every one given: rules.inputs.read_project fills an option or a
    reading left out from the standard file's default (no rate or default is repeated here)."""

    zone: str
    guide_reward_for: str
    signing_deadline: date
    announced_on: date
    residential_extra_area: Decimal
    nonresidential_guide_rate: Decimal
    manufacturing_uplift: Decimal
    equipment_rate: Decimal
    maintenance_fund_rate: Decimal
    # the readings (the standard file's [readings] hold each default and its alternative)
    ontime_reward_mixed: str
    decision_guide_reward: str
    signing_start: date | None = None
    # revision 3: the presign period of a 旧城区改建 project (both or neither) and the day the
    # 征收决定 was made, when known (办法第二十三、二十五条)
    presign_start: date | None = None
    presign_end: date | None = None
    decision_made_on: date | None = None


@dataclass(frozen=True, slots=True)
class RetiredReadings:
    """The values of the readings revision 3 retired, as a record computed under revision 2 (or
    1) used them: its later events are figured with them (rules.compute.compute_revision2)."""

    exchange_interruption_rate: Decimal
    early_days_from: str
    second_move_requires_on_time: bool


@dataclass(slots=True)
class Part:
    use: str
    area: Decimal
    unit_price: Decimal
    inner_area: Decimal | None = None
    decoration_value: Decimal = Decimal(0)
    water_accounts: int = 0
    power_accounts: int = 0
    gas_accounts: int = 0
    gas_cost: Decimal = Decimal(0)
    business_eligible: bool = False
    manufacturing: bool = False
    registration: str = REGISTERED
    temporary_amount: Decimal | None = None

    @property
    def residential(self) -> bool:
        return self.use == RESIDENTIAL


@dataclass(slots=True)
class Equipment:
    name: str
    reusable: bool
    net_value: Decimal | None = None
    rate: Decimal | None = None
    assessed_value: Decimal | None = None


@dataclass(slots=True)
class ExchangeHouse:
    area: Decimal
    unit_price: Decimal
    inner_area: Decimal | None = None
    use: str = RESIDENTIAL


@dataclass(slots=True)
class ExchangeTerms:
    houses: tuple[ExchangeHouse, ...] = ()
    transition_months: int = 0
    turnover_house: bool = False
    turnover_premises: bool = False
    interruption_months: int = 0
    overdue_months: int = 0


@dataclass(slots=True)
class CaseInput:
    method: str
    parts: tuple[Part, ...]
    min_housing_eligible: bool = False
    signed_on: date | None = None
    moved_on_time: bool = False
    presign: bool = False               # signed_on is the day a 预签协议 was signed
    decided_on: date | None = None      # the day a 补偿决定 settled the case (办法第三十一条)
    land_area: Decimal | None = None
    land_unit_price: Decimal | None = None
    equipment: tuple[Equipment, ...] = ()
    exchange: ExchangeTerms | None = None
    warnings: tuple[str, ...] = ()
