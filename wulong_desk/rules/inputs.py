"""Reading the calc contract's JSON objects into exact, validated engine inputs.

Every problem is collected (not just the first) as (path, Chinese message), so a clerk or a script
sees all of them at once. Numbers are read exactly: JSON numbers must arrive as Decimal/int
(json.loads with parse_float=Decimal) or as decimal strings; a float is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from wulong_desk.dates import DateError, read_iso
from wulong_desk.errors import InputError, Problem
from wulong_desk.rules.decimals import NumberError, read_number
from wulong_desk.rules.model import (
    EXCHANGE,
    ILLEGAL,
    METHODS,
    READING_KEYS,
    REGISTERED,
    REGISTRATIONS,
    RESIDENTIAL,
    RETIRED_READING_KEYS,
    TEMPORARY,
    USES,
    CaseInput,
    Equipment,
    ExchangeHouse,
    ExchangeTerms,
    Part,
    ProjectOptions,
)
from wulong_desk.rules.standard import Standard, StandardError, StandardSet

PROJECT_FIELDS = (
    "zone", "guide_reward_for", "residential_extra_area", "nonresidential_guide_rate",
    "manufacturing_uplift", "equipment_rate", "maintenance_fund_rate", "signing_start",
    "signing_deadline", "announced_on", "presign_start", "presign_end", "decision_made_on",
    *READING_KEYS,
)
# the project's dates (all but the two required ones optional)
PROJECT_DATES = ("announced_on", "signing_deadline", "signing_start", "presign_start",
                 "presign_end", "decision_made_on")
CASE_FIELDS = (
    "method", "min_housing_eligible", "signed_on", "presign", "decided_on", "moved_on_time",
    "land_area", "land_unit_price", "parts", "equipment", "exchange",
)
PRESIGN_RULE = "办法第二十三条"
PART_FIELDS = (
    "use", "area", "inner_area", "unit_price", "decoration_value", "water_accounts",
    "power_accounts", "gas_accounts", "gas_cost", "business_eligible", "manufacturing",
    "registration", "temporary_amount",
)
# the fields a part without a title may carry, by its registration (spec: 办法第十八条)
UNREG_FIELDS = {TEMPORARY: ("use", "area", "temporary_amount", "registration"),
                ILLEGAL: ("use", "area", "registration")}
REGISTRATION_RULE = "（办法第十八条）"
EQUIPMENT_FIELDS = ("name", "reusable", "net_value", "rate", "assessed_value")
EXCHANGE_FIELDS = (
    "houses", "transition_months", "turnover_house", "turnover_premises", "interruption_months",
    "overdue_months",
)
HOUSE_FIELDS = ("use", "area", "inner_area", "unit_price")
# the same, as sets: every object of a batch is checked against them
_KNOWN = {fields: frozenset(fields) for fields in (
    PROJECT_FIELDS, CASE_FIELDS, PART_FIELDS, EQUIPMENT_FIELDS, EXCHANGE_FIELDS, HOUSE_FIELDS)}

# Bounds, checked before any arithmetic: every value within them computes (the largest case
# they allow stays far inside Decimal's precision and SQLite's integers), anything beyond is
# a typing slip or an attack and is refused with the field's name.
MAX_AMOUNT = Decimal("1e10")     # yuan: decoration, equipment, gas cost
MAX_AREA = Decimal("1000000")    # m² of one house part, exchange house or plot
MAX_PRICE = Decimal("100000")    # yuan per m²
MAX_COUNT = 10000  # accounts, months: a count above this is a typing slip
MAX_PARTS = 50     # house parts of one household
MAX_EQUIPMENT = 500
MAX_HOUSES = 20    # exchange houses of one household
# invisible characters no workbook or document can hold (tab and line breaks are text)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LIMITS = {"area": MAX_AREA, "inner_area": MAX_AREA, "land_area": MAX_AREA,
           "unit_price": MAX_PRICE, "land_unit_price": MAX_PRICE}
_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(0, 7)}


class FieldReader:
    """Collects problems while reading fields of one JSON object."""

    def __init__(self, *, typed: bool = False) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.typed = typed  # what a person typed: full-width digits are read as ASCII ones

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def obj(self, raw: Any, path: str, known: tuple[str, ...]) -> Mapping[str, Any] | None:
        if type(raw) is not dict and not isinstance(raw, Mapping):
            self.fail(path, "应为 JSON 对象")
            return None
        if not _KNOWN[known].issuperset(raw):
            for key in raw:
                if key not in known:
                    self.warnings.append(f"{path}.{key}: 未知字段，已忽略")
        return raw

    def decimal(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool,
        default: Decimal | None = None, minimum: Decimal | None = Decimal(0),
        maximum: Decimal | None = None, positive: bool = False, places: int | None = None,
        rule: str = "",
    ) -> Decimal | None:
        raw = data.get(key)
        if raw is None:
            if required:
                self.fail(f"{path}.{key}", f"必须填写{rule}")
            return default
        try:
            value = read_number(raw, typed=self.typed, plain=self.typed)
        except NumberError as exc:
            self.fail(f"{path}.{key}", str(exc))
            return default
        problem = ""
        limit = _LIMITS.get(key, MAX_AMOUNT)
        if not -limit <= value <= limit:
            problem = f"数值过大（不能超过 {limit:f}）"
        elif positive and value <= 0:
            problem = "必须大于0"
        elif minimum is not None and value < minimum:
            problem = f"不能小于 {minimum}{rule}"
        elif maximum is not None and value > maximum:
            problem = f"不能大于 {maximum}{rule}"
        elif places is not None and value != value.quantize(_QUANTUM[places]):
            problem = f"最多保留{places}位小数"
        if problem:
            self.fail(f"{path}.{key}", problem)
            return default
        return value

    def integer(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False,
                default: int = 0) -> int:
        raw = data.get(key)
        if type(raw) is int and 0 <= raw <= MAX_COUNT:  # the usual case, first
            return raw
        where = f"{path}.{key}"
        if raw is None:
            if required:
                self.fail(where, "必须填写（整数）")
            return default
        value: int | None = None
        if isinstance(raw, bool):
            value = None
        elif isinstance(raw, int):
            value = raw
        elif isinstance(raw, Decimal | str):
            try:
                dec = read_number(raw, typed=self.typed, plain=self.typed)
            except NumberError as exc:
                self.fail(where, f"应为整数：{exc}")
                return default
            # bounds before int(): a huge exponent must never become a huge integer
            if -MAX_COUNT <= dec <= MAX_COUNT and dec == dec.to_integral_value():
                value = int(dec)
            elif dec == dec.to_integral_value():
                self.fail(where, f"数值过大（不能超过 {MAX_COUNT}）")
                return default
        if value is None:
            self.fail(where, f"应为整数，收到 {_shown(raw)}")
            return default
        if value < 0:
            self.fail(where, "不能为负数")
            return default
        if value > MAX_COUNT:
            self.fail(where, f"数值过大（不能超过 {MAX_COUNT}）")
            return default
        return value

    def boolean(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False,
                default: bool = False) -> bool:
        raw = data.get(key)
        if raw is True or raw is False:
            return raw
        where = f"{path}.{key}"
        if raw is None:
            if required:
                self.fail(where, "必须填写（true 或 false）")
            return default
        if not isinstance(raw, bool):
            self.fail(where, f"应为 true 或 false，收到 {_shown(raw)}")
            return default
        return raw

    def day(self, data: Mapping[str, Any], key: str, path: str, *, required: bool,
            rule: str = "") -> date | None:
        where = f"{path}.{key}"
        raw = data.get(key)
        if raw is None or raw == "":
            if required:
                self.fail(where, f"必须填写日期（YYYY-MM-DD）{rule}")
            return None
        if not isinstance(raw, str):
            self.fail(where, f"应为日期 YYYY-MM-DD，收到 {_shown(raw)}")
            return None
        try:
            return read_iso(raw)   # (the one date reader: ISO here, years 1990–2100)
        except DateError as exc:
            self.fail(where, str(exc))
        return None

    def choice(self, data: Mapping[str, Any], key: str, path: str, choices: tuple[str, ...],
               *, rule: str = "") -> str:
        where = f"{path}.{key}"
        raw = data.get(key)
        if raw is None:
            self.fail(where, f"必须填写，可选 {' | '.join(choices)}{rule}")
            return choices[0]
        if raw not in choices:
            self.fail(where, f"应为 {' | '.join(choices)} 之一，收到 {_shown(raw)}{rule}")
            return choices[0]
        return raw


def _shown(raw: Any) -> str:
    """A value from outside as quoted in a message: short, whatever its size."""
    text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "…"


def items(raw: Any, path: str, limit: int, reader: FieldReader) -> list[Any]:
    """A JSON array of at most `limit` entries (checked before any entry is read)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        reader.fail(path, "应为数组")
        return []
    if len(raw) > limit:
        reader.fail(path, f"条目过多（{len(raw)} 条，最多 {limit} 条）")
        return []
    return raw


