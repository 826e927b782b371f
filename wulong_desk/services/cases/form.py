"""A case as a form: the dict the GUI edits, the packages carry and the demo builds.

    {"case_no", "title_no", "address", "remarks", "status", "moved_on",
     "owners": [{"role", "name", "id_number", "phone", "address"}],
     "case": {…exactly the calc contract's case fields…},
     "exchange_locations": [str, …],   # one per case.exchange.houses entry
     "agreement": {"payment_terms": {bucket: term},          # services/money/terms.py
                   "payee": {"name", "bank", "account"},     # 户名、开户行、账号
                   "payment_term_text", "bank_account_text"}}  # before 0011, not yet re-entered

`agreement` is the agreement's content besides the figures (locked on a signed case like them);
only its non-empty keys are written, and a form without it leaves the case's agreement as it is.

Reading a form checks types and ranges (Chinese messages naming the field); it does not demand
completeness: a case under survey may lack its assessed prices. What the engine still needs is
reported by the stored result's problems instead.

`form_to_request` is the one translation of a form into the engine's request: the live preview
and the stored record (saving, packages, survey import) all go through `apply_form` and
`case_to_contract`, so what is shown while typing is what is saved.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from wulong_desk.idcard import id_problem
from wulong_desk.rules.inputs import (
    CASE_FIELDS,
    CONTROL_CHARACTERS,
    FieldReader,
    InputError,
    Problem,
)
from wulong_desk.rules.model import (
    EXCHANGE,
    METHODS,
    REGISTERED,
    REGISTRATIONS,
    RESIDENTIAL,
    TEMPORARY,
    USES,
)
from wulong_desk.services.cases.contract import case_to_contract, project_to_contract
from wulong_desk.services.money.terms import as_json, dump, read_terms
from wulong_desk.store.models import (
    PERSON_ROLES,
    STATUSES,
    Case,
    Equipment,
    ExchangeHouse,
    HousePart,
    Person,
    Project,
)

FORM_FIELDS = ("uuid", "case_no", "title_no", "address", "remarks", "status", "moved_on",
               "owners", "case", "exchange_locations", "agreement", "base", "version", "trail")
AGREEMENT_KEYS = ("payment_terms", "payee", "payment_term_text", "bank_account_text")
PAYEE_LIMITS = {"name": 100, "bank": 200, "account": 60}


def _text(reader: FieldReader, data: dict[str, Any], key: str, path: str, *,
          required: bool = False, limit: int = 300) -> str:
    raw = data.get(key)
    if raw is None or raw == "":
        if required:
            reader.fail(f"{path}.{key}" if path else key, "必须填写")
        return ""
    if not isinstance(raw, str):
        reader.fail(f"{path}.{key}" if path else key, "应为文字")
        return ""
    value = raw.strip()
    if len(value) > limit:
        reader.fail(f"{path}.{key}" if path else key, f"不能超过{limit}个字")
    elif CONTROL_CHARACTERS.search(value):  # invisible, and no workbook or document can hold them
        reader.fail(f"{path}.{key}" if path else key, "不能含控制字符（不可见的特殊字符）")
    return value


def _objects(reader: FieldReader, raw: Any, path: str
             ) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Each JSON object of a list field, with its path; a malformed list or entry is reported."""
    if raw is None:
        return
    if not isinstance(raw, list):
        reader.fail(path, "应为数组")
        return
    for index, item in enumerate(raw):
        if isinstance(item, dict):
            yield index, f"{path}[{index}]", item
        else:
            reader.fail(f"{path}[{index}]", "应为 JSON 对象")


def case_to_form(case: Case) -> dict[str, Any]:
    return {
        "uuid": case.uuid,
        "case_no": case.case_no,
        "title_no": case.title_no,
        "address": case.address,
        "remarks": case.remarks,
        "status": case.status,
        "moved_on": case.moved_on.isoformat() if case.moved_on else None,
        "owners": [{"role": p.role, "name": p.name, "id_number": p.id_number,
                    "phone": p.phone, "address": p.address} for p in case.persons],
        "case": case_to_contract(case),
        # like the contract's exchange block, only for exchange cases
        "exchange_locations": ([h.location for h in case.exchange_houses]
                               if case.method == EXCHANGE else []),
        "agreement": agreement_of(case),
    }


def agreement_of(case: Case) -> dict[str, Any]:
    """The agreement's payment terms and payee account, as the form carries them (only what is
    set: {} for a case without them)."""
    out: dict[str, Any] = {}
    terms = as_json(case.payment_terms)
    if terms:
        out["payment_terms"] = terms
    payee = {key: getattr(case, f"payee_{key}") for key in PAYEE_LIMITS
             if getattr(case, f"payee_{key}")}
    if payee:
        out["payee"] = payee
    if case.payment_term:
        out["payment_term_text"] = case.payment_term
    if case.bank_account:
        out["bank_account_text"] = case.bank_account
    return out