def read_project(raw: Any, standards: StandardSet, requested: str | None,
                 reader: FieldReader) -> tuple[ProjectOptions | None, Standard | None]:
    data = reader.obj(raw, "project", PROJECT_FIELDS)
    if data is None:
        return None, None
    _refuse_retired(data, standards, reader)
    announced = reader.day(data, "announced_on", "project", required=True,
                           rule="（办法第六十条：据此选用标准）")
    deadline = reader.day(data, "signing_deadline", "project", required=True)
    start = reader.day(data, "signing_start", "project", required=False)
    if start is not None and deadline is not None and start > deadline:
        reader.fail("project.signing_start",
                    f"签约期限首日 {start.isoformat()} 不能晚于签约期限届满日 "
                    f"project.signing_deadline {deadline.isoformat()}（办法第十九、二十九条）")
    presign_start, presign_end, made_on = _project_dates(data, announced, reader)
    standard: Standard | None = None
    if announced is not None:
        if requested is not None:
            standard = standards.get(requested)
            if standard is None:
                reader.fail("standard", f"没有编号为 {requested!r} 的补偿标准")
            elif not standard.covers(announced):
                reader.fail("project.announced_on",
                            f"标准 {requested} 不适用于 {announced.isoformat()} 公告的项目"
                            f"（no standard in force on {announced.isoformat()}；办法第六十条）")
                standard = None
        else:
            try:
                standard = standards.for_date(announced)
            except StandardError as exc:
                reader.fail("project.announced_on", str(exc))
    if standard is None:
        # still check the options against the newest standard, so every problem shows at once
        newest = max(standards, key=lambda s: (s.effective_from, s.edition), default=None)
        if newest is not None:
            _read_options(data, newest, reader)
        return None, None
    values = _read_options(data, standard, reader)
    if announced is None or deadline is None:
        return None, standard
    values["announced_on"] = announced
    values["signing_deadline"] = deadline
    values["signing_start"] = start
    values.update(presign_start=presign_start, presign_end=presign_end,
                  decision_made_on=made_on)
    return ProjectOptions(**values), standard


def _refuse_retired(data: Mapping[str, Any], standards: StandardSet,
                    reader: FieldReader) -> None:
    """A reading calc contract revision 3 retired, named in a project: an input error naming
    the key (never silently ignored: the sender meant a figure by it)."""
    for key in RETIRED_READING_KEYS:
        if key not in data:
            continue
        why = next((s.retired_readings[key].retired for s in standards
                    if key in s.retired_readings), "")
        reader.fail(f"project.{key}", "计算规则第3版已取消这一读法，请删去此项"
                    + (f"：{why}" if why else ""))


def _project_dates(data: Mapping[str, Any], announced: date | None, reader: FieldReader
                   ) -> tuple[date | None, date | None, date | None]:
    """The presign period (both or neither, start ≤ end) and the day the decision was made
    (not after its announcement), revision 3 (办法第二十三、二十五条)."""
    first = reader.day(data, "presign_start", "project", required=False)
    last = reader.day(data, "presign_end", "project", required=False)
    made_on = reader.day(data, "decision_made_on", "project", required=False)
    if first is not None and last is None and data.get("presign_end") is None:
        reader.fail("project.presign_end",
                    f"须与预签期限首日 project.presign_start 同时填写（{PRESIGN_RULE}）")
    if last is not None and first is None and data.get("presign_start") is None:
        reader.fail("project.presign_start",
                    f"须与预签期限末日 project.presign_end 同时填写（{PRESIGN_RULE}）")
    if first is not None and last is not None and first > last:
        reader.fail("project.presign_start",
                    f"预签期限首日 {first.isoformat()} 不能晚于预签期限末日 "
                    f"project.presign_end {last.isoformat()}（{PRESIGN_RULE}）")
    if made_on is not None and announced is not None and made_on > announced:
        reader.fail("project.decision_made_on",
                    f"征收决定作出日 {made_on.isoformat()} 不能晚于征收决定公告日 "
                    f"project.announced_on {announced.isoformat()}（办法第二十三、二十五条）")
    return first, last, made_on