def _read_agreement(reader: FieldReader, raw: Any) -> dict[str, Any] | None:
    """The form's agreement block as column values (None: the form has none)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        reader.fail("agreement", "应为 JSON 对象")
        return None
    for key in raw:
        if key not in AGREEMENT_KEYS:
            reader.warnings.append(f"agreement.{key}: 未知字段，已忽略")
    values: dict[str, Any] = {}
    try:
        values["payment_terms"] = dump(read_terms(raw.get("payment_terms"),
                                                  "agreement.payment_terms"))
    except InputError as exc:
        reader.problems.extend(exc.problems)
    payee = raw.get("payee") or {}
    if not isinstance(payee, dict):
        reader.fail("agreement.payee", "应为 JSON 对象")
        payee = {}
    for key, limit in PAYEE_LIMITS.items():
        text = _text(reader, payee, key, "agreement.payee", limit=limit)
        if key == "account" and text and not all(c.isdigit() or c in " -" for c in text):
            reader.fail("agreement.payee.account", "只能由数字组成（可用空格分组）")
        values[f"payee_{key}"] = text or None
    values["payment_term"] = _text(reader, raw, "payment_term_text", "agreement") or None
    values["bank_account"] = _text(reader, raw, "bank_account_text", "agreement") or None
    return values


def _sync(session: Session | None, rows: list[Any], count: int, factory: Any) -> list[Any]:
    """Grow or shrink a child list in place, so unchanged rows make no audit noise."""
    while len(rows) > count:
        removed = rows.pop()
        if session is not None and removed in session and removed.id is not None:
            session.delete(removed)  # an explicit delete, so the audit sees it
    while len(rows) < count:
        rows.append(factory())
    for position, row in enumerate(rows):
        row.position = position
    return rows


def _set(obj: Any, **values: Any) -> None:
    for key, value in values.items():
        if getattr(obj, key) != value or type(getattr(obj, key)) is not type(value):
            setattr(obj, key, value)


def _only_what_counts(reader: FieldReader, raw: dict[str, Any], path: str) -> None:
    """An equipment row keeps the value its kind is paid by: 可搬迁 by 折旧后净值 (and its
    补助比例), the others by 评估价值. A value of the other kind, typed, would be dropped by the
    next save: it is refused at its cell instead."""
    reusable = raw.get("reusable")
    if reusable is True and raw.get("assessed_value") not in (None, ""):
        reader.fail(f"{path}.assessed_value", "可搬迁的设备按折旧后净值补助，不填评估价值；"
                    "搬迁后不能使用的才填（并取消“可搬迁”），请清空这一格")
    if reusable is False:
        for key, name in (("net_value", "折旧后净值"), ("rate", "补助比例")):
            if raw.get(key) not in (None, ""):
                reader.fail(f"{path}.{key}", f"不可搬迁的设备按评估价值补偿，不填{name}；"
                            "能搬迁再用的才填（并勾选“可搬迁”），请清空这一格")


def form_to_case(form: Any) -> Case:
    """A transient case holding exactly what the store would keep of a form (never in a
    session). Raises InputError listing every problem."""
    case = Case(status="surveyed", persons=[], parts=[], equipment=[], exchange_houses=[])
    apply_form(None, case, form)
    return case


def form_to_request(project: Project | dict[str, Any], form: Any) -> dict[str, Any]:
    """The engine's request for a form: the same inputs the saved record is computed from."""
    contract = project if isinstance(project, dict) else project_to_contract(project)
    return {"project": contract, "case": case_to_contract(form_to_case(form))}


def check_form(form: Any) -> list[Problem]:
    """Every type and range problem of a form, without touching any database (live checks)."""
    try:
        form_to_case(form)
    except InputError as exc:
        return exc.problems
    return []