def _read_options(data: Mapping[str, Any], standard: Standard,
                  reader: FieldReader) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, option in standard.options.items():
        cite = f"（{option.cite}）"
        if option.kind == "choice":
            values[name] = reader.choice(data, name, "project", option.choices, rule=cite)
        elif option.kind == "decimal":
            values[name] = reader.decimal(
                data, name, "project", required=option.required, default=option.default,
                minimum=option.min, maximum=option.max, rule=cite)
    for key, reading in standard.readings.items():
        values[key] = _read_reading(data, key, reading, reader)
    return values


def _read_reading(data: Mapping[str, Any], key: str, reading: Any, reader: FieldReader) -> Any:
    """A reading's value: its default when absent, else exactly one of its two choices."""
    raw = data.get(key)
    if raw is None:
        return reading.default
    where = f"project.{key}"
    shown = " | ".join(str(choice).lower() if isinstance(choice, bool) else str(choice)
                       for choice in reading.choices)
    rule = f"应为 {shown} 之一（{reading.label}，{reading.cite}）"
    if reading.kind == "decimal":
        if isinstance(raw, bool):
            reader.fail(where, rule)
            return reading.default
        try:
            value = read_number(raw, typed=reader.typed, plain=reader.typed)
        except NumberError as exc:
            reader.fail(where, f"{exc}；{rule}")
            return reading.default
        for choice in reading.choices:
            if value == choice:
                return choice
    elif reading.kind == "bool":
        if raw is True or raw is False:
            return raw
    elif raw in reading.choices:
        return raw
    reader.fail(where, f"{rule}，收到 {_shown(raw)}")
    return reading.default


def _read_part(raw: Any, path: str, reader: FieldReader) -> Part | None:
    data = reader.obj(raw, path, PART_FIELDS)
    if data is None:
        return None
    registration = REGISTERED
    if data.get("registration") is not None:
        registration = reader.choice(data, "registration", path, REGISTRATIONS,
                                     rule=REGISTRATION_RULE)
    use = reader.choice(data, "use", path, USES)
    area = reader.decimal(data, "area", path, required=True, positive=True, places=2)
    if registration in (TEMPORARY, ILLEGAL):
        return _read_unregistered(data, path, registration, use, area, reader)
    residential = use == RESIDENTIAL
    titled = registration == REGISTERED
    inner = reader.decimal(data, "inner_area", path, required=residential and titled,
                           positive=True, places=2,
                           rule="（住宅部分必须填写套内面积；无公摊时等于证载面积）")
    if residential and area is not None and inner is not None and inner > area:
        reader.fail(f"{path}.inner_area", "套内面积不能大于证载面积")
    price = reader.decimal(data, "unit_price", path, required=True, positive=True, places=2)
    gas_cost = reader.decimal(data, "gas_cost", path, required=False, default=Decimal(0),
                              places=2) or Decimal(0)
    if residential and gas_cost:
        reader.fail(f"{path}.gas_cost", "住宅天然气按缴费户数计补，不填开户费用（标准第3项）")
    if data.get("temporary_amount") is not None:
        reader.fail(f"{path}.temporary_amount",
                    "只有临时建筑填写征收部门核定的补偿金额（办法第十八条）")
    part = Part(
        use=use,
        area=area or Decimal(0),
        unit_price=price or Decimal(0),
        inner_area=inner if residential and titled else None,
        decoration_value=reader.decimal(data, "decoration_value", path, required=False,
                                        default=Decimal(0), places=2) or Decimal(0),
        water_accounts=reader.integer(data, "water_accounts", path),
        power_accounts=reader.integer(data, "power_accounts", path),
        gas_accounts=reader.integer(data, "gas_accounts", path),
        gas_cost=gas_cost,
        business_eligible=reader.boolean(data, "business_eligible", path),
        manufacturing=reader.boolean(data, "manufacturing", path),
        registration=registration,
    )
    if part.business_eligible and residential:
        reader.warnings.append(
            f"{path}: 住宅部分按经营用途计停产停业损失，须符合办法第四十条的条件")
    if part.manufacturing and not part.business_eligible:
        reader.warnings.append(f"{path}: 标为生产制造但未符合停产停业补偿条件，上浮不起作用")
    if part.manufacturing and residential:
        reader.warnings.append(
            f"{path}: 住宅部分不适用生产制造上浮，已忽略（办法第四十二条第三款）")
    if part.gas_cost > 0 and part.gas_accounts == 0:
        reader.warnings.append(f"{path}: 填写了天然气开户费用但天然气缴费户数为0")
    return part


def _read_unregistered(data: Mapping[str, Any], path: str, registration: str, use: str,
                       area: Decimal | None, reader: FieldReader) -> Part:
    """A temporary building (its amount as the department set it) or an unlawful one (its area
    only): any other field is an input error (办法第十八条)."""
    allowed = UNREG_FIELDS[registration]
    kind = "临时建筑" if registration == TEMPORARY else "认定违法建筑"
    for key in PART_FIELDS:
        if key not in allowed and data.get(key) is not None:
            reader.fail(f"{path}.{key}", f"{kind}只填写{'、'.join(allowed[:-1])}，"
                                         f"不能填写此项{REGISTRATION_RULE}")
    amount = None
    if registration == TEMPORARY:
        amount = reader.decimal(data, "temporary_amount", path, required=True, places=2,
                                rule="（临时建筑的补偿金额由征收部门结合剩余期限核定，"
                                     "办法第十八条）")
    else:
        reader.warnings.append(
            f"{path}: 认定违法建筑 {area or 0} m²，不予补偿（办法第十八条）")
    return Part(use=use, area=area or Decimal(0), unit_price=Decimal(0),
                registration=registration, temporary_amount=amount)


def _read_equipment(raw: Any, path: str, rate_min: Decimal | None, rate_max: Decimal | None,
                    reader: FieldReader) -> Equipment | None:
    data = reader.obj(raw, path, EQUIPMENT_FIELDS)
    if data is None:
        return None
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        reader.fail(f"{path}.name", "必须填写设备名称")
        name = ""
    elif len(name) > 200:
        reader.fail(f"{path}.name", "设备名称不能超过200个字")
        name = ""
    reusable = reader.boolean(data, "reusable", path, required=True)
    if reusable:
        return Equipment(
            name=name.strip(),
            reusable=True,
            net_value=reader.decimal(data, "net_value", path, required=True, places=2,
                                     rule="（可搬迁设备按折旧后净值计）"),
            rate=reader.decimal(data, "rate", path, required=False, minimum=rate_min,
                                maximum=rate_max, rule="（标准第4项；办法第四十三条）"),
        )
    return Equipment(
        name=name.strip(),
        reusable=False,
        assessed_value=reader.decimal(data, "assessed_value", path, required=True, places=2,
                                      rule="（不可搬迁设备按评估价值补偿）"),
    )


def _read_exchange(raw: Any, reader: FieldReader) -> ExchangeTerms | None:
    path = "case.exchange"
    data = reader.obj(raw, path, EXCHANGE_FIELDS)
    if data is None:
        return None
    houses: list[ExchangeHouse] = []
    for index, item in enumerate(items(data.get("houses"), f"{path}.houses", MAX_HOUSES,
                                       reader)):
        hpath = f"{path}.houses[{index}]"
        hdata = reader.obj(item, hpath, HOUSE_FIELDS)
        if hdata is None:
            continue
        house_use = RESIDENTIAL
        if hdata.get("use") is not None:
            house_use = reader.choice(hdata, "use", hpath, USES)
        area = reader.decimal(hdata, "area", hpath, required=True, positive=True, places=2)
        inner = reader.decimal(hdata, "inner_area", hpath, required=False, positive=True,
                               places=2)
        price = reader.decimal(hdata, "unit_price", hpath, required=True, positive=True,
                               places=2)
        if area is not None and inner is not None and inner > area:
            reader.fail(f"{hpath}.inner_area", "套内面积不能大于建筑面积")
        if area is not None and price is not None:
            houses.append(ExchangeHouse(area=area, unit_price=price, inner_area=inner,
                                        use=house_use))
    return ExchangeTerms(
        houses=tuple(houses),
        transition_months=reader.integer(data, "transition_months", path, required=True),
        turnover_house=reader.boolean(data, "turnover_house", path, required=True),
        turnover_premises=reader.boolean(data, "turnover_premises", path),
        interruption_months=reader.integer(data, "interruption_months", path),
        overdue_months=reader.integer(data, "overdue_months", path),
    )