def apply_form(session: Session | None, case: Case, form: Any) -> None:
    """Write a form into a case (new or existing). Raises InputError listing every problem:
    every part of the form is read first (in the order the editor shows it), and nothing is
    written unless all of it is well formed."""
    reader = FieldReader(typed=True)  # numbers as a person types them (full-width digits too)
    if not isinstance(form, dict):
        raise InputError([Problem("$", "应为 JSON 对象")])
    _warn_unknown(reader, form, FORM_FIELDS, "")
    columns = _read_heading(reader, form, case)
    owners = _read_owners(reader, form.get("owners"))
    data = form.get("case")
    if not isinstance(data, dict):
        reader.fail("case", "必须填写案卷的计算数据（method、parts 等）")
        raise InputError(reader.problems)
    _warn_unknown(reader, data, CASE_FIELDS, "case.")
    columns["method"] = reader.choice(data, "method", "case", METHODS)
    parts = _read_parts(reader, data.get("parts"))
    equipment = _read_equipment(reader, data.get("equipment"))
    houses, exchange_columns = _read_exchange(reader, data.get("exchange"),
                                              form.get("exchange_locations") or [])
    columns |= _read_terms(reader, form, data)
    agreement = _read_agreement(reader, form.get("agreement"))
    if reader.problems:
        raise InputError(reader.problems)

    # ---- everything is well formed: write it
    _set(case, **columns)
    if columns["method"] == EXCHANGE or exchange_columns is not None:
        _set(case, **(exchange_columns or NO_EXCHANGE))
    if agreement is not None:
        _set(case, **agreement)
    for rows, values, model in ((case.persons, owners, Person), (case.parts, parts, HousePart),
                                (case.equipment, equipment, Equipment),
                                (case.exchange_houses, houses, ExchangeHouse)):
        for row, row_values in zip(_sync(session, rows, len(values), model), values,
                                   strict=True):
            _set(row, **row_values)
    if session is not None:
        session.info.setdefault("form_warnings", []).extend(reader.warnings)


def _warn_unknown(reader: FieldReader, values: dict[str, Any], known: Any, prefix: str) -> None:
    for key in values:
        if key not in known:
            reader.warnings.append(f"{prefix}{key}: 未知字段，已忽略")


def _read_heading(reader: FieldReader, form: dict[str, Any], case: Case) -> dict[str, Any]:
    """The case's number, title, address, remarks and stage."""
    columns = {"case_no": _text(reader, form, "case_no", "", required=True, limit=50),
               "title_no": _text(reader, form, "title_no", "", limit=100),
               "address": _text(reader, form, "address", ""),
               "remarks": _text(reader, form, "remarks", "", limit=2000)}
    status = form.get("status") or case.status or "surveyed"
    if status not in STATUSES:
        reader.fail("status", f"应为 {' | '.join(STATUSES)} 之一")
        status = case.status or "surveyed"
    return columns | {"status": status}


def _read_owners(reader: FieldReader, rows: Any) -> list[dict[str, str]]:
    """被征收人: each with a role, a name, and an ID number that must be a valid one."""
    owners: list[dict[str, str]] = []
    for _index, path, raw in _objects(reader, rows, "owners"):
        role = raw.get("role") or "owner"
        if role not in PERSON_ROLES:
            reader.fail(f"{path}.role", f"应为 {' | '.join(PERSON_ROLES)} 之一")
        id_number = _text(reader, raw, "id_number", path, limit=18).upper()
        if id_number and (problem := id_problem(id_number)):
            reader.fail(f"{path}.id_number", problem)
        owners.append({"role": role, "name": _text(reader, raw, "name", path, required=True,
                                                   limit=100),
                       "id_number": id_number,
                       "phone": _text(reader, raw, "phone", path, limit=30),
                       "address": _text(reader, raw, "address", path)})
    return owners


def _read_parts(reader: FieldReader, rows: Any) -> list[dict[str, Any]]:
    """房屋: each part's use, registration, areas, prices and accounts; a value typed where it
    means nothing for that part is refused at its cell, never dropped."""
    parts: list[dict[str, Any]] = []
    for _index, path, raw in _objects(reader, rows, "case.parts"):
        use = reader.choice(raw, "use", path, USES)
        if use != RESIDENTIAL and raw.get("inner_area") not in (None, ""):
            reader.fail(f"{path}.inner_area", "只有住宅部分填写套内面积（非住宅按证载面积补偿），"
                        "请清空这一格")
        registration = REGISTERED
        if raw.get("registration") is not None:
            registration = reader.choice(raw, "registration", path, REGISTRATIONS,
                                         rule="（办法第十八条）")
        if registration != TEMPORARY and raw.get("temporary_amount") not in (None, ""):
            reader.fail(f"{path}.temporary_amount", "只有临时建筑填写核定金额，请清空这一格"
                        "（或把“登记状态”改为临时建筑）")
        gas_cost = reader.decimal(raw, "gas_cost", path, required=False, default=Decimal(0),
                                  places=2)
        manufacturing = reader.boolean(raw, "manufacturing", path)
        if use == RESIDENTIAL and gas_cost:
            # the store would keep it but the case reads back without it (住宅 gas goes by
            # 气表户): refused here, never dropped later as a change nobody made
            reader.fail(f"{path}.gas_cost", "住宅的天然气按“气表户”户数补偿，不填燃气开户费，"
                        "请清空这一格")
        if use == RESIDENTIAL and manufacturing:
            reader.fail(f"{path}.manufacturing", "生产制造上浮只用于非住宅部分，请取消勾选")
        parts.append({
            "use": use,
            "registration": registration,
            "temporary_amount": (reader.decimal(raw, "temporary_amount", path, required=False,
                                                places=2)
                                 if registration == TEMPORARY else None),
            "area": reader.decimal(raw, "area", path, required=True, positive=True, places=2),
            "inner_area": (reader.decimal(raw, "inner_area", path, required=False,
                                          positive=True, places=2)
                           if use == RESIDENTIAL else None),
            "unit_price": reader.decimal(raw, "unit_price", path, required=False,
                                         positive=True, places=2),
            "decoration_value": reader.decimal(raw, "decoration_value", path, required=False,
                                               default=Decimal(0), places=2),
            "gas_cost": gas_cost,
            "water_accounts": reader.integer(raw, "water_accounts", path),
            "power_accounts": reader.integer(raw, "power_accounts", path),
            "gas_accounts": reader.integer(raw, "gas_accounts", path),
            "business_eligible": reader.boolean(raw, "business_eligible", path),
            "manufacturing": manufacturing,
        })
    return parts