def signing_problems(options: ProjectOptions, signed_on: date | None, presign: bool,
                     decided_on: date | None) -> list[Problem]:
    """Revision 3's signing-date checks (spec "Signing dates"), each naming both fields: a case
    settled by 补偿决定 is not also signed; a presign is signed inside the project's presign
    period and before the decision was made (or, that day unknown, announced), 办法第二十三条;
    any other signing is on or after the announcement and the signing period's first day."""
    found: list[Problem] = []
    if signed_on is not None and decided_on is not None:
        found.append(Problem("case.decided_on",
                             "不能与签约日期 case.signed_on 同时填写：签订补偿协议的户不作"
                             "补偿决定，补偿决定之后签订的协议取代决定（办法第三十一条）"))
    if presign:
        if signed_on is None:
            found.append(Problem("case.signed_on", f"预签（case.presign）必须填写预签协议的签订日期"
                                                   f"（{PRESIGN_RULE}）"))
            return found
        day = signed_on.isoformat()
        first, last = options.presign_start, options.presign_end
        if first is None or last is None:
            found.append(Problem("case.presign",
                                 f"项目未设预签期限（project.presign_start、project.presign_end），"
                                 f"{day} 签订的协议不能按预签计（{PRESIGN_RULE}）"))
        elif not first <= signed_on <= last:
            found.append(Problem("case.signed_on",
                                 f"预签日期 {day} 不在预签期限 project.presign_start "
                                 f"{first.isoformat()} 至 project.presign_end {last.isoformat()} "
                                 f"之内（{PRESIGN_RULE}）"))
        if options.decision_made_on is not None:
            if signed_on >= options.decision_made_on:
                found.append(Problem(
                    "case.signed_on",
                    f"预签日期 {day} 须早于征收决定作出日 project.decision_made_on "
                    f"{options.decision_made_on.isoformat()}（{PRESIGN_RULE}：在房屋征收决定作出"
                    "之前）"))
        elif signed_on >= options.announced_on:
            found.append(Problem(
                "case.signed_on",
                f"预签日期 {day} 须早于征收决定公告日 project.announced_on "
                f"{options.announced_on.isoformat()}（未填写征收决定作出日；{PRESIGN_RULE}：在房屋"
                "征收决定作出之前）"))
        return found
    if signed_on is None:
        return found
    day = signed_on.isoformat()
    if signed_on < options.announced_on:
        found.append(Problem("case.signed_on",
                             f"签约日期 {day} 早于征收决定公告日 project.announced_on "
                             f"{options.announced_on.isoformat()}：公告前签订的只能是预签"
                             f"（case.presign，{PRESIGN_RULE}）"))
    if options.signing_start is not None and signed_on < options.signing_start:
        found.append(Problem("case.signed_on",
                             f"签约日期 {day} 早于签约期限首日 project.signing_start "
                             f"{options.signing_start.isoformat()}（办法第十九、二十九条）"))
    return found


def read_case(raw: Any, options: ProjectOptions | None, standard: Standard | None,
              reader: FieldReader, *, signing_checks: bool = True) -> CaseInput | None:
    data = reader.obj(raw, "case", CASE_FIELDS)
    if data is None:
        return None
    method = reader.choice(data, "method", "case", METHODS)
    parts_raw = data.get("parts")
    parts: list[Part] = []
    if not isinstance(parts_raw, list) or not parts_raw:
        reader.fail("case.parts", "至少要有一个房屋部分（住宅、商业或生产用房）")
    else:
        for index, item in enumerate(items(parts_raw, "case.parts", MAX_PARTS, reader)):
            part = _read_part(item, f"case.parts[{index}]", reader)
            if part is not None:
                parts.append(part)
        if parts and not any(part.registration == REGISTERED for part in parts):
            reader.fail("case.parts", "至少要有一个证载（已登记）房屋部分：一个案卷就是一本产权证"
                                      "（办法第五十九条）")
    rate_opt = standard.options.get("equipment_rate") if standard else None
    equipment: list[Equipment] = []
    for index, item in enumerate(items(data.get("equipment"), "case.equipment", MAX_EQUIPMENT,
                                       reader)):
        item_read = _read_equipment(item, f"case.equipment[{index}]",
                                    rate_opt.min if rate_opt else None,
                                    rate_opt.max if rate_opt else None, reader)
        if item_read is not None:
            equipment.append(item_read)
    exchange: ExchangeTerms | None = None
    if method == EXCHANGE:
        if data.get("exchange") is None:
            reader.fail("case.exchange", "产权调换必须填写调换安排（过渡期限、是否提供周转房等）")
        else:
            exchange = _read_exchange(data["exchange"], reader)
            if exchange is not None and not exchange.houses:
                reader.warnings.append("case.exchange.houses: 尚未选定产权调换房屋，结算为0")
    elif data.get("exchange") is not None:
        reader.warnings.append("case.exchange: 货币补偿案卷不使用产权调换信息，已忽略")
    signed_on = reader.day(data, "signed_on", "case", required=False)
    presign = reader.boolean(data, "presign", "case")
    decided_on = reader.day(data, "decided_on", "case", required=False)
    land_area = reader.decimal(data, "land_area", "case", required=False, positive=True,
                               places=2)
    land_price = reader.decimal(data, "land_unit_price", "case", required=False, places=2)
    if (land_area is None) != (land_price is None):
        reader.warnings.append("case.land_area/land_unit_price: 土地面积与单价须同时填写，"
                               "土地使用权补偿暂按0计")
    if options is not None and signed_on is not None and signed_on > options.signing_deadline:
        reader.warnings.append(
            f"case.signed_on: 签约日 {signed_on.isoformat()} 晚于签约期限 "
            f"{options.signing_deadline.isoformat()}，无提前签约奖励")
    if options is not None and signing_checks:
        reader.problems += signing_problems(options, signed_on, presign, decided_on)
    # every field is read before deciding: all problems are reported at once
    min_housing = reader.boolean(data, "min_housing_eligible", "case")
    moved_on_time = reader.boolean(data, "moved_on_time", "case")
    if reader.problems:
        return None
    return CaseInput(
        method=method,
        parts=tuple(parts),
        min_housing_eligible=min_housing,
        signed_on=signed_on,
        moved_on_time=moved_on_time,
        presign=presign,
        decided_on=decided_on,
        land_area=land_area,
        land_unit_price=land_price,
        equipment=tuple(equipment),
        exchange=exchange,
        warnings=tuple(reader.warnings),
    )


def read_request(raw: Any, standards: StandardSet, *, signing_checks: bool = True
                 ) -> tuple[ProjectOptions, CaseInput, Standard]:
    """One calc request {"standard"?, "project", "case"} → validated inputs, or InputError.
    `signing_checks=False` only for a record computed under revision 2 (or 1), whose signing
    predates revision 3's date checks (rules.compute.compute_revision2)."""
    reader = FieldReader()
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise InputError([Problem("$", "应为 JSON 对象 {\"project\": …, \"case\": …}")])
    for key in raw:
        if key not in ("standard", "project", "case"):
            reader.warnings.append(f"{key}: 未知字段，已忽略")
    requested = raw.get("standard")
    if requested is not None and not isinstance(requested, str):
        reader.fail("standard", "应为标准编号字符串")
        requested = None
    if "project" not in raw:
        reader.fail("project", "必须填写项目选项")
    if "case" not in raw:
        reader.fail("case", "必须填写案卷")
    options: ProjectOptions | None = None
    standard: Standard | None = None
    if "project" in raw:
        options, standard = read_project(raw["project"], standards, requested, reader)
    case = (read_case(raw["case"], options, standard, reader, signing_checks=signing_checks)
            if "case" in raw else None)
    if reader.problems or options is None or case is None or standard is None:
        raise InputError(reader.problems or [Problem("$", "输入不完整")])
    return options, case, standard