def _read_equipment(reader: FieldReader, rows: Any) -> list[dict[str, Any]]:
    """设施设备: each row with the value its kind is paid by."""
    equipment: list[dict[str, Any]] = []
    for _index, path, raw in _objects(reader, rows, "case.equipment"):
        _only_what_counts(reader, raw, path)
        equipment.append({
            "name": _text(reader, raw, "name", path, required=True, limit=200),
            "reusable": reader.boolean(raw, "reusable", path, required=True),
            "net_value": reader.decimal(raw, "net_value", path, required=False, places=2),
            "rate": reader.decimal(raw, "rate", path, required=False, maximum=Decimal(1)),
            "assessed_value": reader.decimal(raw, "assessed_value", path, required=False,
                                             places=2),
        })
    return equipment


# the exchange columns of a case whose form says nothing of an exchange
NO_EXCHANGE: dict[str, Any] = {"transition_months": None, "turnover_house": None,
                               "turnover_premises": None, "interruption_months": 0,
                               "overdue_months": 0}


def _read_exchange(reader: FieldReader, exchange: Any, locations: list[Any]
                   ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """产权调换: the houses (with their locations, kept beside the contract's rows) and the
    transition's terms; None for the terms when the form has no exchange part."""
    if exchange is None:
        return [], None
    if not isinstance(exchange, dict):
        reader.fail("case.exchange", "应为 JSON 对象")
        return [], None
    houses: list[dict[str, Any]] = []
    for index, path, raw in _objects(reader, exchange.get("houses"), "case.exchange.houses"):
        location = locations[index] if index < len(locations) else ""
        house_use = RESIDENTIAL
        if raw.get("use") is not None:
            house_use = reader.choice(raw, "use", path, USES)
        houses.append({
            "location": location if isinstance(location, str) else "",
            "use": house_use,
            "area": reader.decimal(raw, "area", path, required=True, positive=True, places=2),
            "inner_area": reader.decimal(raw, "inner_area", path, required=False,
                                         positive=True, places=2),
            "unit_price": reader.decimal(raw, "unit_price", path, required=True,
                                         positive=True, places=2),
        })
    where = "case.exchange"
    months = exchange.get("transition_months")
    return houses, {
        "transition_months": (None if months is None else
                              reader.integer(exchange, "transition_months", where)),
        "turnover_house": (None if exchange.get("turnover_house") is None else
                           reader.boolean(exchange, "turnover_house", where)),
        "turnover_premises": (None if exchange.get("turnover_premises") is None else
                              reader.boolean(exchange, "turnover_premises", where)),
        "interruption_months": reader.integer(exchange, "interruption_months", where),
        "overdue_months": reader.integer(exchange, "overdue_months", where),
    }


def _read_terms(reader: FieldReader, form: dict[str, Any], data: dict[str, Any]
                ) -> dict[str, Any]:
    """The dates (signed, decided, moved out), the land and the case's yes-or-no terms."""
    signed_on = reader.day(data, "signed_on", "case", required=False)
    decided_on = reader.day(data, "decided_on", "case", required=False)
    moved_on = None
    if form.get("moved_on") is not None:
        day_reader = FieldReader()
        moved_on = day_reader.day(form, "moved_on", "$", required=False)
        reader.problems += [Problem("moved_on", p.message) for p in day_reader.problems]
    return {
        "signed_on": signed_on,
        "decided_on": decided_on,
        "moved_on": moved_on,
        "land_area": reader.decimal(data, "land_area", "case", required=False, positive=True,
                                    places=2),
        "land_unit_price": reader.decimal(data, "land_unit_price", "case", required=False,
                                          places=2),
        "min_housing_eligible": reader.boolean(data, "min_housing_eligible", "case"),
        "moved_on_time": reader.boolean(data, "moved_on_time", "case"),
        "presign": reader.boolean(data, "presign", "case"),
    }
